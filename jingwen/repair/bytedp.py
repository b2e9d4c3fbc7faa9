"""One decoder for bytes with holes: dynamic programming over byte positions.

A mojibake fix rebuilds the bytes that the damaging decoder saw (the span
re-encoded with that decoder's codec); where the decoder gave up, the byte is
unknown (``None``). :func:`decode` then reads those bytes as the codec they
really were, left to right, keeping a beam of readings per byte position. The
moves from a position are

* a valid character of the target codec (ASCII, or a multi-byte character);
* a character with an unknown byte filled: the characters whose known bytes
  fit, the commonest first (``filled``);
* a byte lost before this one (a character of which only this byte is left),
  and a byte inserted (skipped), where the caller allows them;
* for UTF-8, a pair of bytes that a GBK decoder dropped without a mark where it
  could not read them (``dropped``: at a boundary of the mojibake's characters,
  the last byte of one character and the first of the next, or the last two of
  one; a byte before ASCII alone), where the caller gives those boundaries;

each scored by the language model (:meth:`charlm.CharLM.prior`: the
character's own cost and its bigram with the one before) plus the move's cost.
Readings that end in the same character are merged (Viterbi), and only
:data:`BEAM` are kept per position, so the work is linear in the span.
"""
from __future__ import annotations

import functools
import itertools
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from jingwen.repair import charlm
from jingwen.repair.clues import gbk_rejects, rejected_before
from jingwen.text import script

#: Readings kept per byte position.
BEAM = 8
#: The continuation bytes of UTF-8.
CONTINUATION = range(0x80, 0xC0)
#: Characters tried for a character with unknown bytes (commonest first).
FILL_CHOICES = 24
#: ASCII inside a double-byte span is scored flat, and higher right after an ideograph
#: (a lone letter among ideographs is more often the half of a misread pair).
ASCII_COST = 3.0
ASCII_AFTER_HAN_COST = 8.0
#: Added to a guessed Traditional-only character (most text that loses bytes is Simplified).
TRADITIONAL_GUESS = 4.0
#: Readings are merged when they end in the same characters (enough for the bigram, and
#: diverse enough for the finalists' rescoring with words).
_MERGE = 3
#: Characters on each side that judge a guessed character again.
_CONTEXT = 3


@dataclass(frozen=True)
class Moves:
    """What damage the decoder may assume, in nats (None: never)."""

    fill: float = 1.0              # an unknown byte filled
    lost: float | None = None      # a byte lost (a character of which one byte is left)
    inserted: float | None = None  # a byte inserted (skipped)
    unfilled: float = 12.0         # an unknown byte left as U+FFFD
    dropped: float | None = None   # bytes a GBK decoder dropped without a mark


@dataclass
class Reading:
    cost: float
    text: str
    filled: int   # unknown bytes filled
    lost: int     # characters guessed from one byte, and bytes dropped without a mark
    skipped: int  # bytes skipped
    #: (index in text, the candidates the guess was chosen from: strings of one length)
    guesses: tuple[tuple[int, tuple[str, ...]], ...] = ()


def _utf8_size(lead: int) -> int:
    return 1 if lead < 0x80 else 2 if 0xC2 <= lead < 0xE0 else 3 if 0xE0 <= lead < 0xF0 else \
        4 if 0xF0 <= lead < 0xF5 else 0


@functools.lru_cache(maxsize=65536)
def _fits(codec: str, pattern: tuple[int | None, ...], allowed: frozenset[int] | None) -> tuple[str, ...]:
    """The characters of ``codec`` whose bytes match ``pattern`` (None: any byte of
    ``allowed``, or of 0x40-0xFE / 0x80-0xBF), commonest first, at most :data:`FILL_CHOICES`."""
    if codec == "utf-8":
        default = CONTINUATION
    else:
        default = range(0x40, 0xFF)
    choices = [[b] if b is not None else (sorted(allowed) if allowed else list(default)) for b in pattern]
    if codec != "utf-8" and pattern[0] is None:
        choices[0] = [b for b in (sorted(allowed) if allowed else range(0x81, 0xFF))]
    model = charlm.model()
    found = []
    for combo in itertools.product(*choices):
        try:
            ch = bytes(combo).decode(codec)
        except UnicodeDecodeError:
            continue
        if len(ch) == 1 and ch > "\x7f" and not invisible(ch):
            found.append((model.prior("", ch) + _guess_cost(ch), ch))
    found.sort()
    return tuple(ch for _, ch in found[:FILL_CHOICES])


def invisible(ch: str) -> bool:
    """A control, format or typographic space character (not the ideographic or the
    no-break space, which web text has): no lost byte is guessed to have made one."""
    cat = unicodedata.category(ch)
    return cat[0] == "C" or (cat[0] == "Z" and ch not in "\u3000\u00a0")


def _guess_cost(ch: str) -> float:
    return TRADITIONAL_GUESS if ch in script.tables().trad_only else 0.0


#: The running-text cost of a character never seen there (Traditional forms among them).
_UNSEEN_CHAR = 20.0


def _is_cont(b: int | None) -> bool:
    return b is not None and b in CONTINUATION


@functools.lru_cache(maxsize=65536)
def _dropped_fits(head: tuple[int, ...], tail: tuple[int, ...], before: int | None) -> tuple[str, ...]:
    """The text of UTF-8 bytes ``head`` + a dropped pair (x, y) + ``tail``, where GBK cannot
    read x y (so its decoder dropped both): ``head`` a character short
    of one byte and ``tail`` one short of its lead, or ``head`` a lead short of two bytes
    (``tail`` empty). With ``before`` (an ASCII byte after ``head``, or -1 for the line's
    end) only x was dropped. A shortlist of the commonest in running text, ranked by the
    model's prior."""
    rejects = gbk_rejects("gbk")
    model = charlm.model()
    common = model.char_costs
    firsts = range(0x81, 0xC0)  # 0x80 is a character of its own (€) to these decoders
    if before is not None:
        pairs = [(x,) for x in (firsts if before < 0 else rejected_before("gbk", before)) if x in firsts]
    elif tail:
        size = len(tail) + 1
        leads = range(0xC2, 0xE0) if size == 2 else range(0xE0, 0xF0)
        pairs = [(x, y) for x in firsts for y in leads if (x, y) in rejects]
    else:
        pairs = [(x, y) for x in firsts for y in CONTINUATION if (x, y) in rejects]
    found = []
    for pair in pairs:
        data = bytes(head + pair[:1]) if tail else bytes(head + pair)
        try:
            text = data.decode("utf-8") + (bytes(pair[1:] + tail).decode("utf-8") if tail else "")
        except UnicodeDecodeError:
            continue
        if len(text) == (2 if tail else 1) and not any(invisible(c) for c in text):
            found.append((sum(common.get(c, _UNSEEN_CHAR) for c in text), text))
    found.sort()  # the commonest in running text first; the model ranks a shortlist of them
    ranked = sorted((model.prior("\n", t) + sum(map(_guess_cost, t)), t) for _, t in found[:3 * FILL_CHOICES])
    return tuple(t for _, t in ranked[:FILL_CHOICES])


def _dropped_moves(tokens: Sequence[int | None], pos: int, size: int, boundaries: frozenset[int],
                   after: int | None) -> Iterable[tuple[int, tuple[str, ...], int]]:
    """(bytes consumed, candidate texts, bytes dropped) for a UTF-8 character starting at
    ``pos`` whose last byte or two a GBK decoder dropped at a boundary of its characters
    (with the next character's lead byte: then both characters). ``after``: the byte after
    the tokens (-1: the line ends there)."""
    n = len(tokens)
    for short in (1, 2) if size == 3 else (1,):
        q = pos + size - short
        if q not in boundaries or not all(_is_cont(b) for b in tokens[pos + 1:q]):
            continue
        head = tuple(tokens[pos:q])  # type: ignore[arg-type]
        nxt = tokens[q] if q < n else after
        if short == 2:
            if nxt is None or not _is_cont(nxt):
                yield q - pos, _dropped_fits(head, (), None), 2
        elif nxt is not None and nxt < 0x80:  # before ASCII or at the line's end
            yield q - pos, _dropped_fits(head, (), nxt), 1
        elif _is_cont(nxt):
            for size2 in (2, 3):
                r = q + size2 - 1
                if r <= n and all(_is_cont(b) for b in tokens[q:r]):
                    yield r - pos, _dropped_fits(head, tuple(tokens[q:r]), None), 2  # type: ignore[arg-type]


def _char_moves(tokens: Sequence[int | None], pos: int, codec: str, moves: Moves,
                allowed: frozenset[int] | None, holes: Mapping[int, frozenset[int]],
                boundaries: frozenset[int], after: int | None) -> Iterable[tuple]:
    """(bytes consumed, character, move cost, filled, lost, skipped, the candidates of a
    guessed character or None) from ``pos``."""
    n = len(tokens)
    t = tokens[pos]
    if t is not None and t < 0x80:
        yield 1, chr(t), 0.0, 0, 0, 0, None
    elif codec == "utf-8":
        size = _utf8_size(t) if t is not None else 0
        if size > 1 and pos + size <= n:
            body = tuple(tokens[pos:pos + size])
            unknown = body.count(None)
            if not unknown:
                try:
                    yield size, bytes(body).decode("utf-8"), 0.0, 0, 0, 0, None  # type: ignore[arg-type]
                except UnicodeDecodeError:
                    pass
            elif unknown < size - 1 or size == 2 or (allowed is not None and len(allowed) ** unknown <= 64):
                options = _fits(codec, body, allowed)
                for ch in options:
                    yield size, ch, unknown * moves.fill + _guess_cost(ch), unknown, 0, 0, options
        if moves.dropped is not None and size > 1 and boundaries:
            for step, options, dropped in _dropped_moves(tokens, pos, size, boundaries, after):
                for text in options:
                    yield step, text, moves.dropped + sum(map(_guess_cost, text)), 0, dropped, 0, options
    else:
        if pos + 1 < n:
            lead, trail = t, tokens[pos + 1]
            if lead is not None and trail is not None and lead >= 0x81:
                try:
                    ch = bytes((lead, trail)).decode(codec)
                    if len(ch) == 1:
                        yield 2, ch, 0.0, 0, 0, 0, None
                except UnicodeDecodeError:
                    pass
            elif (lead is None) != (trail is None) and (lead is None or lead >= 0x81):
                options = _fits(codec, (lead, trail), holes.get(pos if lead is None else pos + 1, allowed))
                for ch in options:
                    yield 2, ch, moves.fill + _guess_cost(ch), 1, 0, 0, options
            elif lead is None and trail is None:
                yield 2, "\ufffd", moves.unfilled, 0, 0, 0, None  # a character whose two bytes are lost
        if moves.lost is not None and t is not None and t >= 0x40:
            for pattern in ((t, None), (None, t)) if t >= 0x81 else ((None, t),):
                options = _fits(codec, pattern, None)[:FILL_CHOICES // 2]
                for ch in options:
                    yield 1, ch, moves.lost, 0, 1, 0, options
    if t is None:
        yield 1, "\ufffd", moves.unfilled, 0, 0, 0, None
    if moves.inserted is not None:
        yield 1, "", moves.inserted, 0, 0, 1, None


def decode(tokens: Sequence[int | None], codec: str, moves: Moves = Moves(), prev: str = "\n",
           allowed: frozenset[int] | None = None, holes: Mapping[int, frozenset[int]] | None = None,
           boundaries: frozenset[int] = frozenset(), after: int | None = None) -> Reading | None:
    """The cheapest reading of ``tokens`` (bytes, None where unknown) as ``codec``
    (``utf-8``, ``gbk``/``gb18030`` or ``cp950``), after the text ``prev``. An unknown
    byte is one of ``allowed``, or of ``holes[position]`` where the damaging decoder
    says which bytes it gives up on there. ``boundaries``: the byte positions where the
    damaging decoder started a character (where it may have dropped a pair); ``after``:
    the byte after the tokens (-1: the line's end; None: unknown)."""
    model = charlm.model()
    n = len(tokens)
    beams: list[dict[str, Reading]] = [{} for _ in range(n + 1)]
    beams[0][prev[-1:] or "\n"] = Reading(0.0, "", 0, 0, 0)
    for pos in range(n):
        if not beams[pos]:
            continue
        beam = sorted(beams[pos].values(), key=lambda r: r.cost)[:BEAM]
        for step, ch, extra, filled, lost, skipped, options in _char_moves(tokens, pos, codec, moves, allowed,
                                                                           holes or {}, boundaries, after):
            for r in beam:
                last = r.text[-1:] or prev[-1:] or "\n"
                c = bigram_part(model, last, ch)
                key = (r.text + ch)[-_MERGE:] or last
                guesses = r.guesses + ((len(r.text), options),) if options else r.guesses
                new = Reading(r.cost + c + extra, r.text + ch, r.filled + filled, r.lost + lost, r.skipped + skipped,
                              guesses)
                slot = beams[pos + step]
                if key not in slot or new.cost < slot[key].cost:
                    slot[key] = new
    if not beams[n]:
        return None
    finalists = sorted(beams[n].values(), key=lambda r: r.cost)[:BEAM]
    head = prev[-_MERGE:]
    if len(finalists) > 1:  # the bigram ranks; words decide among the finalists (宝洁, not 宁洁)
        finalists.sort(key=lambda r: sum(model.costs(head + r.text)) + r.cost - bigram_part(model, head, r.text))
    return _rechoose(finalists[0], head)


def _rechoose(reading: Reading, head: str) -> Reading:
    """Each guess chosen again among its candidates with the words on both sides of it
    (喝了酒, not 好了酒; 记者, not 老者): the beam saw only the character before."""
    model = charlm.model()
    out = reading.text
    for i, options in reading.guesses:
        if len(options) < 2:
            continue
        width = len(options[0])
        left = (head + out[:i])[-_CONTEXT:]
        right = out[i + width:i + width + _CONTEXT]
        best = min(options, key=lambda c: sum(model.costs(left + c + right)) + sum(map(_guess_cost, c)))
        out = out[:i] + best + out[i + width:]
    return reading if out == reading.text else Reading(reading.cost, out, reading.filled, reading.lost,
                                                       reading.skipped, reading.guesses)


def bigram_part(model: charlm.CharLM, head: str, text: str) -> float:
    """The beam's own score of ``text`` after ``head``: each character's prior (ASCII flat),
    as every beam over bytes scores what it emits (replaced by the full model's at the end)."""
    total, last = 0.0, head[-1:] or "\n"
    for ch in text:
        total += (ASCII_AFTER_HAN_COST if last > "\x7f" and ch.isalnum() else ASCII_COST) if ch.isascii() \
            else model.prior(last, ch)
        last = ch
    return total

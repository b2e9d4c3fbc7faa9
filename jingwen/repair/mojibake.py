"""Undo encoding damage in Chinese text ("mojibake"), span by span.

Each ``fix_*`` function takes one line and returns the line and how many spans it
repaired. A fix proposes candidates by really re-encoding the suspicious span
and decoding the bytes another way; :mod:`charlm` referees: a candidate wins
only if it lowers the span's cost by :data:`charlm.MARGIN` and reads like real
text (:data:`charlm.READS_LIKE_TEXT`). Clean text never reaches the referee: cheap
regex pre-filters send it through untouched.

Damage handled (all seen in real scrapes):

* UTF-8 read as GBK (``浣犲ソ`` for 你好), including bytes lost as ``?`` or U+FFFD
  and pairs a decoder dropped without a mark (``鎹簱`` for 据库), ``€`` for byte 0x80;
* GBK, Big5 or UTF-8 read as Latin-1 / Windows-1252 (``ÄãºÃ``, ``ä½ å¥½``), in
  one or two layers, also by a decoder that kept valid UTF-8 (``Å餧¯`` for 體之);
* Big5 read as GBK and GBK read as Big5;
* misaligned GBK: one byte lost, added, replaced by ``?`` or stripped of its
  high bit, after which every pair decodes wrong until the next ASCII byte;
* ``锟斤拷`` (UTF-8 U+FFFD read as GBK): unrecoverable, turned into U+FFFD and
  counted as lost.
"""
from __future__ import annotations

import codecs
import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable

from jingwen.repair import bytedp, charlm
from jingwen.repair.bytedp import TRADITIONAL_GUESS as TRADITIONAL_GUESS_PENALTY
from jingwen.repair.charlm import MARGIN, QUICK_READS_LIKE_TEXT, READS_LIKE_TEXT
from jingwen.repair.clues import (  # callers read mojibake.LOST
    LOST,
    common_han_class,
    in_word,
    rejected_before,
    suspect_re,
)
from jingwen.repair.misaligned import fix_misaligned_gbk
from jingwen.text import script
from jingwen.text.chars import C1_CONTROLS, C1_RE, CJK_PUNCT, PRIVATE_USE_RE

#: UTF-8 Chinese is three bytes a character: guessing one byte in six is one per two characters.
MAX_GUESSED_BYTES = 1 / 3

_GB18030 = "gb18030"  # any GB label is decoded as GB18030, a superset of GBK and GB2312
_BIG5 = "cp950"       # Big5 with the Microsoft extensions browsers use

# -- pre-filters -------------------------------------------------------------

_HIGH_LATIN1_RE = re.compile("[\u0080-\u00ff]")
#: Latin-1 characters that are ordinary in Chinese text (姓名·外国人, 3×4, ±5%, 30°, ¥100, ©)
#: do not by themselves send a line to the repairs.
_LATIN1_SIGNAL_RE = re.compile("[\u0080-\u00a4\u00a6-\u00a8\u00aa-\u00ad\u00af\u00b2-\u00b6\u00b8-\u00d6"
                               "\u00d8-\u00f6\u00f8-\u00ff]")
_NON_ASCII_RUN_RE = re.compile(r"[^\x00-\x7f]+")
_KUNKUN_RE = re.compile("(?:锟斤拷)+")


def has_suspect(text: str) -> bool:
    """A character clean text rarely holds, outside any dictionary word."""
    return any(not in_word(text, m.start()) for m in suspect_re().finditer(text))


@functools.lru_cache(maxsize=1)
def _signal_re() -> re.Pattern:
    """One pass over a line for every clue of damage: Latin-1 letters and C1 controls,
    ``锟``, ``?``, then the characters of :func:`suspect_re` (group 1)."""
    return re.compile(f"{_LATIN1_SIGNAL_RE.pattern}|[锟?]|({suspect_re().pattern})")


def looks_suspect(text: str) -> bool:
    """True when ``text`` contains anything a mojibake fix could act on (a rare character
    that makes a dictionary word is no clue)."""
    if text.isascii():
        return "?" in text
    signal = _signal_re()
    pos = 0
    while (m := signal.search(text, pos)) is not None:
        if m.group(1) is None or not in_word(text, m.start()):
            return True
        pos = m.end()
    return False


#: Two UTF-8 three-byte characters in a row inside the line's GB18030 bytes: almost never
#: by chance in clean text (2 of 4,000 clean lines), in every UTF-8 read as GBK.
_UTF8_IN_GBK_RE = re.compile(rb"(?:[\xe2-\xef][\x80-\xbf]{2}){2}")


@functools.lru_cache(maxsize=1)
def _unusual_re() -> re.Pattern:
    """Any character but ASCII (less ``?``), common Han characters and the punctuation of
    Chinese prose: a line without one has no clue for :func:`looks_suspect`."""
    return re.compile(f"[^\x00-\x3e\x40-\x7f{common_han_class()}{CJK_PUNCT}\u3000\uff01-\uff5e]")


def needs_repair(line: str) -> bool:
    """The pre-check: False when no fix can act on ``line`` (most clean lines, at regex
    speed: pure ASCII, or no clue of :func:`looks_suspect` and no UTF-8 in its GBK bytes)."""
    if line.isascii():
        return False
    if _unusual_re().search(line) is not None and looks_suspect(line):
        return True
    return _UTF8_IN_GBK_RE.search(line.encode(_GB18030, errors="replace")) is not None


# -- the referee -------------------------------------------------------------

#: A long span whose characters are rare (unigram cost) and whose repair's characters
#: are common is settled without the full model (mojibake scores 15-19, Chinese 6-7).
_CLEAR_MIN_CHARS, _CLEARLY_RARE, _CLEARLY_COMMON = 30, 13.0, 8.0


def _better(old: str, new: str, margin: float = MARGIN) -> bool:
    """True when ``new`` reads clearly more like real text than ``old``."""
    if new == old:
        return False
    if len(new) >= _CLEAR_MIN_CHARS:
        model = charlm.model()
        if model.quick_cost(new) < _CLEARLY_COMMON and model.quick_cost(old) > _CLEARLY_RARE:
            return True
    new_cost = charlm.cost(new)
    return new_cost < READS_LIKE_TEXT and new_cost + margin <= charlm.cost(old)


# -- byte helpers --------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _sloppy_1252() -> dict[int, int]:
    """Char -> byte for Windows-1252, with its five holes read as Latin-1 (like ftfy)."""
    table = {}
    for b in range(256):
        try:
            ch = bytes([b]).decode("cp1252")
        except UnicodeDecodeError:
            ch = chr(b)
        table[ord(ch)] = b
    for b in range(0x80, 0xA0):  # C1 controls that Latin-1 decoders produce
        table.setdefault(b, b)
    return table


def single_byte_encode(text: str) -> bytes | None:
    """The bytes ``text`` came from if it was decoded as Latin-1 or Windows-1252 (by a
    decoder that read valid UTF-8 as UTF-8 and the other bytes as Latin-1, ``Ź`` stands
    for the bytes C5 B9, ``餧`` for E9 A4 A7)."""
    table = _sloppy_1252()
    out = bytearray()
    for c in text:
        b = table.get(ord(c))
        if b is not None:
            out.append(b)
        elif 0x100 <= ord(c) < 0x10000 and not 0xD800 <= ord(c) < 0xE000:
            out += c.encode("utf-8")
        else:
            return None
    return bytes(out)


def _decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


# -- fixes -------------------------------------------------------------------

_HIGH_SINGLE_BYTE = "\u0080-\u07ff\ufffd\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_SINGLE_BYTE = f"[\u0000-\u007f{_HIGH_SINGLE_BYTE}]"
#: A run of characters Windows-1252 (or a decoder that read valid UTF-8 as UTF-8) can have
#: made; a character of three UTF-8 bytes only between two non-ASCII ones (``Å餧¯`` is
#: C5 E9 A4 A7 AF; ``A股Äã`` is not one run).
_SINGLE_BYTE_RUN_RE = re.compile(
    f"{_SINGLE_BYTE}+(?:(?<=[{_HIGH_SINGLE_BYTE}])[\u0800-\uffff](?=[{_HIGH_SINGLE_BYTE}]){_SINGLE_BYTE}+)*")


def fix_single_byte_mojibake(line: str) -> tuple[str, Counter]:
    """GBK, Big5 or UTF-8 bytes that were decoded as Latin-1 / Windows-1252.

    ``ÄãºÃ`` → 你好 (``gbk_as_latin1``), ``ä½ å¥½`` → 你好 (``utf8_as_latin1``).
    The span is a run of characters that Windows-1252 can encode, trimmed to
    start and end at non-ASCII characters (a trailing ASCII byte may be the
    second half of a GBK pair and is tried too).
    """
    fixes: Counter = Counter()
    if not _LATIN1_SIGNAL_RE.search(line):
        return line, fixes  # “”—…· alone are Chinese punctuation, not mojibake
    out, pos = [], 0
    for m in _SINGLE_BYTE_RUN_RE.finditer(line):
        run = m.group()
        first = _first_non_ascii(run)
        if first < 0 or len(_HIGH_LATIN1_RE.findall(run)) < 2:
            continue
        last = _last_non_ascii(run)
        start = m.start() + first
        # C1 controls at the edges of a run are often stray bytes, not mojibake: try without them
        trimmed = start + len(run[first:]) - len(run[first:].lstrip(C1_CONTROLS))
        starts = dict.fromkeys((start, trimmed))
        ends = dict.fromkeys(e for e in (m.start() + last + 1, m.start() + last + 2) if e <= m.end())
        tries = [(s0, e, restore) for restore in (False, True) for s0 in starts for e in ends]
        for s0, end, restore in tries:  # a span that decodes as it is before one with restored bytes
            span = line[s0:end].rstrip(C1_CONTROLS) if s0 != start else line[s0:end]
            best = _best_single_byte(span, restore=restore) if span else None
            if best:
                kind, fixed = best
                out.append(line[pos:s0])
                out.append(fixed)
                pos = s0 + len(span)
                fixes[kind] += 1
                break
    if not fixes:
        return line, fixes
    out.append(line[pos:])
    return "".join(out), fixes


def _first_non_ascii(s: str) -> int:
    for i, c in enumerate(s):
        if ord(c) > 0x7F:
            return i
    return -1


def _last_non_ascii(s: str) -> int:
    for i in range(len(s) - 1, -1, -1):
        if ord(s[i]) > 0x7F:
            return i
    return -1


_SPACE_AFTER_HIGH_RE = re.compile(rb"(?<=[\x80-\xff]) ")


#: The bytes Windows-1252 leaves undefined: a strict decoder made each of them U+FFFD.
_CP1252_HOLES = frozenset((0x81, 0x8D, 0x8F, 0x90, 0x9D))


def _single_byte_with_holes(span: str) -> tuple[str, str] | None:
    """Bytes decoded as Windows-1252 by a strict decoder, its undefined bytes lost as
    U+FFFD: each hole is one of those five bytes, chosen by :func:`bytedp.decode`."""
    table = _sloppy_1252()
    tokens: list[int | None] = []
    for c in span:
        b = table.get(ord(c))
        if b is None and c != LOST:
            return None
        tokens.append(b)
    best: tuple[float, str, str] | None = None
    for codec, kind in (("utf-8", "utf8_as_latin1"), (_GB18030, "gbk_as_latin1"), (_BIG5, "big5_as_latin1")):
        reading = bytedp.decode(tokens, codec, allowed=_CP1252_HOLES)
        if reading is None or LOST in reading.text or not _better(span, reading.text):
            continue
        c = charlm.cost(reading.text)
        if best is None or c < best[0]:
            best = (c, kind, reading.text)
    return (best[1], best[2]) if best else None


def _best_single_byte(span: str, depth: int = 0, restore: bool = False) -> tuple[str, str] | None:
    if LOST in span:
        return _single_byte_with_holes(span)
    data = single_byte_encode(span)
    if data is None:
        return None
    # U+00A0 (a UTF-8 continuation byte read as Latin-1) is often saved as a plain space
    restored = _SPACE_AFTER_HIGH_RE.sub(b"\xa0", data)
    best: tuple[float, str, str] | None = None
    utf8 = False
    for codec, kind in (("utf-8", "utf8_as_latin1"), (_GB18030, "gbk_as_latin1"), (_BIG5, "big5_as_latin1")):
        cand = _decode(data, codec)
        if cand is None and restored != data:
            cand = _decode(restored, codec)
        if codec == "utf-8":
            utf8 = cand is not None  # bytes valid as UTF-8 are not double-byte text that lost some
        elif not utf8 and (restore and cand is None or cand is not None and _misparsed(cand)):
            # a span can decode with lost bytes too, into rarer characters: restored, it reads better
            mended = _decode_restoring_soft_hyphens(data, codec)
            if mended and (cand is None or charlm.cost(mended) + _RESTORED_MARGIN <= charlm.cost(cand)):
                cand = mended
        if codec != "utf-8" and not utf8 and (cand is not None or restore) and _kept_utf8(span):
            # a decoder that kept valid UTF-8: its characters of U+0080-U+00FF may be two bytes
            # (competing with the plain reading; alone only once every span failed as it is)
            kept = _keeping_utf8(span, codec)
            if kept is not None and (cand is None or charlm.cost(kept) < charlm.cost(cand)):
                cand = kept
        if cand is None:
            continue
        if codec == "utf-8" and depth < 2 and _HIGH_LATIN1_RE.search(cand) and not _better(span, cand):
            deeper = _best_single_byte(cand, depth + 1)  # mojibake of mojibake: peel another layer
            if deeper:
                kind, cand = deeper[0], deeper[1]
        if not _better(span, cand):
            continue
        c = charlm.cost(cand)
        if best is None or c < best[0]:
            best = (c, kind, cand)
    return (best[1], best[2]) if best else None


def _kept_utf8(span: str) -> bool:
    """The span holds a character that only a decoder keeping valid UTF-8 makes: above
    U+00FF and not one of Windows-1252's (``Ź``, ``ǰ``, ``餧``, not ``‚`` or ``€``)."""
    table = _sloppy_1252()
    return any(ord(c) > 0xFF and ord(c) not in table for c in span)


#: Readings kept per state by :func:`_keeping_utf8`.
_KEPT_BEAM = 8


def _keeping_utf8(span: str, codec: str) -> str | None:
    """Double-byte text read by a decoder that kept valid UTF-8 as UTF-8, the other bytes as
    Latin-1: a character of U+0080-U+00FF is then one byte (``ô`` F4) or two (C3 B4, 么 in
    GBK). A beam over the span's characters, each read either way, the bytes paired as
    ``codec`` and scored by the language model; None when no reading pairs up."""
    table = _sloppy_1252()
    model = charlm.model()
    beams: dict[tuple[int | None, str], tuple[float, str]] = {(None, "\n"): (0.0, "")}
    for c in span:
        readings = []
        if (b := table.get(ord(c))) is not None:
            readings.append(bytes([b]))
        if ord(c) >= 0x80:
            readings.append(c.encode("utf-8"))
        grown: dict[tuple[int | None, str], tuple[float, str]] = {}
        for (pending, last), (cost, text) in beams.items():
            for data in readings:
                out, lead, ok = "", pending, True
                for byte in data:
                    if lead is None:
                        if byte < 0x80:
                            out += chr(byte)
                        elif byte > 0x80:
                            lead = byte
                        else:
                            ok = False
                            break
                    else:
                        ch = _pair(lead, byte, codec)
                        if ch is None:
                            ok = False
                            break
                        out, lead = out + ch, None
                if not ok:
                    continue
                key = (lead, (last + out)[-1])
                new = (cost + bytedp.bigram_part(model, last, out), text + out)
                if key not in grown or new[0] < grown[key][0]:
                    grown[key] = new
        beams = dict(sorted(grown.items(), key=lambda kv: kv[1][0])[:_KEPT_BEAM])
        if not beams:
            return None
    done = [v for (pending, _), v in beams.items() if pending is None]
    return min(done)[1] if done else None


#: The byte a Latin-1 page loses without a trace: U+00AD, the soft hyphen, is invisible and often stripped.
_SOFT_HYPHEN = 0xAD
#: What restoring one lost byte costs, against the language model's -log P of the characters.
_RESTORE_COST = 2.0
#: Hypotheses kept per byte position (bounds the search: linear in the span).
_BEAM = 6
#: A restored reading replaces one that decodes as it is when its mean cost is lower by this much.
_RESTORED_MARGIN = 0.5
#: ASCII inside a double-byte span is scored as in the byte decoder (``bytedp.ASCII_COST``).


#: A character the running-text counts have never seen, or one ASCII letter between ideographs:
#: what a double-byte text that lost a byte decodes into until its pairs realign.
_LONE_LETTER_RE = re.compile(r"[^\x00-\x7f][A-Za-z][^\x00-\x7f]")


def _misparsed(text: str) -> bool:
    return bool(_LONE_LETTER_RE.search(text)) or charlm.model().has_unseen(text)


@functools.lru_cache(maxsize=65536)
def _pair(lead: int, trail: int, codec: str) -> str | None:
    ch = _decode(bytes((lead, trail)), codec)
    return ch if ch is not None and len(ch) == 1 else None


@functools.lru_cache(maxsize=4096)  # the restore pass of fix_single_byte_mojibake asks again for the same spans
def _decode_restoring_soft_hyphens(data: bytes, codec: str) -> str | None:
    """Double-byte ``data`` that lost some 0xAD bytes (``個`` is AD D3 in Big5), decoded by
    a beam search over byte positions: a move reads an ASCII byte, a valid pair, or a pair
    with a restored 0xAD (lead or trail) at a cost; characters are scored by the language
    model (``prior``: Traditional read as Simplified). None when nothing was restored or
    the bytes do not decode."""
    model = charlm.model()
    n = len(data)
    beams: list[list[tuple[float, int, str]]] = [[] for _ in range(n + 1)]
    beams[0] = [(0.0, 0, "")]  # (cost, bytes restored, text)
    for pos in range(n):
        beam = sorted(beams[pos])[:_BEAM]
        b = data[pos]
        for cost, restored, text in beam:
            prev = text[-1] if text else "\n"
            moves = []
            if b < 0x80:
                moves.append((1, chr(b), 0))
            elif pos + 1 < n and (ch := _pair(b, data[pos + 1], codec)):
                moves.append((2, ch, 0))
            for ch in (_pair(_SOFT_HYPHEN, b, codec), _pair(b, _SOFT_HYPHEN, codec) if b >= 0x80 else None):
                if ch:
                    moves.append((1, ch, 1))
            for step, ch, extra in moves:
                if ch.isascii():
                    c = bytedp.ASCII_AFTER_HAN_COST if prev > "\x7f" and ch.isalnum() else bytedp.ASCII_COST
                else:
                    c = model.prior(prev, ch)
                beams[pos + step].append((cost + c + extra * _RESTORE_COST, restored + extra, text + ch))
    if not beams[n]:
        return None
    _, restored, text = min(beams[n])
    return text if restored else None


def fix_utf8_as_gbk(line: str) -> tuple[str, Counter]:
    """UTF-8 bytes that were decoded as GBK: ``浣犲ソ`` → 你好 (``utf8_as_gbk``).

    A byte the GBK decoder could not pair shows up as U+FFFD or ``?``; such a
    hole is filled with the continuation byte whose character the language
    model prefers (``lost_byte_restored``), as long as holes stay a small
    share of the span.
    """
    fixes: Counter = Counter()
    if not _NON_ASCII_RUN_RE.search(line):
        return line, fixes
    out, pos = [], 0
    for m in re.finditer(r"[^\x00-\x3e\x40-\x7f]+\??", line):
        if len(m.group()) < 2:
            continue
        for k, group in enumerate(_utf8_spans(line, m.start(), m.end())):
            best = _best_utf8_span(line, group, "".join(out[-2:]), pos, drops=k == 0)
            if best is None or best[0] < pos:
                continue
            start, end, fixed, holes = best
            out.append(line[pos:start])
            out.append(fixed)
            pos = end
            fixes["utf8_as_gbk"] += 1
            if holes:
                fixes["lost_byte_restored"] += holes
            if (start, end) == (m.start(), m.end()):
                break
    if not fixes:
        return line, fixes
    out.append(line[pos:])
    return _lone_utf8_chars("".join(out), fixes), fixes


_LONE_RE = re.compile(r"(?<![^\x00-\x7f])[^\x00-\x7f](?![^\x00-\x7f])")


def _lone_utf8_chars(line: str, fixes: Counter) -> str:
    """In a line that had UTF-8 read as GBK, a character alone between ASCII whose bytes
    start a three-byte UTF-8 character is one too, less its last byte (``3鏈8日`` is
    3月8日): one character is no evidence alone, so only after the line's other runs were
    repaired (and the repair must read better, as any)."""
    out, pos = [], 0
    for m in _LONE_RE.finditer(line):
        try:
            data = _gbk_bytes(m.group())  # U+FFFD is four bytes: never a UTF-8 prefix here
        except UnicodeEncodeError:  # a lone surrogate
            continue
        if len(data) != 2 or not (0xE0 <= data[0] < 0xF0 and 0x80 <= data[1] < 0xC0):
            continue
        best = _best_utf8_span(line, [(m.start(), m.end())], line[:m.start()], m.start())
        if best is None:
            continue
        start, end, fixed, holes = best
        out += [line[pos:start], fixed]
        pos = end
        fixes["utf8_as_gbk"] += 1
        fixes["lost_byte_restored"] += holes
    return "".join(out) + line[pos:] if out else line


def _best_utf8_span(line: str, group: list[tuple[int, int]], done: str, pos: int,
                    drops: bool = False) -> tuple[int, int, str, int] | None:
    """Of the alternative bounds of one stretch, the repair that reads best over the
    stretch they all cover (a clean character next to a span can look like UTF-8 too).
    ``done`` ends with the repaired text of ``line[:pos]``; ``drops``: a whole run, which
    may have lost pairs without a mark."""
    far = max(e for _, e in group) + 2
    near = min(s for s, _ in group)
    best: tuple[float, tuple[int, int, str, int]] | None = None
    for start, end in group:
        span = line[start:end]
        left = (done + line[pos:start])[-_LEFT:] if start >= pos else ""
        fixed, holes = _utf8_from_gbk(span, line[end:end + 2], left, drops)
        if fixed is None or not _better(span, fixed):
            continue
        if len(group) == 1:
            return start, end, fixed, holes
        c = charlm.cost(line[near:start] + fixed + line[end:far])
        if best is None or c < best[0]:
            best = (c, (start, end, fixed, holes))
    return best[1] if best else None


#: A byte a GBK decoder lost, in the GB18030 bytes of its text: U+FFFD or "?".
_LOST_BYTES = (b"\x84\x31\xa4\x37", b"?")
_HOLE = rb"(?:\x84\x31\xa4\x37|\?|[\x80-\xbf])"
#: UTF-8 bytes of characters (the first of three bytes), holes allowed.
_UTF8_RUN_RE = re.compile(rb"[\xe0-\xef]%s{2}(?:[\xe0-\xef]%s{2}|[\xc2-\xdf]%s)*" % (_HOLE, _HOLE, _HOLE))


def _gbk_bytes(text: str, euro: bytes = b"\x80") -> bytes:
    """The bytes a GBK decoder read to write ``text``: its GB18030 bytes, with ``€`` the
    byte 0x80 (Windows cp936 and the browsers' gbk decoder read 0x80 as €; UTF-8's
    punctuation “”、。… all hold that byte), or ``euro`` (GB18030's own A2 E3)."""
    if "€" not in text:
        return text.encode(_GB18030)
    return euro.join(part.encode(_GB18030) for part in text.split("€"))


_EURO_GB18030 = "€".encode(_GB18030)


def _utf8_spans(line: str, a: int, b: int) -> list[list[tuple[int, int]]]:
    """Where UTF-8 read as GBK may be in the run ``line[a:b]``: the whole run first, then
    each stretch whose GB18030 bytes are UTF-8 (two characters at least) starting on a
    character (a span pasted into a clean line), with the
    bounds one character shorter at either end as alternatives."""
    groups = [[(a, b)]]
    run = line[a:b]
    try:
        data = _gbk_bytes(run)
    except UnicodeEncodeError:
        return groups
    offs = [0]
    for ch in run:
        offs.append(offs[-1] + (2 if "\u4e00" <= ch <= "\u9fff" else len(_gbk_bytes(ch))))
    index = {off: i for i, off in enumerate(offs)}
    pos = 0
    while (m := _UTF8_RUN_RE.search(data, pos)) is not None:
        i, j = index.get(m.start()), index.get(m.end())
        if i is None:  # not on a character: look again from the next one
            pos = next(off for off in offs if off > m.start())
            continue
        pos = m.end()
        if len(m.group()) - sum(m.group().count(h) * (len(h) - 1) for h in _LOST_BYTES) < 6:
            continue  # one character is no evidence (its bytes are in half of GBK's pairs)
        if j is None:  # the stretch ends inside a character: it has one byte of the next
            j = index.get(m.end() + 1)
            if j is None:
                continue
        elif j < len(run) and run[j] in "\ufffd?":
            j += 1
        group = [(a + s, a + e) for s in (i, i + 1) for e in (j, j - 1) if e - s >= 2 and (s, e) != (0, len(run))]
        if group:
            groups.append(group)
    return groups


def _utf8_from_gbk(span: str, right: str = "", left: str = "", drops: bool = False) -> tuple[str | None, int]:
    """Re-encode ``span`` as GBK and decode as UTF-8, restoring a few lost bytes
    (``right`` and ``left``: the text after and before the span, which judge a guessed
    byte: ``6鏈?23`` is 6月23; empty at the ends of a line), and with ``drops`` the
    pairs its decoder may have dropped without a mark (:func:`_dropped_pairs`). A ``€``
    is byte 0x80, else (a GB18030 decoder's) A2 E3."""
    text, n = _utf8_from_gbk_bytes(span, right, left, drops, b"\x80")
    if text is None and "€" in span:
        return _utf8_from_gbk_bytes(span, right, left, drops, _EURO_GB18030)
    return text, n


def _utf8_from_gbk_bytes(span: str, right: str, left: str, drops: bool, euro: bytes) -> tuple[str | None, int]:
    if "?" not in span and LOST not in span:  # the common case, at C speed
        try:
            data = _gbk_bytes(span, euro)
        except UnicodeEncodeError:
            return None, 0
        text = _decode(data, "utf-8")
        if text is not None:
            return text, 0
        if _decode_partial(data) is None and (not drops or not _mostly_utf8(data)):
            return None, 0  # broken inside, not UTF-8 with pairs dropped
    parts: list[bytes | None] = []
    for ch in span:
        if ch in "\ufffd?":
            parts.append(None)
            continue
        try:
            parts.append(_gbk_bytes(ch, euro))
        except UnicodeEncodeError:
            return None, 0
    holes = [i for i, p in enumerate(parts) if p is None]
    marked = list(parts)
    if not holes:
        data = b"".join(parts)  # type: ignore[arg-type]
        text = _decode(data, "utf-8")
        if text is not None:
            return text, 0
        if _decode_partial(data) is None:
            return _dropped_pairs(marked, right, left) if drops else (None, 0)
        parts.append(None)  # the run ends inside a character: its last byte was dropped
        holes = [len(parts) - 1]
    known = sum(len(p) for p in parts if p is not None)
    if len(holes) > max(1, int((known + len(holes)) * MAX_GUESSED_BYTES)):
        return None, 0
    text = _fill_holes(parts, holes, right, span, left)
    if text is None and span.endswith("?") and holes[-1] == len(parts) - 1:
        # a trailing "?" that no byte explains is an ordinary question mark
        text, n = _utf8_from_gbk_bytes(span[:-1], "?" + right, left, drops, euro)
        if text is not None:
            return text + "?", n
    if text is None and drops:
        return _dropped_pairs(marked, right, left)
    return text, len(holes)


#: What a pair of bytes dropped without a mark costs the byte decoder, in nats.
DROPPED_PAIR_COST = 4.0
#: A span is read again for dropped pairs only when its bytes are mostly UTF-8: at most one
#: place in this many bytes where UTF-8 breaks (a drop breaks it once or twice; the GBK
#: bytes of clean text break it every other byte).
_BYTES_PER_BREAK = 6
#: Longer spans are not read again for dropped pairs (the search costs ~0.1 ms a byte).
_DROPS_MAX_BYTES = 2048


def _mostly_utf8(data: bytes) -> bool:
    """At most one place in :data:`_BYTES_PER_BREAK` bytes where ``data`` is not UTF-8 (and
    one break is allowed in a span of any length)."""
    return data.decode("utf-8", errors="replace").count(LOST) <= max(1, len(data) // _BYTES_PER_BREAK)


#: A dropped pair shows where UTF-8 breaks: at most this many bytes from the break.
_DROP_REACH = 4


def _near_breaks(data: bytes) -> set[int]:
    """Byte positions within :data:`_DROP_REACH` of a place where ``data`` is not UTF-8
    (where a dropped pair can be: elsewhere the bytes read as they are)."""
    near: set[int] = set()
    pos = 0
    while pos <= len(data):
        try:
            data[pos:].decode("utf-8")
            break
        except UnicodeDecodeError as e:
            at = pos + e.start
            near.update(range(at - _DROP_REACH, at + _DROP_REACH + 1))
            pos = at + 1
    return near


def _dropped_pairs(parts: list[bytes | None], right: str, left: str) -> tuple[str | None, int]:
    """The span's UTF-8 read again where its GBK decoder dropped the pairs it could not
    read without a mark (a real scrape's decoder: ``鎹簱`` is 据库 less the pair ``ae e5``):
    by :func:`bytedp.decode` with drops at the boundaries of the mojibake's characters.
    Returns the text and the bytes guessed (two a pair), or None."""
    tokens: list[int | None] = []
    boundaries = set()
    for p in parts:
        boundaries.add(len(tokens))
        tokens.extend(p if p is not None else (None,))
    boundaries.add(len(tokens))
    holes = tokens.count(None)
    if len(tokens) > _DROPS_MAX_BYTES or not _mostly_utf8(bytes(t for t in tokens if t is not None)):
        return None, 0
    near = _near_breaks(bytes(0x80 if t is None else t for t in tokens))
    reading = bytedp.decode(tokens, "utf-8", bytedp.Moves(dropped=DROPPED_PAIR_COST, unfilled=math.inf),
                            prev=left.translate(_WIDE_PUNCT) or "\n", boundaries=frozenset(boundaries & near),
                            after=-1 if not right else ord(right[0]) if right[0].isascii() else None)
    if reading is None or LOST in reading.text:
        return None, 0
    guessed = holes + reading.lost
    if guessed > max(2, int((len(tokens) - holes) * MAX_GUESSED_BYTES)):  # one pair at least
        return None, 0
    return reading.text, guessed


#: Characters before a span that judge its guessed bytes with the ones after it.
_LEFT = 4
#: ASCII punctuation beside a span is scored as its Chinese form (the model counted
#: "说，", not "说,").
_WIDE_PUNCT = str.maketrans(",;:!?()", "，；：！？（）")
_FILL_BEAM = 4     # partial fills kept per hole (more when they tie)
_BEAM_MAX = 64
#: Characters after a hole that are scored: a continuation byte changes only the character
#: it ends; the rest of a segment decodes the same for every candidate, so its cost is a
#: constant that does not change the ranking.
_WINDOW = 6
#: Candidates per hole scored by the full model; the others are ranked out by
#: :meth:`charlm.CharLM.prior` (a character's own cost and its bigram with the one before).
_SCORED = 8


def _hole_bytes(next_byte: int | None, codec: str) -> list[int]:
    """The bytes a U+FFFD can stand for: a GBK decoder only gives up on a byte that makes
    an invalid pair with the byte after it (any byte at the end of a run)."""
    if next_byte is None:
        return list(bytedp.CONTINUATION)
    rejected = rejected_before(codec, next_byte)
    return [b for b in bytedp.CONTINUATION if b in rejected]


def _fill_holes(parts: list[bytes | None], holes: list[int], right: str, mojibake_text: str,
                left: str = "") -> str | None:
    """Choose the lost bytes: each hole is a UTF-8 continuation byte that the GBK
    decoder could not pair with the byte after it.

    Lead bytes are never lost, so the characters' boundaries are known: the bytes are
    cut into characters, a character with holes gets the few likeliest characters its
    known bytes allow (:func:`_hole_chars`), and a beam search picks among them with
    the language model, scoring each choice on its neighbours (Viterbi: fills that end
    alike are merged).
    """
    slots = _utf8_slots(parts)
    if slots is None:
        return None
    left, right = left.translate(_WIDE_PUNCT), right.translate(_WIDE_PUNCT)
    model = charlm.model()
    trad = script.tables().trad_only
    codec = _GB18030 if PRIVATE_USE_RE.search(mojibake_text) else "gbk"
    known_chars = "".join(x for x in slots if isinstance(x, str))
    penalty = 0.0 if not trad.isdisjoint(known_chars) else TRADITIONAL_GUESS_PENALTY
    hole_at = [i for i, x in enumerate(slots) if not isinstance(x, str)]
    head = left + "".join(slots[:hole_at[0]])  # type: ignore[arg-type]
    beams: list[tuple[float, str]] = [(0.0, head)]
    for k, i in enumerate(hole_at):
        nxt = hole_at[k + 1] if k + 1 < len(hole_at) else len(slots)
        after = "".join(slots[i + 1:nxt])  # type: ignore[arg-type]
        final = k == len(hole_at) - 1
        options = _hole_chars(*slots[i], codec)  # type: ignore[misc]
        if not options:
            return None
        tried = []
        for cost, text in beams:  # the full model only judges the likeliest in context
            ranked = sorted((model.prior(text[-1:] or "\n", c + after[:1]), c) for c in options)
            tried += [(cost + p, cost, text, c) for p, c in ranked[:_SCORED]]
        if len(tried) > _SCORED:
            tried.sort(key=lambda t: t[0])
            tried = tried[:_SCORED]
        grown: list[tuple[float, str]] = []
        for _, cost, text, c in tried:
            prev = text[-4:]  # enough context for the words the new characters end
            new = c + after
            if final and len(new) <= _WINDOW:  # the text after the span (or the line's end) judges it
                scored = prev + new + right
                added = sum(model.costs(scored)[len(prev):])
                if not right:
                    added += model.end_cost(scored[-1])
            else:  # the rest of the segment is the same for every choice: score the first characters
                added = sum(model.costs(prev + new[:_WINDOW])[len(prev):])
            if penalty and c in trad:
                added += penalty
            grown.append((cost + added, text + new))
        grown.sort(key=lambda g: g[0])
        seen: set[str] = set()
        merged = []
        for g in grown:  # what follows is scored on a fill's last characters only
            if g[1][-4:] not in seen:
                seen.add(g[1][-4:])
                merged.append(g)
        cut = merged[min(_FILL_BEAM, len(merged)) - 1][0] + 1e-9
        beams = [g for g in merged if g[0] <= cut][:_BEAM_MAX]
    return beams[0][1][len(left):]


#: A character of a UTF-8 stream with holes: known (a string) or (lead byte, other bytes, bytes after them).
_Slot = str | tuple[int, tuple[int | None, ...], tuple[int | None, ...]]


def _utf8_slots(parts: list[bytes | None]) -> list[_Slot] | None:
    """The characters of a UTF-8 byte stream with holes (None): a known character as a
    string, a character with holes as (lead byte, its other bytes with None for the
    holes, the byte after each of them). None when the stream is not UTF-8."""
    seq: list[int | None] = []
    for p in parts:
        if p is None:
            seq.append(None)
        else:
            seq.extend(p)
    slots: list = []
    i, n = 0, len(seq)
    while i < n:
        lead = seq[i]
        if lead is None or 0x80 <= lead < 0xC2 or lead > 0xF4:
            return None  # a hole or a continuation byte where a character must start
        size = 1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
        body = seq[i + 1:i + size]
        if len(body) < size - 1:
            return None
        if None in body:
            follow = tuple(seq[i + 1 + j + 1] if i + 2 + j < n else None for j in range(size - 1))
            slots.append((lead, tuple(body), follow))
        else:
            try:
                slots.append(bytes([lead, *body]).decode("utf-8"))  # type: ignore[list-item]
            except UnicodeDecodeError:
                return None
        i += size
    return slots


#: Candidates kept for a character with holes, commonest first: all of them for one
#: lost byte (at most 64), the commonest for two (of up to 4,096).
_HOLE_CHARS = 256


@functools.lru_cache(maxsize=65536)
def _hole_chars(lead: int, body: tuple[int | None, ...], follow: tuple[int | None, ...], codec: str) -> tuple[str, ...]:
    """The characters whose UTF-8 bytes fit ``lead`` and ``body`` (None: a lost byte,
    which the GBK decoder could not pair with the byte in ``follow``), commonest first."""
    choices = [[b] if b is not None else _hole_bytes(follow[j], codec) for j, b in enumerate(body)]
    model = charlm.model()
    found = []
    for combo in itertools.product(*choices):
        try:
            ch = bytes([lead, *combo]).decode("utf-8")
        except UnicodeDecodeError:
            continue
        if not bytedp.invisible(ch):
            found.append((model.prior("", ch), ch))
    found.sort()
    return tuple(ch for _, ch in found[:_HOLE_CHARS])


def _decode_partial(data: bytes) -> str | None:
    """Decode UTF-8 that may end inside a character (the incomplete tail is left out)."""
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return None


_SWAPS = {"big5_as_gbk": (_GB18030, _BIG5), "gbk_as_big5": (_BIG5, _GB18030)}
#: Once a line shows one swap, its other runs (however short) need only read better by this.
_SAME_LINE_MARGIN = 0.5


def fix_big5_gbk_swap(line: str) -> tuple[str, Counter]:
    """Big5 read as GBK (``big5_as_gbk``) and GBK read as Big5 (``gbk_as_big5``), bytes
    the decoder gave up on (U+FFFD) included.

    Only runs of three characters or more with characters that clean text rarely
    contains are tried first; where one is repaired, the line's other runs are tried
    with the same codecs (``"(芞)"`` was ``"(图)"``).
    """
    fixes: Counter = Counter()
    suspect = suspect_re()
    if not suspect.search(line):
        return line, fixes
    runs = list(_NON_ASCII_RUN_RE.finditer(line))
    chosen: dict[int, str] = {}
    kinds: Counter = Counter()
    for i, m in enumerate(runs):
        span = m.group()
        if len(span) < 3 or not suspect.search(span):  # two characters are no evidence
            continue
        best: tuple[float, str, str] | None = None
        for kind, (enc, dec) in _SWAPS.items():
            cand = _swapped(span, enc, dec)
            if cand is None or not _better(span, cand):
                continue
            c = charlm.cost(cand)
            if best is None or c < best[0]:
                best = (c, kind, cand)
        if best:
            chosen[i] = best[2]
            kinds[best[1]] += 1
    if not chosen:
        return line, fixes
    kind = kinds.most_common(1)[0][0]
    fixes.update(kinds)
    for i, m in enumerate(runs):
        if i not in chosen and (cand := _swapped(m.group(), *_SWAPS[kind])) \
                and _better(m.group(), cand, _SAME_LINE_MARGIN):
            chosen[i] = cand
            fixes[kind] += 1
    out, pos = [], 0
    for i, m in enumerate(runs):
        if i in chosen:
            out += [line[pos:m.start()], chosen[i]]
            pos = m.end()
    out.append(line[pos:])
    return "".join(out), fixes


def _swapped(span: str, enc: str, dec: str) -> str | None:
    """``span`` encoded as ``enc`` and decoded as ``dec``; bytes lost as U+FFFD are read
    back by the byte decoder. None when it does not decode."""
    if LOST not in span:
        try:
            return _decode(span.encode(enc), dec)
        except UnicodeEncodeError:
            return None
    tokens = _double_byte_tokens(span, enc)
    reading = bytedp.decode(tokens, dec, holes=_rejected_bytes(tokens, enc)) if tokens else None
    # a character whose two bytes were both lost stays lost (one U+FFFD for two)
    return reading.text if reading and reading.text.count(LOST) < span.count(LOST) else None


def _rejected_bytes(tokens: list[int | None], codec: str) -> dict[int, frozenset[int]]:
    """For each unknown byte followed by a known one, the bytes it can be: a double-byte
    decoder gives up on one byte at a time, a byte that makes no character with the next
    (GBK's 群 ``c8 ba`` in Big5, not ``：`` ``a3 ba``)."""
    return {i: rejected_before(codec, tokens[i + 1]) for i in range(len(tokens) - 1)  # type: ignore[arg-type]
            if tokens[i] is None and tokens[i + 1] is not None}


def _double_byte_tokens(span: str, codec: str) -> list[int | None] | None:
    """The bytes a double-byte decoder read as ``span`` (None for each byte it gave up on,
    U+FFFD); None when a character is not of ``codec``."""
    tokens: list[int | None] = []
    for ch in span:
        if ch == LOST:
            tokens.append(None)
            continue
        try:
            tokens.extend(ch.encode(codec))
        except UnicodeEncodeError:
            return None
    return tokens


def fix_lost_markers(line: str) -> tuple[str, Counter]:
    """``锟斤拷`` is two U+FFFD written as UTF-8 and read as GBK: mark them lost."""
    fixes: Counter = Counter()
    if "锟" not in line:
        return line, fixes

    def repl(m: re.Match) -> str:
        n = max(1, len(m.group()) * 2 // 3)
        fixes["lost_chars"] += n
        return LOST * n

    return _KUNKUN_RE.sub(repl, line), fixes


# -- the driver ----------------------------------------------------------------

Fix = Callable[[str], tuple[str, Counter]]


_FIXES: tuple[Fix, ...] = (fix_single_byte_mojibake, fix_utf8_as_gbk, fix_big5_gbk_swap, fix_misaligned_gbk)


MAX_LAYERS = 3


def repair_line(line: str) -> tuple[str, Counter]:
    """Apply every fix, up to :data:`MAX_LAYERS` rounds (for double mojibake).

    A line that fails the pre-check (:func:`needs_repair`) is returned at once. UTF-8
    read as GBK is tried on every other line; the other fixes only where
    :func:`looks_suspect`. C1 control
    characters that no repair explained are dropped and the line tried again (so
    repairing a repaired line changes nothing). ``锟斤拷`` is marked last, so no
    repair mistakes its U+FFFD for a decoder's.
    """
    total: Counter = Counter()
    if not needs_repair(line):
        return line, total
    if len(line) > MAX_CHUNK:
        return "".join(_repair_chunk(chunk, total) for chunk in _chunks(line)), total
    return _repair_chunk(line, total), total


#: Longer lines are repaired a piece at a time (the cost stays linear, each search bounded).
MAX_CHUNK = 4000
_ASCII_RE = re.compile(r"[\x00-\x7f]")


def _chunks(line: str) -> list[str]:
    """``line`` cut into pieces of about :data:`MAX_CHUNK` characters, each before an ASCII
    character (there every decoder is back in step: an ASCII byte is a character of its own
    in GBK, Big5 and UTF-8); a stretch without one is not cut."""
    out, start = [], 0
    while len(line) - start > MAX_CHUNK:
        m = _ASCII_RE.search(line, start + MAX_CHUNK * 3 // 4)
        if m is None:
            break
        cut = m.start()
        out.append(line[start:cut])
        start = cut
    out.append(line[start:])
    return out


def _repair_chunk(line: str, total: Counter) -> str:
    line = _repair_rounds(line, total)
    if C1_RE.search(line):
        line, n = C1_RE.subn("", line)
        total["control_char"] += n
        line = _repair_rounds(line, total)
    line, c = fix_lost_markers(line)
    if c:
        total.update(c)
    return line


#: A line whose ideographs still cost this much after every repair reads as mojibake
#: (clean news 6-8, the rarest clean line of the benchmark 11.3, mojibake 11-16).
GARBLED = 12.0
_HAN_RE = re.compile("[\u4e00-\u9fff]")
_HANGUL_RE = re.compile("[\uac00-\ud7af]")


def still_garbled(text: str) -> bool:
    """True when ``text`` (a repaired line) still reads as mojibake: four ideographs or
    more, not Japanese or Korean, and a language-model cost of :data:`GARBLED` or more."""
    han = len(_HAN_RE.findall(text))
    if han < 4 or is_japanese(text) or len(_HANGUL_RE.findall(text)) * 4 >= han:
        return False
    if charlm.model().quick_cost(text) < QUICK_READS_LIKE_TEXT:
        return False  # common characters: no garbled line of the repair benchmark is below 12.9
    return charlm.cost(text) >= GARBLED


_HIRAGANA_RE = re.compile("[\u3041-\u3096]")


def is_japanese(text: str) -> bool:
    """Hiragana make up a quarter of the non-ASCII characters: Japanese, which the Chinese
    language model cannot judge (mojibake has a stray kana here and there, not this)."""
    kana = len(_HIRAGANA_RE.findall(text))
    return kana >= 2 and kana >= 0.25 * sum(1 for c in text if c > "\x7f")


def _repair_rounds(line: str, total: Counter) -> str:
    line, c = fix_utf8_as_gbk(line)
    if c:
        total.update(c)
    if looks_suspect(line) and not is_japanese(line):
        for _ in range(MAX_LAYERS):
            changed = False
            for fix in _FIXES:
                line, c = fix(line)
                if c:
                    total.update(c)
                    changed = True
            if not changed or not looks_suspect(line):
                break
    return line

"""Misaligned GBK: one damaged byte shifts every following pair.

GBK writes each Chinese character as two bytes and ASCII as one. When one byte
of a GBK stream is lost, added, replaced by ``?`` or stripped of its high bit,
the decoder pairs the wrong bytes from there on, producing plausible-looking
but meaningless characters, until it is back in step: at the next ASCII byte,
or at a pair it cannot decode, where it gives up on one byte (U+FFFD)::

    （作者為中華全國總工會   ->   ?。ㄗ髡邽橹腥A全國總工會
    關係。”勞動關係          ->   關係?!眲趧雨P係
    城市市长参加的会议，在   ->   城市谐げ渭拥幕嵋椋�在

The fix re-encodes the garbled run as GBK and shifts it by one byte:

* **drop**: the first byte belonged to a lost character (or was an extra byte);
  the rest pairs up correctly;
* **high bit**: the ASCII character just before the run is a lead byte that
  lost its high bit (``!`` was ``0xA1``): put it back in front;
* **question mark**: a ``?`` just before the run replaced the lead byte of a
  character whose second byte starts the run.

Where the run ends on half a character, the other half is the following ASCII
byte (``A`` in ``腥A``) or the byte the decoder gave up on (U+FFFD), which must
be one that it could not pair with the byte after it. A character known only by
one byte is chosen by the language model among the GBK characters with that
byte (``lost_char_guessed``); at the start of a line a lost character ending in
``0xA1`` is the ideographic space used for indentation; a ``?`` before a
closing quotation mark is the full stop that ended the quoted sentence. A lone
U+FFFD between two characters that make a word was an extra byte
(``stray_byte_removed``).
"""
from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from jingwen.repair import charlm
from jingwen.repair.charlm import MARGIN, QUICK_READS_LIKE_TEXT, READS_LIKE_TEXT
from jingwen.repair.clues import LOST, in_word, rejected_before, suspect_re
from jingwen.text import lexicon
from jingwen.text.chars import HAN, is_han

_GBK = "gbk"
_GB18030 = "gb18030"     # garbled runs may hold private-use characters of GBK's user area
_MAX_SHIFT_BACK = 8      # how far before the first suspicious character the damage may start
_MAX_RUN_BACK = 60       # how far before a resync U+FFFD the damage may start
_CONTEXT = 3             # characters of context on each side when choosing a character
_FINALISTS = 3           # re-alignments whose lost characters are guessed
_SHORTLIST = 24          # candidate characters scored by the full language model
_RANK_WINDOW = 16        # characters past the trigger on which shifts are first ranked
_ASCII_TRIGGER_COST = 7.0  # a run after a lone ASCII character is tried only if it reads worse
#: A shifted run this long must read as common characters (unigram cost) before the
#: language model looks at it: cheap, and clean text's shifts never do.
_EVIDENCE_CHARS = 3
_CLOSING = "”’」』）》"
_PUNCT = "，。、；：？！“”《》（）０１２３４５６７８９"
#: Dropping a byte leaves it unexplained; putting a stripped high bit back explains
#: the ASCII character too, so it wins a tie. (Candidates compete on total cost.)
_DROP_PENALTY = 1.0
#: Dropping the first byte means an extra byte (any of ~126 values) or one byte of a
#: lost character (which fixes that byte): with equal odds of the two kinds of damage
#: the lost-character reading is ~63 times more likely a priori: log(63) nats.
_INSERT_BONUS = 4.1
#: For a lone U+FFFD nothing of the lost character is known but that its trail byte did
#: not pair with the next byte: a smaller prior for "a character was lost here".
_LONE_BONUS = 2.0
_COMMON = 20             # characters seen fewer times in jieba's dictionary are never guessed
_STRAY_WORD_FREQ = 100   # neighbours of a lone U+FFFD that make a word this frequent: extra byte
#: A lone U+FFFD is damage by definition; what replaces it need only read better.
_LONE_MARGIN = 0.5


# -- character pools -----------------------------------------------------------------

@functools.lru_cache(maxsize=512)
def _chars_with_byte(byte: int, position: int) -> tuple[str, ...]:
    """Common GBK characters (and Chinese punctuation) whose lead (position 0) or trail
    (position 1) byte is ``byte``."""
    uni = lexicon.load().unigrams
    out = []
    for other in range(0x40, 0xFF):
        pair = bytes([byte, other]) if position == 0 else bytes([other, byte])
        try:
            ch = pair.decode(_GBK)
        except UnicodeDecodeError:
            continue
        if len(ch) == 1 and ((is_han(ch) and uni.get(ch, 0) >= _COMMON) or ch in _PUNCT):
            out.append(ch)
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _frequent_chars() -> frozenset[str]:
    """The 2,500 most frequent characters of running text."""
    uni = lexicon.load().text_unigrams
    return frozenset(sorted((c for c in uni if is_han(c)), key=lambda c: -uni[c])[:2500])


def _all_frequent(window: str, least: int = 4) -> bool:
    """At least ``least`` ideographs, all of them frequent: not a garbled run (where
    three characters in five come from GBK's rarer or unassigned areas). A cheap test
    before the language model."""
    han = [c for c in window if is_han(c)]
    return len(han) >= least and _frequent_chars().issuperset(han)


@functools.lru_cache(maxsize=1)
def _common_chars() -> tuple[str, ...]:
    """The ~4,000 most frequent characters that GBK encodes in two bytes, and Chinese
    punctuation and full-width digits."""
    uni = lexicon.load().unigrams
    out = list(_PUNCT)
    for c in sorted((c for c, n in uni.items() if n >= 2000), key=lambda c: -uni[c])[:4000]:
        try:
            if len(c.encode(_GBK)) == 2:
                out.append(c)
        except UnicodeEncodeError:
            pass
    return tuple(out)


def _fits_resync(chars: Iterable[str], next_char: str) -> list[str]:
    """The characters whose trail byte a GBK decoder would give up on before ``next_char``."""
    nxt = next_char.encode(_GB18030, errors="replace")[0]
    rejected = rejected_before("gbk", nxt)
    return [c for c in chars if c.encode(_GBK)[1] in rejected]


def _choose(left: str, options: Sequence[str], right: str, bonus: dict[str, float] | None = None) -> str:
    """The option that makes ``left + option + right`` cheapest under the language model
    (long option lists are first cut to the best by running-text bigrams alone)."""
    model = charlm.model()
    if len(options) > _SHORTLIST:
        prev, nxt = (left[-1:] or "\n"), (right[:1] or "\n")
        quick = sorted(options, key=lambda o: model.bigram_cost(prev, o[:1] or nxt)
                       + (model.bigram_cost(o, nxt) if o else 0.0) - (bonus or {}).get(o, 0.0))
        options = quick[:_SHORTLIST] + ([""] if "" in options and "" not in quick[:_SHORTLIST] else [])
    best, best_cost = "", float("inf")
    for opt in options:
        c = sum(model.costs(left + opt + right)) - (bonus or {}).get(opt, 0.0)
        if c < best_cost:
            best, best_cost = opt, c
    return best


# -- finding and re-aligning runs ---------------------------------------------------------

@dataclass
class _Candidate:
    op: str              # drop, high_bit or question
    start: int           # first replaced index of the line
    end: int             # end of the replaced stretch
    text: str            # decoded middle part
    dropped: int | None  # the byte the shift set aside (a lost character's, or an extra one)
    last_lead: int | None  # lead byte of a last character whose trail byte is missing
    hole: bool           # the run ended on a U+FFFD


def _run_bounds(line: str, i: int) -> tuple[int, int, bool]:
    """The garbled run around index ``i``: non-ASCII characters back to the previous
    ASCII byte or U+FFFD, forward to the next one; True if it ends on U+FFFD."""
    stops = _stops(line)
    k = bisect.bisect_left(stops, i)
    b = stops[k] if k < len(stops) else len(line)
    a = stops[k - 1] + 1 if k else 0
    return a, b, b < len(line) and line[b] == LOST


_STOP_RE = re.compile(f"[\x00-\x7f{LOST}]")


@functools.lru_cache(maxsize=4)
def _stops(line: str) -> list[int]:
    """Where the runs of ``line`` stop (ASCII characters and U+FFFD), once per line:
    a long line has many triggers, and a scan per trigger was quadratic."""
    return [m.start() for m in _STOP_RE.finditer(line)]


@functools.lru_cache(maxsize=16)
def _pairs_before(line: str, b: int) -> tuple[int, bytes]:
    """The stretch of two-byte GB18030 characters that ends at ``b``: its start and its
    bytes, once per run end (each damage point of a long run takes a slice of them)."""
    start = b
    while start > 0:
        try:
            if len(line[start - 1].encode(_GB18030)) != 2:
                break
        except UnicodeEncodeError:
            break
        start -= 1
    return start, line[start:b].encode(_GB18030)


def _shifts(line: str, a: int, b: int, hole: bool, ks: list[int]) -> Iterator[_Candidate]:
    """Every way to re-align the run [a, b): for each damage point k and operation."""
    first, data = _pairs_before(line, b)
    for k in ks:
        if k < first or k >= b:
            continue  # a character between k and b is not a GBK pair
        raw = data[2 * (k - first):]
        # a short garbled run is evidence only when the decoder gave up right after it
        resync = hole and b + 1 < len(line) and line[b + 1] != LOST  # "��" is lost text, not a resync
        ops = [("drop", raw[1:], k, raw[0])] if b - k >= 3 or resync else []
        if k == a and a > 0 and (b - k >= 2 or resync):
            before = line[a - 1]
            if before == "?":
                ops.append(("question", raw[1:], a - 1, raw[0]))
            elif "!" <= before <= "~":
                ops.append(("high_bit", bytes([ord(before) | 0x80]) + raw, a - 1, None))
        for op, body, start, dropped in ops:
            end, last_lead = b, None
            if len(body) % 2:
                if hole:
                    last_lead, body, end = body[-1], body[:-1], b + 1
                elif end < len(line) and "@" <= line[end] <= "~":
                    body, end = body + line[end].encode("ascii"), end + 1
                else:
                    last_lead, body = body[-1], body[:-1]
            elif hole:
                end = b + 1  # the byte given up on was extra
            try:
                text = body.decode(_GB18030)
            except UnicodeDecodeError:
                continue
            if not any(ord(c) < 0x80 for c in text):  # a realigned run holds only double-byte characters
                yield _Candidate(op, start, end, text, dropped, last_lead, hole)


def _complete(line: str, c: _Candidate) -> tuple[str, int]:
    """The replacement for a candidate, with its lost characters guessed; and how many."""
    left = line[max(0, c.start - _CONTEXT):c.start]
    right = (c.text or line[c.end:])[:_CONTEXT]
    head, guessed = "", 0
    if c.op == "question":
        if not line[:c.start].strip() and c.dropped == 0xA1:
            head = "\u3000"  # an indentation character at the start of a line
        else:
            head = _choose(left, _chars_with_byte(c.dropped, 1), right) or LOST
        guessed = 1
    elif c.op == "drop":
        options = ("",) + _chars_with_byte(c.dropped, 1) + _chars_with_byte(c.dropped, 0)
        head = _choose(left, options, right, {o: _INSERT_BONUS for o in options if o})
        guessed = int(bool(head))
    elif c.start > 0 and line[c.start - 1] == "?" and c.text[:1] in _CLOSING and c.start > 1 \
            and is_han(line[c.start - 2]):
        head, guessed = "。", 1  # high bit after a "?" before a closing quote: "?!" was "。”"
    text = head + c.text
    if c.last_lead is not None:
        options = _chars_with_byte(c.last_lead, 0)
        if c.hole and c.end < len(line):
            options = _fits_resync(options, line[c.end])
        last = _choose((line[:c.start] + text)[-_CONTEXT:], options, line[c.end:c.end + _CONTEXT])
        text += last or LOST
        guessed += bool(last)
    return text, guessed


def _start_of(line: str, c: _Candidate) -> int:
    """A "?" before a closing quote that the high-bit repair explains is replaced too."""
    if c.op == "high_bit" and c.start > 1 and line[c.start - 1] == "?" and c.text[:1] in _CLOSING:
        return c.start - 1
    return c.start


# -- triggers -----------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _trigger_re() -> re.Pattern:
    """Where misalignment shows: a character clean text rarely holds, the U+FFFD of a
    decoder getting back in step, or one ASCII character (a stripped or replaced lead
    byte) between ideographs."""
    return re.compile(f"{suspect_re().pattern}|\ufffd|(?<=[{HAN}])[!-~](?=[{HAN}])")


def _runs_for(line: str, j: int) -> tuple[int, int, bool, list[int]] | None:
    """(run start, run end, ends on U+FFFD, damage points to try) for the trigger at ``j``."""
    ch = line[j]
    if ch == LOST:
        if not (j and ord(line[j - 1]) > 0x7F and line[j - 1] != LOST):
            return None
        a = _run_bounds(line, j - 1)[0]
        return a, j, True, list(range(max(a, j - _MAX_RUN_BACK), j))
    if ord(ch) < 0x80:
        a = j + 1
        _, b, hole = _run_bounds(line, a)
        window = line[a:a + _RANK_WINDOW]
        if b == a or _all_frequent(window) or charlm.cost(window) < _ASCII_TRIGGER_COST:
            return None  # "年4月", "说,这": the run after the ASCII character reads fine
        return a, b, hole, [a]
    a, b, hole = _run_bounds(line, j)
    if not hole and _all_frequent(line[j + 1:b], least=5):
        return None  # a rare character in fluent text: a garbled run stays garbled to its end
    ks = set(range(max(a, j - _MAX_SHIFT_BACK), j + 1))
    if a > 0 and "!" <= line[a - 1] <= "~":
        ks.add(a)  # the ASCII character before the run may be a damaged lead byte
    return a, b, hole, sorted(ks)


def _lone_lost(line: str, j: int) -> tuple[int, int, str, str] | None:
    """A U+FFFD that is not the end of a garbled run: (start, end, replacement, kind).

    After an ASCII character inside Chinese, the two are one character: a lead byte
    replaced by ``?`` or stripped of its high bit, and the trail byte the decoder gave
    up on. Between two characters that make a word, it was an extra byte. Otherwise it
    is the trail byte of a character whose lead byte was lost, or an extra byte: the
    language model chooses.
    """
    if j < 1 or j + 1 >= len(line) or line[j + 1] == LOST:
        return None
    before, after = line[j - 1], line[j + 1]
    right = line[j + 1:j + 1 + _CONTEXT]
    if "!" <= before <= "~":
        pool = _common_chars() if before == "?" else _chars_with_byte(ord(before) | 0x80, 0)
        options = _fits_resync(pool, after)
        if options:
            left = line[max(0, j - 1 - _CONTEXT):j - 1]
            return j - 1, j + 1, _choose(left, options, right), "lost_char_guessed"
        return None
    if not is_han(before):
        return None  # after punctuation the byte's context is too thin to guess from
    if is_han(before) and is_han(after) and lexicon.load().word_freq(before + after) >= _STRAY_WORD_FREQ:
        return j, j + 1, "", "stray_byte_removed"
    options = ("",) + tuple(_fits_resync(_common_chars(), after))
    choice = _choose(line[max(0, j - _CONTEXT):j], options, right, {o: _LONE_BONUS for o in options if o})
    return j, j + 1, choice, "lost_char_guessed" if choice else "stray_byte_removed"


# -- the fix ---------------------------------------------------------------------------------

def fix_misaligned_gbk(line: str) -> tuple[str, Counter]:
    """Re-align GBK runs garbled by one damaged byte (``misaligned_gbk``)."""
    fixes: Counter = Counter()
    trigger = _trigger_re()
    pos = 0
    while (m := trigger.search(line, pos)) is not None:
        j = m.start()
        if line[j] != LOST and ord(line[j]) > 0x7F and in_word(line, j):
            pos = j + 1  # a rare character inside a word (福祉) is ordinary text
            continue
        realigned = _realign(line, j)
        if realigned is not None:
            start, end, text, guessed = realigned
            fixes["misaligned_gbk"] += 1
            if guessed:
                fixes["lost_char_guessed"] += guessed
            if LOST in text:
                fixes["lost_chars"] += text.count(LOST)
        elif line[j] == LOST and (lone := _lone_lost(line, j)) and _accept(line, *lone[:3], _LONE_MARGIN):
            start, end, text, kind = lone
            fixes[kind] += 1
        else:
            pos = j + 1
            continue
        line = line[:start] + text + line[end:]
        pos = start + len(text)
    return line, fixes


def _realign(line: str, j: int) -> tuple[int, int, str, int] | None:
    """The best accepted re-alignment of the run at trigger ``j``: (start, end, text, guessed)."""
    found = _runs_for(line, j)
    if found is None:
        return None
    a, b, hole, ks = found
    model = charlm.model()
    lo, hi = max(0, min(ks) - 1 - _CONTEXT), min(len(line), b + 1 + _CONTEXT)
    # shifts are ranked on the stretch up to _RANK_WINDOW characters past the trigger
    # (a long run reads the same way throughout), the finalists on the whole run
    until = max(j, a) + _RANK_WINDOW
    ranked = []
    for c in _shifts(line, a, b, hole, ks):
        if len(c.text) >= _EVIDENCE_CHARS and model.quick_cost(c.text[:_RANK_WINDOW]) > QUICK_READS_LIKE_TEXT:
            continue  # the evidence: a true re-alignment turns the run into common characters
        if until < b:
            new = line[lo:c.start] + c.text[:until - c.start]
        else:
            new = line[lo:c.start] + c.text + (LOST if c.last_lead is not None else "") + line[c.end:hi]
        ranked.append((sum(model.costs(new)) + (_DROP_PENALTY if c.op == "drop" else 0.0), id(c), c))
    ranked.sort(key=lambda r: r[:2])
    if not ranked:
        return None
    if until < b:  # the best shift must read better than the original on the ranking stretch
        top = ranked[0][2]
        if charlm.cost(line[lo:top.start] + top.text[:until - top.start]) + MARGIN > charlm.cost(line[lo:until]):
            return None
    best = None
    for _, _, c in ranked[:_FINALISTS]:
        text, guessed = _complete(line, c)
        start = _start_of(line, c)
        new = line[lo:start] + text + line[c.end:hi]
        score = sum(model.costs(new)) + (_DROP_PENALTY if c.op == "drop" else 0.0)
        if best is None or score < best[0]:
            best = (score, start, c.end, text, guessed)
    if best is None or not _accept(line, best[1], best[2], best[3]):
        return None
    return best[1:]


def _accept(line: str, start: int, end: int, text: str, margin: float = MARGIN) -> bool:
    """The referee: the repaired stretch must read clearly better, and like real text, and
    may not lose more characters (U+FFFD) than it had."""
    if text.count(LOST) > line[start:end].count(LOST):
        return False
    lo, hi = max(0, start - _CONTEXT), min(len(line), end + _CONTEXT)
    new = line[lo:start] + text + line[end:hi]
    new_cost = charlm.cost(new)
    return new_cost + margin <= charlm.cost(line[lo:hi]) and new_cost < READS_LIKE_TEXT

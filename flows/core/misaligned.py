"""Misaligned GBK: one damaged byte shifts every following pair.

GBK writes each Chinese character as two bytes and ASCII as one. When one byte
of a GBK stream is lost, added, replaced by ``?`` or stripped of its high bit,
the decoder pairs the wrong bytes from there on, producing plausible-looking
but meaningless characters, until an ASCII byte puts it back in step::

    （作者為中華全國總工會   ->   ?。ㄗ髡邽橹腥A全國總工會
    關係。”勞動關係          ->   關係?!眲趧雨P係

The fix re-encodes the garbled run as GBK and shifts it back by one byte:

* **drop**: the first byte belongs to a lost (or an extra) character; the rest
  pairs up correctly;
* **high bit**: the ASCII character just before the run is a lead byte that
  lost its high bit (``!`` was ``0xA1``); put it back in front.

If the shifted run ends on half a character, the following ASCII character
(``A`` in ``腥A``) is its second byte. A ``?`` just before the run stands for
the character that was lost: at the start of a line, a lost character whose
surviving byte is ``0xA1`` is the ideographic space used for indentation;
before a closing quotation mark it is the full stop that ends the quoted
sentence; otherwise it stays U+FFFD (``lost_chars``).
"""
from __future__ import annotations

from collections import Counter

from . import charlm
from .chars import is_han
from .mojibake import LOST, MARGIN, _suspect_re

_GB = "gb18030"
_MAX_SHIFT_BACK = 6      # how far before the first suspicious character the damage may start
_CLOSING = "”’」』）》"
#: Dropping a byte leaves it unexplained; putting a stripped high bit back explains
#: the ASCII character too, so it wins a tie. (Candidates compete on total cost.)
_DROP_PENALTY = 1.0


def _run_bounds(line: str, i: int) -> tuple[int, int]:
    """The run of non-ASCII characters around index ``i``."""
    a = i
    while a > 0 and ord(line[a - 1]) > 0x7F:
        a -= 1
    b = i
    while b < len(line) and ord(line[b]) > 0x7F:
        b += 1
    return a, b


def _candidates(line: str, a: int, b: int, bad: int):
    """Yield (start, end, replacement, (lost, guessed), op) for every way to re-align the run."""
    for k in range(max(a, bad - _MAX_SHIFT_BACK), bad + 1):
        try:
            raw = line[k:b].encode(_GB)
        except UnicodeEncodeError:
            continue
        if len(raw) != 2 * (b - k):
            continue
        options = [("drop", raw[1:], k, raw[0])]
        if k == a and a > 0 and 0x21 <= ord(line[a - 1]) <= 0x7E and line[a - 1] != "?":
            options.append(("high_bit", bytes([ord(line[a - 1]) | 0x80]) + raw, a - 1, None))
        for op, body, start, dropped in options:
            end = b
            lost_tail = False
            if len(body) % 2:
                if end < len(line) and 0x40 <= ord(line[end]) <= 0x7E:
                    body += line[end].encode("ascii")
                    end += 1
                else:
                    body, lost_tail = body[:-1], True
            try:
                text = body.decode(_GB)
            except UnicodeDecodeError:
                continue
            if any(ord(c) < 0x80 for c in text):
                continue  # a realigned run holds only double-byte characters
            lost = guessed = 0
            if start > 0 and line[start - 1] == "?":
                start -= 1
                filler = _lost_char(line, start, text, dropped)
                lost += filler == LOST
                guessed += filler != LOST
                text = filler + text
            if lost_tail:
                text += LOST
                lost += 1
            yield start, end, text, (lost, guessed), op


def _lost_char(line: str, at: int, following: str, dropped: int | None) -> str:
    """What the ``?`` at ``line[at]`` most likely was (see the module docstring)."""
    if not line[:at].strip() and dropped == 0xA1:
        return "\u3000"
    if following[:1] in _CLOSING and at > 0 and is_han(line[at - 1]):
        return "。"
    return LOST


def fix_misaligned_gbk(line: str) -> tuple[str, Counter]:
    """Re-align GBK runs garbled by one damaged byte (``misaligned_gbk``)."""
    fixes: Counter = Counter()
    suspect = _suspect_re()
    pos = 0
    while True:
        m = suspect.search(line, pos)
        if m is None:
            break
        bad = m.start()
        a, b = _run_bounds(line, bad)
        best = None
        model = charlm.model()
        lo, hi = max(0, a - 3), min(len(line), b + 3)  # the same stretch of line for every candidate
        for start, end, text, lost, op in _candidates(line, a, b, bad):
            new = line[lo:start] + text + line[end:hi]
            score = sum(model.costs(new)) + (_DROP_PENALTY if op == "drop" else 0.0)
            if best is None or score < best[0]:
                best = (score, start, end, text, lost, new)
        if best is not None:
            new = best[5]
            old = line[lo:hi]
            if not (charlm.cost(new) + MARGIN <= charlm.cost(old) and charlm.cost(new) < charlm.READS_LIKE_TEXT):
                best = None
        if best is None:
            pos = m.end()
            continue
        _, start, end, text, lost, _ = best
        line = line[:start] + text + line[end:]
        fixes["misaligned_gbk"] += 1
        if lost[0]:
            fixes["lost_chars"] += lost[0]
        if lost[1]:
            fixes["lost_char_guessed"] += lost[1]
        pos = start + len(text)
    return line, fixes

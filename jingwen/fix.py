"""``fix_line``: repair and normalize one line of text, the ``ftfy`` of Chinese.

No boilerplate or metadata work: mojibake repair, pinyin annotations of a
mirror, character normalization, Traditional → Simplified, punctuation and
spacing. Decisions a document would make once (is this a mirror? is it
Traditional?) are made on the line itself.
"""
from __future__ import annotations

from collections import Counter

from jingwen.repair import mojibake, pinyin
from jingwen.text import normalize, script

#: Passes over a line that still looks damaged after a pass (normalizing can expose
#: what the repairs could not see: a character converted to Simplified, a quote).
MAX_PASSES = 3


def fix_line(line: str, mirror: bool | None = None) -> tuple[str, Counter]:
    """The repaired, normalized line and the edits made, by kind.

    ``mirror`` says the text comes from a pinyin mirror (a stream of lines decides
    it once, see ``jingwen fix``); by default the line itself decides. A line that
    still looks damaged is fixed again until nothing changes, so fixing a fixed
    line changes nothing.
    """
    counts: Counter = Counter()
    out = _fix_once(line, mirror, counts)
    for _ in range(MAX_PASSES - 1):
        if out == line or (mojibake.LOST not in out and not mojibake.looks_suspect(out)):
            break
        line, out = out, _fix_once(out, mirror, counts)
    return out, counts


def _fix_once(line: str, mirror: bool | None, counts: Counter) -> str:
    if not line:
        return line
    line, c = normalize.before_repair(line)
    if c:
        counts.update(c)
    line, c = mojibake.repair_line(line)
    if c:
        counts.update(c)
    line, c = pinyin.remove_annotations(line, mirror)
    if c:
        counts.update(c)
    line, c = normalize.normalize_chars(line)
    if c:
        counts.update(c)
    line, n = script.to_simplified(line)
    if n:
        counts["traditional_to_simplified"] += n
    spaced = normalize.normalize_line_space(line)
    if spaced != line:
        counts["whitespace"] += 1
    line, n = normalize.normalize_punctuation(spaced)
    if n:
        counts["punctuation"] += n
    return line

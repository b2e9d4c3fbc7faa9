"""The ordered steps that repair and normalize text, and the one helper that applies them.

``jingwen clean`` (:func:`jingwen.document.prepare`) and ``jingwen fix``
(:func:`fix_line`) run the same steps in the same order. Each step is a small
function ``(text, context) -> (text, edits by kind)``; :func:`apply` runs a list
of them and adds up what each did, so every edit is counted.

The order, decided once:

1. ``before_repair``: entities and invisible characters, which hide mojibake
   from the detectors;
2. ``strip_mirror_pinyin``: a known mirror's pinyin goes before the repairs
   (they would spend time on it, and its tone letters look like Latin-1 damage);
3. ``repair_mojibake``: the byte-level repairs (:mod:`jingwen.repair.mojibake`);
4. ``strip_pinyin``: annotations the repairs revealed (and, on a single line,
   pinyin the line itself shows);
5. ``normalize_chars``, ``to_simplified``, ``normalize_spacing``,
   ``normalize_punctuation``: normalization only after repair, because the
   repairs read the original characters, and punctuation last, because whether
   a comma touches Chinese text depends on the converted characters.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from jingwen.repair import mojibake, pinyin
from jingwen.text import normalize, script


@dataclass
class Context:
    """What a document decided once for all its lines (None: each line decides)."""

    mirror: bool | None = None       # the text comes from a pinyin-annotating mirror
    traditional: bool | None = None  # the text is Traditional Chinese
    #: Lines the repairs left garbled (as the repair saw them, and with spacing normalized):
    #: kept as they are, no script conversion, no punctuation rule.
    unrepaired: set[str] = field(default_factory=set)

    def is_unrepaired(self, line: str) -> bool:
        return bool(self.unrepaired) and line in self.unrepaired


Step = Callable[[str, Context], tuple[str, Counter | None]]


def before_repair(text: str, ctx: Context) -> tuple[str, Counter | None]:
    return normalize.before_repair(text)


def strip_mirror_pinyin(text: str, ctx: Context) -> tuple[str, Counter | None]:
    """A known mirror's pinyin annotations, before the repairs."""
    return pinyin.remove_annotations(text, mirror=True) if ctx.mirror else (text, None)


def repair_mojibake(text: str, ctx: Context) -> tuple[str, Counter | None]:
    """The byte-level repairs; a suspect line that still reads as mojibake after them keeps
    its characters (``unrepaired_mojibake``): a half-repaired guess is not made worse by
    converting garbage to Simplified."""
    out, edits = mojibake.repair_line(text)
    if (edits or mojibake.needs_repair(text)) and mojibake.still_garbled(out):
        ctx.unrepaired.update((text, normalize.normalize_line_space(text)))
        return text, Counter(unrepaired_mojibake=1)
    return out, edits


def strip_pinyin(text: str, ctx: Context) -> tuple[str, Counter | None]:
    """Pinyin annotations after the repairs (skipped where the document is no mirror)."""
    return (text, None) if ctx.mirror is False else pinyin.remove_annotations(text, ctx.mirror)


def normalize_chars(text: str, ctx: Context) -> tuple[str, Counter | None]:
    return (text, None) if ctx.is_unrepaired(text) else normalize.normalize_chars(text)


def to_simplified(text: str, ctx: Context) -> tuple[str, Counter | None]:
    """Traditional to Simplified (``text`` may be several lines: unrepaired ones are kept)."""
    if ctx.traditional is False:
        return text, None
    if ctx.unrepaired:
        lines = text.split("\n")
        converted = [(ln, 0) if ctx.is_unrepaired(ln) else script.to_simplified(ln, ctx.traditional) for ln in lines]
        out, n = "\n".join(c for c, _ in converted), sum(k for _, k in converted)
    else:
        out, n = script.to_simplified(text, ctx.traditional)
    return out, Counter(traditional_to_simplified=n) if n else None


def normalize_spacing(text: str, ctx: Context) -> tuple[str, Counter | None]:
    out = normalize.normalize_line_space(text)
    return out, Counter(whitespace=1) if out != text else None


def normalize_punctuation(text: str, ctx: Context) -> tuple[str, Counter | None]:
    if ctx.is_unrepaired(text):
        return text, None
    out, n = normalize.normalize_punctuation(text)
    return out, Counter(punctuation=n) if n else None


#: Steps 1-4 of the module docstring: undo the damage.
REPAIR_STEPS: tuple[Step, ...] = (before_repair, strip_mirror_pinyin, repair_mojibake, strip_pinyin)
#: Step 5: normalize the repaired text.
NORMALIZE_STEPS: tuple[Step, ...] = (normalize_chars, to_simplified, normalize_spacing, normalize_punctuation)
STEPS = REPAIR_STEPS + NORMALIZE_STEPS


def apply(steps: Iterable[Step], text: str, ctx: Context, counts: Counter) -> str:
    """Run ``steps`` in order on ``text``, adding each one's edits to ``counts``; an
    empty text stops the run (nothing is left to fix)."""
    for step in steps:
        if not text:
            break
        text, edits = step(text, ctx)
        if edits:
            counts.update(edits)
    return text


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
    ctx = Context(mirror=mirror)
    out = apply(STEPS, line, ctx, counts)
    for _ in range(MAX_PASSES - 1):
        if out == line or (mojibake.LOST not in out and not mojibake.looks_suspect(out)):
            break
        line, out = out, apply(STEPS, out, ctx, counts)
    return out, counts


def fix_lines(lines: Iterable[str]) -> Iterator[tuple[str, Counter]]:
    """:func:`fix_line` over a stream of lines: once a line shows a mirror's pinyin, the
    rest of the stream is treated as a mirror."""
    mirror = None
    for line in lines:
        if mirror is None and pinyin.is_mirror(line):
            mirror = True
        yield fix_line(line, mirror)


def fix_text(text: str) -> str:
    """Repair and normalize ``text`` line by line (mojibake, a mirror's pinyin, Traditional
    script, punctuation, spacing); no boilerplate or metadata work.

    >>> fix_text("浣犲ソ锛屼笘鐣?")
    '你好，世界'
    """
    return "\n".join(fixed for fixed, _ in fix_lines(text.split("\n")))

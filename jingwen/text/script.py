"""Traditional → Simplified conversion with mainland forms, fast.

Built from opencc-python-reimplemented's dictionaries (``TSCharacters``,
``TSPhrases``, ``TWVariantsRev``), but not through its converter, which runs at
about 1 MB/s:

* a 1:1 ``str.translate`` table takes every Traditional character to its first
  Simplified candidate;
* ``TSPhrases`` entries are matched first and protected;
* every character with several possible forms (``乾`` 干/乾, ``瞭`` 了/瞭,
  ``藉`` 借/藉, ``覆`` 复/覆, ``著`` 着/著, ...) is decided by which form makes a
  more frequent word of jieba's dictionary around it, so ``意味著`` becomes
  ``意味着`` and ``著名`` stays ``著名``; ``什麼`` becomes ``什么`` (never ``什幺``).

Text with no Traditional-only character returns unchanged after one set test,
so Simplified text costs (almost) nothing; a line with kana is Japanese and is
left alone.
"""
from __future__ import annotations

import functools
import pathlib
import re
from dataclasses import dataclass

from jingwen.text import lexicon
from jingwen.text.chars import char_class, count_differences

_MAX_WORD = 4  # longest dictionary word consulted around an ambiguous character
_KANA_RE = re.compile("[\u3041-\u3096\u30a1-\u30fa]{2}")


def _opencc_dict(name: str) -> list[tuple[str, list[str]]]:
    import opencc  # opencc-python-reimplemented; only its data files are used

    path = pathlib.Path(opencc.__file__).with_name("dictionary") / name
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            key, vals = line.split("\t", 1)
            rows.append((key, vals.split()))
    return rows


@dataclass(frozen=True)
class _Tables:
    table: dict[int, str]          # Traditional char -> first Simplified candidate
    trad_only: frozenset[str]      # characters that never occur in Simplified text
    ambiguous: dict[str, tuple[str, ...]]  # char -> its possible Simplified forms
    ambiguous_re: re.Pattern
    phrases: dict[str, str]        # TSPhrases
    phrase_re: re.Pattern
    phrase_starts: frozenset[str]  # first characters of the phrases


@functools.lru_cache(maxsize=1)
def tables() -> _Tables:
    """The conversion tables, built once from opencc's dictionaries and jieba's word frequencies."""
    ts = _opencc_dict("TSCharacters.txt")
    targets = {v for _, vals in ts for v in vals}
    keys = {k for k, _ in ts}
    table: dict[int, str] = {}
    trad_only: set[str] = set()
    ambiguous: dict[str, tuple[str, ...]] = {}
    for key, vals in ts:
        # astral-plane candidates are rare variants; mainland text uses the BMP form
        vals = [v for v in vals if len(v) == 1 and ord(v) < 0x10000] or vals
        if vals[0] != key:
            table[ord(key)] = vals[0]
        if key not in vals and key not in targets:
            trad_only.add(key)
        if len(vals) > 1:
            ambiguous[key] = tuple(vals)
    # Taiwan variants whose mainland form is another character (著 -> 着): kept where
    # neither side is produced or consumed by the main table (so 么 stays 么) and the
    # mainland dictionary uses the other form more.
    words = lexicon.load().words
    for key, vals in _opencc_dict("TWVariantsRev.txt"):
        if (key not in targets and key not in keys and vals[0] not in keys
                and words.get(vals[0], 0) > words.get(key, 0)):
            ambiguous[key] = (vals[0], key)
    phrases = {k: v[0] for k, v in _opencc_dict("TSPhrases.txt")}
    phrase_re = re.compile("|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)))
    return _Tables(
        table=table,
        trad_only=frozenset(trad_only),
        ambiguous=ambiguous,
        ambiguous_re=re.compile(f"[{char_class(ambiguous)}]"),
        phrases=phrases,
        phrase_re=phrase_re,
        phrase_starts=frozenset(p[0] for p in phrases),
    )


def traditional_only_chars() -> str:
    """The characters that mark a text as Traditional, as a regex class body (for the suite)."""
    return char_class(tables().trad_only)


def count_traditional(text: str) -> int:
    """Number of Traditional-only characters in ``text`` (a set test first: ~50 MB/s)."""
    trad = tables().trad_only
    if trad.isdisjoint(text):
        return 0
    return sum(1 for ch in text if ch in trad)


def fold(text: str) -> str:
    """Character-by-character Simplified form, for scoring (no phrase logic)."""
    return text.translate(tables().table)


@functools.lru_cache(maxsize=65536)
def _best_form(window: str, i: int, forms: tuple[str, ...]) -> str:
    """The form of ``window[i]`` that makes the most frequent dictionary word with its
    neighbours (``window`` holds the converted characters up to 3 on each side)."""
    words = lexicon.load().words
    best, best_score = forms[0], (-1, -1)
    n = len(window)
    for form in forms:
        chars = window[:i] + form + window[i + 1:]
        multi = 0
        for size in range(2, _MAX_WORD + 1):
            for start in range(max(0, i - size + 1), min(i, n - size) + 1):
                multi = max(multi, words.get(chars[start:start + size], 0))
        score = (multi, words.get(form, 0))
        if score > best_score:
            best, best_score = form, score
    return best


def to_simplified(text: str, traditional: bool | None = None) -> tuple[str, int]:
    """Convert ``text`` to Simplified Chinese; return it and the number of characters changed.

    ``traditional`` says whether the surrounding document was Traditional (so the
    characters shared by both scripts, like 著, are resolved too); by default it is
    decided from ``text`` itself.
    """
    t = tables()
    if traditional is None:
        traditional = not t.trad_only.isdisjoint(text)
    if not traditional or _KANA_RE.search(text):
        return text, 0  # Japanese (kana among the kanji) keeps its own characters
    if t.phrase_starts.isdisjoint(text):
        result = _convert_chars(text)
        return result, count_differences(text, result)
    out: list[str] = []
    pos = 0
    for m in t.phrase_re.finditer(text):
        out.append(_convert_chars(text[pos:m.start()]))
        out.append(t.phrases[m.group()])
        pos = m.end()
    out.append(_convert_chars(text[pos:]))
    result = "".join(out)
    return result, count_differences(text, result)


def _convert_chars(segment: str) -> str:
    t = tables()
    converted = segment.translate(t.table)
    if not t.ambiguous_re.search(segment):
        return converted
    chars = list(converted)
    reach = _MAX_WORD - 1
    for m in t.ambiguous_re.finditer(segment):
        i = m.start()
        lo = max(0, i - reach)
        window = "".join(chars[lo:i + reach + 1])
        chars[i] = _best_form(window, i - lo, t.ambiguous[m.group()])
    return "".join(chars)

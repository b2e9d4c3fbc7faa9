"""Pinyin that mirror sites append to characters: ``發(fā)展`` → ``發展``.

Some mirror sites convert articles to Traditional script and append the
reading of many characters in parentheses. We remove a parenthesis only when

* it holds one pinyin syllable that is a reading of the character just before
  it (pypinyin's dictionary), and
* the text is a mirror: it annotates common characters that have a single
  reading (no writer explains the reading of 网; writers annotate polyphones
  like 和 and rare characters like 饕餮), or very many different characters.

So ``和(hé)``, ``的(de)、地(de)`` or ``饕(tāo)餮(tiè)`` in an ordinary text stay. Where a mirror lost a character but
kept its reading (``《工人日?qǐng)?bào)》``), the character is restored from
the reading and its neighbours by the character language model, or dropped
when no character with that reading fits (``lost_char_from_pinyin``).
"""
from __future__ import annotations

import functools
import importlib.util
import itertools
import pathlib
import re
import unicodedata
from collections import Counter

from jingwen.repair import charlm
from jingwen.text import lexicon, script
from jingwen.text.chars import HAN, PINYIN_SYLLABLE

_ANNOTATION_RE = re.compile(f"([{HAN}])[(（]({PINYIN_SYLLABLE})[)）]")
#: An annotation the line's end cut off: ``开（kāi`` as the last characters.
_CUT_ANNOTATION_RE = re.compile(f"([{HAN}])[(（]({PINYIN_SYLLABLE})$")
_LOST_RUN_RE = re.compile(f"(?:\\?[(（]?{PINYIN_SYLLABLE}[)）])+")
_LOST_SLOT_RE = re.compile(f"\\?[(（]?({PINYIN_SYLLABLE})[)）]")
_QUICK_RE = re.compile(f"[(（]?{PINYIN_SYLLABLE}[)）]")

#: Evidence of a mirror: annotations of common single-reading characters (one
#: among at least three annotations, or two), or this many different characters.
MIN_ANNOTATIONS = 3
MIN_DISTINCT = 8
COMMON_CHAR = 5000  # character count in jieba's dictionary (after folding to Simplified)
_CANDIDATES_PER_SLOT = 30
_EMPTY_PENALTY = 8.0  # nats: what leaving a lost slot empty costs against a fitting character


def _toneless(reading: str) -> set[str]:
    """``lǜ`` → {``lu``, ``lv``, ``lü``}: mirrors also write the readings without tones."""
    bare = unicodedata.normalize("NFD", reading)
    bare = "".join(c for c in bare if not unicodedata.combining(c) or c == "\u0308")
    bare = unicodedata.normalize("NFC", bare)
    return {bare, bare.replace("ü", "u"), bare.replace("ü", "v")}


def _pinyin_dict_path() -> pathlib.Path:
    """pypinyin's table, found without importing pypinyin (its package loads every table)."""
    spec = importlib.util.find_spec("pypinyin")
    assert spec is not None and spec.origin is not None, "pypinyin is not installed"
    return pathlib.Path(spec.origin).with_name("pinyin_dict.py")


def _build_readings() -> dict[int, str]:
    from pypinyin.pinyin_dict import pinyin_dict  # a 42,000-entry module: ~55 MB while imported

    return dict(pinyin_dict)


@functools.lru_cache(maxsize=1)
def _readings() -> dict[int, str]:
    """Character → its readings with tones, comma-separated (``"hé,hè,huó"``): pypinyin's
    table, from the marshal cache (importing pypinyin's module costs ~55 MB a process)."""
    return lexicon.cached("pinyin-v1", [_pinyin_dict_path()], _build_readings)


@functools.lru_cache(maxsize=16384)  # pypinyin has 8,598 distinct reading strings
def _syllables(readings: str) -> frozenset[str]:
    """``"lǜ,lù"`` → those readings with tones and without."""
    toned = readings.split(",")
    return frozenset(toned).union(*map(_toneless, toned))


def load() -> None:
    """Load the reading tables now (the first mirror page would otherwise pay ~0.6 s)."""
    _readings()
    _chars_by_reading()


@functools.lru_cache(maxsize=1)
def _chars_by_reading() -> dict[str, list[str]]:
    """Reading -> the most frequent characters (in jieba's dictionary) that have it."""
    uni = lexicon.load().unigrams
    by: dict[str, list[str]] = {}
    for cp, readings in _readings().items():
        ch = chr(cp)
        if uni.get(ch, 0) < 20:
            continue
        for r in _syllables(readings):
            by.setdefault(r, []).append(ch)
    return {r: sorted(chs, key=lambda c: -uni[c])[:_CANDIDATES_PER_SLOT] for r, chs in by.items()}


def is_reading(ch: str, syllable: str) -> bool:
    """True when ``syllable`` is a reading of character ``ch``."""
    readings = _readings().get(ord(ch))
    return readings is not None and syllable in _syllables(readings)


def annotations(text: str) -> list[re.Match]:
    """Every ``X(reading of X)`` in ``text``."""
    if (")" not in text and "）" not in text) or not _QUICK_RE.search(text):
        return []
    return [m for m in _ANNOTATION_RE.finditer(text) if is_reading(m.group(1), m.group(2))]


def is_mirror(text: str) -> bool:
    """True when ``text`` carries the pinyin annotations of a mirror site."""
    found = annotations(text)
    if len(found) < 2:
        return False
    uni = lexicon.load().unigrams
    common_mono = sum(1 for m in found if _single_reading(m.group(1))
                      and uni.get(script.fold(m.group(1)), 0) >= COMMON_CHAR)
    distinct = len({m.group(1) for m in found})
    return (common_mono >= 2 or (common_mono >= 1 and len(found) >= MIN_ANNOTATIONS)
            or distinct >= MIN_DISTINCT)


def _single_reading(ch: str) -> bool:
    """The character has one reading (tones counted: 和 has several, 网 one)."""
    return "," not in _readings().get(ord(ch), ",")


def remove_annotations(text: str, mirror: bool | None = None) -> tuple[str, Counter]:
    """Remove a mirror's pinyin annotations and restore characters lost before them.

    ``mirror`` says whether the document is a mirror; by default ``text`` decides.
    """
    fixes: Counter = Counter()
    if mirror is None:
        mirror = is_mirror(text)
    if not mirror:
        return text, fixes

    def drop(m: re.Match) -> str:
        if is_reading(m.group(1), m.group(2)):
            fixes["pinyin_annotation"] += 1
            return m.group(1)
        return m.group()

    text = _ANNOTATION_RE.sub(drop, text)
    text = _CUT_ANNOTATION_RE.sub(drop, text)
    if "?" in text:
        text = _LOST_RUN_RE.sub(lambda m: _restore(text, m, fixes), text)
    return text, fixes


def _restore(text: str, m: re.Match, fixes: Counter) -> str:
    """The characters for a run of ``?(reading)`` slots, chosen by the language model."""
    slots = [s.group(1) for s in _LOST_SLOT_RE.finditer(m.group())]
    options = [_chars_by_reading().get(r, []) + [""] for r in slots]
    before = text[max(0, m.start() - 2):m.start()]
    after = text[m.end():m.end() + 2]
    model = charlm.model()
    best: tuple[float, tuple[str, ...]] | None = None
    for combo in itertools.product(*options):
        cost = sum(model.costs(before + "".join(combo) + after)) + _EMPTY_PENALTY * combo.count("")
        if best is None or cost < best[0]:
            best = (cost, combo)
    assert best is not None
    restored = "".join(best[1])
    fixes["pinyin_annotation"] += len(slots)
    fixes["lost_char_from_pinyin"] += len(restored)
    return restored

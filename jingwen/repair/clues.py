"""Clues of encoding damage that the mojibake fixes share.

* :data:`LOST`, the mark of a character that could not be recovered (U+FFFD);
* :func:`suspect_re`, characters that clean Chinese text rarely contains, and
  :func:`in_word`, which excuses a rare character that makes a word (福祉);
* :func:`gbk_rejects`, the byte pairs on which a GBK (or Big5) decoder gives up, and
  :func:`rejected_before`, the bytes it gives up on before a given byte, which
  tells what byte a U+FFFD can stand for.

Used by :mod:`jingwen.repair.mojibake` and :mod:`jingwen.repair.misaligned`.
"""
from __future__ import annotations

import functools
import re

from jingwen.text import lexicon, script
from jingwen.text.chars import PRIVATE_USE, char_class

LOST = "\ufffd"

#: A rare character that makes a word this frequent with a neighbour is ordinary text (福祉).
IN_WORD_FREQ = 20


@functools.lru_cache(maxsize=1)
def suspect_re() -> re.Pattern:
    """Characters that clean Chinese text rarely contains: Han characters outside the
    ~6,400 most frequent (after folding Traditional to Simplified), kana, hangul,
    bopomofo, box drawing, private use, U+FFFD."""
    return re.compile(f"[\u3040-\u30ff\u3100-\u312f\uac00-\ud7af\u2500-\u257f{PRIVATE_USE}\ufffd]"
                      f"|(?=[\u3400-\u9fff\uf900-\ufaff])[^{common_han_class()}]")


@functools.lru_cache(maxsize=1)
def common_han_class() -> str:
    """A regex class body of the ~6,400 most frequent Han characters and their Traditional forms."""
    uni = lexicon.load().unigrams
    ranked = sorted(uni.items(), key=lambda kv: -kv[1])
    total = sum(uni.values())
    common: set[str] = set()
    acc = 0
    for ch, n in ranked:
        if acc > 0.999 * total:
            break
        common.add(ch)
        acc += n
    table = script.tables().table
    for trad, simp in table.items():
        if simp in common:
            common.add(chr(trad))
    return char_class(common)


def in_word(text: str, i: int) -> bool:
    """True when the character at ``i`` makes a dictionary word with a neighbour."""
    words = lexicon.load().words
    return (i > 0 and words.get(text[i - 1:i + 1], 0) >= IN_WORD_FREQ) or \
        words.get(text[i:i + 2], 0) >= IN_WORD_FREQ


@functools.lru_cache(maxsize=4)
def gbk_rejects(codec: str = "gbk") -> frozenset[tuple[int, int]]:
    """Byte pairs (lead, next) on which a GBK (or Big5) decoder fails and emits U+FFFD for the lead.

    ``gbk`` (Python, iconv) rejects GBK's user-defined areas; ``gb18030`` (what browsers
    use for any GB label) maps them to private-use characters and rejects far fewer."""
    bad = set()
    for lead in range(0x80, 0x100):
        for nxt in range(0x100):
            try:
                text = bytes([lead, nxt]).decode(codec)
            except UnicodeDecodeError:
                bad.add((lead, nxt))
                continue
            if len(text) != 1:  # gb18030 reads a four-byte sequence's first half as garbage
                bad.add((lead, nxt))
    return frozenset(bad)


@functools.lru_cache(maxsize=1024)
def rejected_before(codec: str, nxt: int) -> frozenset[int]:
    """The bytes on which a GBK (or Big5) decoder gives up when ``nxt`` follows them."""
    rejects = gbk_rejects(codec)
    return frozenset(b for b in range(0x80, 0x100) if (b, nxt) in rejects)

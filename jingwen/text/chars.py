"""Character classes shared by the cleaning steps.

Everything here is a constant or a tiny predicate; the regexes are compiled once.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

#: CJK unified ideographs (basic block, extension A, compatibility) as a regex class body.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{HAN}]")
HAN_RUN_RE = re.compile(f"[{HAN}]+")

#: Full-width Chinese punctuation that belongs to running Chinese text.
CJK_PUNCT = "，。、；：？！（）“”‘’《》〈〉「」『』【】…—·～"

#: The C1 control characters U+0080-U+009F (what a Latin-1 decoder makes of bytes 0x80-0x9F),
#: as a string of the characters themselves (usable in ``str.strip`` and as a regex class body).
C1_CONTROLS = "".join(map(chr, range(0x80, 0xA0)))
C1_RE = re.compile(f"[{C1_CONTROLS}]")
#: The Private Use Area of the BMP as a regex class body.
PRIVATE_USE = "\ue000-\uf8ff"
PRIVATE_USE_RE = re.compile(f"[{PRIVATE_USE}]")

#: Pinyin letters with tone marks (and ü), used to recognise readings.
TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
PINYIN_SYLLABLE = f"[a-z{TONE_VOWELS}]{{1,7}}"


def is_han(ch: str) -> bool:
    """True for a CJK unified ideograph."""
    return bool(HAN_RE.match(ch))


def han_count(text: str) -> int:
    """Number of CJK ideographs in ``text``."""
    return sum(len(m) for m in HAN_RUN_RE.findall(text))


def char_class(chars: Iterable[str]) -> str:
    """A regex character-class body for ``chars``, with consecutive code points as ranges
    (a class of single characters thousands long makes ``re`` slow)."""
    codes = sorted({ord(c) for c in chars})
    out, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        first, last = re.escape(chr(codes[i])), re.escape(chr(codes[j]))
        out.append(first if i == j else f"{first}-{last}")
        i = j + 1
    return "".join(out)


def count_differences(a: str, b: str) -> int:
    """Positions where two strings differ (at C speed); their length difference if unequal."""
    if a == b:
        return 0
    if len(a) != len(b):
        return abs(len(a) - len(b)) or 1
    x = np.frombuffer(a.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    y = np.frombuffer(b.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return int(np.count_nonzero(x != y))

"""A character-level "does this read like Chinese?" score.

``cost(text)`` is the mean cost per informative character (neutral characters
are left out unless there is nothing else), in nats, lower is better:

* an ideograph costs ``-log P(c | previous ideograph)``, interpolating jieba's
  within-word bigrams with unigram frequencies; Traditional characters are
  scored as their Simplified forms, so a Traditional text is not "unusual";
* ASCII, digits, full-width Chinese punctuation and spaces cost a flat, neutral
  amount;
* characters that mojibake is made of (Latin-1 letters next to each other, C1
  controls, box drawing, kana and hangul in a Chinese run, bopomofo, private use,
  U+FFFD) cost a lot.

It is the referee of every repair: a candidate wins only when it lowers the
cost by a margin and ends up below the "reads like real text" threshold.
"""
from __future__ import annotations

import functools
import math
import unicodedata

from . import lexicon, script
from .chars import CJK_PUNCT

#: A clean news sentence scores about 6-8; mojibake 11-16.
READS_LIKE_TEXT = 9.5
NEUTRAL = 3.0          # ASCII, digits, Chinese punctuation, whitespace
LATIN1_LETTER = 6.0    # é in "café"
SUSPICIOUS = 12.0      # Latin-1 letters or symbols next to each other, kana/hangul among Han
GARBAGE = 16.0         # C1 controls, private use, U+FFFD, bopomofo, box drawing
_LAMBDA = 0.6          # weight of the bigram in the interpolation

_NEUTRAL_CHARS = frozenset(CJK_PUNCT + "\u00a0")
RARE_SYMBOL = 5.0      # ideographic space and the rarer CJK symbols (〃〆〒...)
RARE_PUNCT = 5.5       # the less common Chinese punctuation (〈〉「」【】...)
ASCII_PUNCT_IN_CHINESE = 4.5  # "," or "?" touching an ideograph: possible, but less usual than "，"
_FLAT = {"neutral": NEUTRAL, "symbol": RARE_SYMBOL, "odd": SUSPICIOUS, "garbage": GARBAGE}
_NON_TEXT = frozenset({"latin", "odd", "garbage"})
_CLAUSE_PUNCT = frozenset("。，、；：？！")
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
#: Chinese punctuation by how common it is in news prose (，is the most frequent).
_PUNCT_COST = {"，": 3.0, "。": 3.2, "、": 4.0, "“": 4.0, "”": 4.0, "：": 4.2, "《": 4.5, "》": 4.5,
               "（": 4.5, "）": 4.5, "；": 4.8, "？": 5.0, "！": 5.0}
_NO_CLAUSE_PUNCT_AFTER = frozenset("。，、；：？！?!,;:“‘（《〈「『【 \t\u3000")


class CharLM:
    """Character unigram/bigram model over jieba's dictionary."""

    def __init__(self, lex: lexicon.Lexicon):
        self.uni = lex.unigrams
        self.bi = lex.bigrams
        self.total = lex.total
        self.vocab = len(lex.unigrams) + 1000
        self._fold = script.tables().table

    @functools.lru_cache(maxsize=65536)
    def unigram_cost(self, ch: str) -> float:
        return -math.log((self.uni.get(ch, 0) + 0.5) / (self.total + 0.5 * self.vocab))

    def han_cost(self, prev: str | None, ch: str) -> float:
        """Cost of ideograph ``ch`` after ideograph ``prev`` (or None), both Simplified."""
        p_uni = math.exp(-self.unigram_cost(ch))
        if prev is None:
            return -math.log(p_uni)
        pair = self.bi.get(prev + ch, 0)
        base = self.uni.get(prev, 0)
        p_bi = pair / base if base else 0.0
        return -math.log(_LAMBDA * p_bi + (1 - _LAMBDA) * p_uni)

    def costs(self, text: str) -> list[float]:
        """Per-character costs of ``text``."""
        folded = text.translate(self._fold)
        cats = [_category(ch) for ch in folded]
        out: list[float] = []
        prev_han: str | None = None
        prev = ""
        for i, (ch, cat) in enumerate(zip(folded, cats)):
            if cat == "han":
                out.append(self.han_cost(prev_han, ch))
                prev_han = ch
            else:
                prev_han = None
                if cat == "latin":
                    odd_neighbour = any(0 <= j < len(cats) and cats[j] in _NON_TEXT for j in (i - 1, i + 1))
                    out.append(SUSPICIOUS if odd_neighbour else LATIN1_LETTER)
                elif ch in _CLAUSE_PUNCT and (not prev or prev in _NO_CLAUSE_PUNCT_AFTER):
                    out.append(SUSPICIOUS)  # "。" cannot open a line or follow "，" or "（"
                elif ch == "\u3000" and (not prev or prev.isspace()):
                    out.append(NEUTRAL)     # indentation
                elif ch in _ASCII_PUNCT and any(
                        0 <= j < len(cats) and cats[j] == "han" for j in (i - 1, i + 1)):
                    out.append(ASCII_PUNCT_IN_CHINESE)
                else:
                    out.append(_PUNCT_COST.get(ch, RARE_PUNCT if ch in _NEUTRAL_CHARS else _FLAT[cat]))
            prev = ch
        return out

    def cost(self, text: str) -> float:
        """Mean cost of the informative characters (all characters if none is)."""
        c = self.costs(text)
        informative = [x for x in c if x != NEUTRAL] or c
        return sum(informative) / len(informative) if informative else 0.0


@functools.lru_cache(maxsize=4096)
def _category(ch: str) -> str:
    o = ord(ch)
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF:
        return "han"
    if o < 0x80 or ch in _NEUTRAL_CHARS or 0xFF01 <= o <= 0xFF5E:
        return "neutral" if (o >= 0x20 or ch in "\t\n") else "garbage"
    if 0x3000 <= o <= 0x303F:
        return "symbol"
    if o == 0xFFFD or 0xE000 <= o <= 0xF8FF or 0x80 <= o < 0xA0:
        return "garbage"
    if 0x3100 <= o <= 0x312F or 0x2500 <= o <= 0x257F:  # bopomofo, box drawing
        return "garbage"
    if 0xC0 <= o <= 0xFF and ch not in "×÷":
        return "latin"
    cat = unicodedata.category(ch)
    if cat.startswith(("Z",)) or ch in "–—‘’“”…·•°":
        return "neutral"
    return "odd"


@functools.lru_cache(maxsize=1)
def model() -> CharLM:
    """The shared model (loaded once per process)."""
    return CharLM(lexicon.load())


def cost(text: str) -> float:
    """Mean per-character cost of ``text`` under the shared model."""
    return model().cost(text)

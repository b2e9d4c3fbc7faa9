"""A character-level "does this read like Chinese?" score.

``cost(text)`` is the mean cost per informative character (neutral characters
are left out unless there is nothing else), in nats, lower is better:

* a run of ideographs costs ``-log P`` of its most probable segmentation into
  words of jieba's dictionary (each word's cost spread over its characters);
  Traditional characters are scored as their Simplified forms, so a
  Traditional text is not "unusual";
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

from jingwen.text import lexicon, script
from jingwen.text.chars import CJK_PUNCT

#: A clean news sentence scores about 6-8; mojibake 11-16.
READS_LIKE_TEXT = 9.5
#: How much a repair must lower the cost (nats per character) to win.
MARGIN = 2.0
#: :meth:`CharLM.quick_cost` of a character never seen in running text; clean text
#: scores 6.3-6.9 on it, GBK read as Big5 or the reverse 15-18, Korean read as GBK 11.
UNSEEN = 20.0
QUICK_READS_LIKE_TEXT = 9.0
NEUTRAL = 3.0          # ASCII, digits, Chinese punctuation, whitespace
LATIN1_LETTER = 6.0    # é in "café"
SUSPICIOUS = 12.0      # Latin-1 letters or symbols next to each other, kana/hangul among Han
GARBAGE = 16.0         # C1 controls, private use, U+FFFD, bopomofo, box drawing
_MAX_WORD = 6          # longest dictionary word tried in a segmentation
_LAMBDA = 0.5          # weight of the word (or flat) cost against the running-text bigram
_DISCOUNT = 0.75
_VOCAB = 30000
_TEXTUAL = frozenset({"han", "neutral", "symbol"})
#: Bigram keys are looked up in People's Daily style: full-width ASCII.
_PD_STYLE = {cp: cp + 0xFEE0 for cp in range(0x21, 0x7F)}

_NEUTRAL_CHARS = frozenset(CJK_PUNCT + "\u00a0")
RARE_SYMBOL = 5.0      # ideographic space and the rarer CJK symbols (〃〆〒...)
RARE_PUNCT = 5.5       # the less common Chinese punctuation (〈〉「」【】...)
ASCII_PUNCT_IN_CHINESE = 4.5  # "," or "?" touching an ideograph: possible, but less usual than "，"
LONE_ASCII = 8.0       # a single ASCII character between two ideographs ("进入A股" is rare)
_FLAT = {"neutral": NEUTRAL, "symbol": RARE_SYMBOL, "odd": SUSPICIOUS, "garbage": GARBAGE}
_NON_TEXT = frozenset({"latin", "odd", "garbage"})
_CLAUSE_PUNCT = frozenset("。，、；：？！")
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
#: Chinese punctuation by how common it is in news prose (，is the most frequent).
_PUNCT_COST = {"，": 3.0, "。": 3.2, "、": 4.0, "“": 4.0, "”": 4.0, "：": 4.2, "《": 4.5, "》": 4.5,
               "（": 4.5, "）": 4.5, "；": 4.8, "？": 5.0, "！": 5.0}
_NO_CLAUSE_PUNCT_AFTER = frozenset("。，、；：？！?!,;:“‘（《〈「『【 \t\u3000")


class CharLM:
    """Word-unigram model over jieba's dictionary, scoring runs of ideographs by their
    most probable segmentation (like jieba's own DAG), plus flat costs for the rest."""

    def __init__(self, lex: lexicon.Lexicon) -> None:
        self.words = lex.words
        longest: dict[str, int] = {}
        for w in lex.words:
            if len(w) > longest.get(w[0], 1):
                longest[w[0]] = len(w)
        self.longest = {c: min(n, _MAX_WORD) for c, n in longest.items()}  # longest word starting with c
        self.uni = lex.unigrams
        self.log_total = math.log(sum(lex.words.values()))
        self._fold = script.tables().table
        self.tuni = lex.text_unigrams
        self.tbi = lex.text_bigrams
        followers: dict[str, int] = {}
        preceders: dict[str, int] = {}
        for pair in lex.text_bigrams:
            followers[pair[0]] = followers.get(pair[0], 0) + 1
            preceders[pair[1]] = preceders.get(pair[1], 0) + 1
        self.followers, self.preceders, self.n_pairs = followers, preceders, len(lex.text_bigrams)
        total = sum(lex.text_unigrams.values())
        self.char_costs = {c: math.log(total / n) for c, n in lex.text_unigrams.items() if n}

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one CharLM per process (model()), never freed
    def bigram_cost(self, prev: str, ch: str) -> float:
        """-log P(ch | prev) in running text: absolute discounting backed off to how many
        different characters ``ch`` follows (Kneser-Ney style). ``prev`` "\\n" is a line start."""
        p_cont = (self.preceders.get(ch, 0) + 0.5) / (self.n_pairs + 0.5 * _VOCAB)
        n_prev = self.tuni.get(prev, 0)
        if not n_prev:
            return -math.log(p_cont)
        seen = max(self.tbi.get(prev + ch, 0) - _DISCOUNT, 0.0) / n_prev
        # back-off mass: the discounted pairs plus the pairs seen once (pruned from the table)
        backoff = (_DISCOUNT * self.followers.get(prev, 0) + 1.0) / n_prev
        return -math.log(seen + backoff * p_cont)

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one CharLM per process (model()), never freed
    def word_cost(self, word: str) -> float:
        """-log P(word); a single character that is not a word of its own is scored
        from its frequency inside words, discounted."""
        f = self.words.get(word, 0)
        if len(word) == 1:
            f += 0.1 * self.uni.get(word, 0) + 0.5
        elif not f:
            return math.inf
        return self.log_total - math.log(f)

    def han_run_costs(self, run: str) -> list[float]:
        """Per-character costs of a run of (Simplified) ideographs: the best segmentation's
        word costs, each spread evenly over its characters."""
        n = len(run)
        best = [0.0] + [math.inf] * n
        back = [0] * (n + 1)
        word_cost = self.word_cost
        words = self.words
        longest = self.longest
        for i in range(n):
            base = best[i]
            c = base + word_cost(run[i])
            if c < best[i + 1]:
                best[i + 1] = c
                back[i + 1] = i
            for size in range(2, min(longest.get(run[i], 1), n - i) + 1):
                piece = run[i:i + size]
                if piece in words:
                    c = base + word_cost(piece)
                    if c < best[i + size]:
                        best[i + size] = c
                        back[i + size] = i
        out = [0.0] * n
        j = n
        while j > 0:
            i = back[j]
            share = (best[j] - best[i]) / (j - i)
            for k in range(i, j):
                out[k] = share
            j = i
        return out

    def costs(self, text: str) -> list[float]:
        """Per-character costs of ``text``: the word (or flat) cost of each character
        interpolated with its running-text bigram cost (for ideographs and punctuation)."""
        folded = text.translate(self._fold)
        base = self._base_costs(folded)
        keys = folded.translate(_PD_STYLE)
        bigram = self.bigram_cost
        out = []
        prev = "\n"
        for ch, key, cost in zip(folded, keys, base):
            if ch > "\x7f" and not ch.isspace() and _category(ch) in _TEXTUAL:
                cost = _LAMBDA * cost + (1 - _LAMBDA) * bigram(prev, key)
            out.append(cost)
            prev = key
        return out

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one CharLM per process (model()), never freed
    def prior(self, prev: str, new: str) -> float:
        """A cheap estimate of the cost of the characters of ``new`` after ``prev`` (one
        character, or empty): each one's flat or single-character word cost, plus its
        bigram with the character before."""
        folded = (prev + new).translate(self._fold)
        keys = folded.translate(_PD_STYLE)
        total = 0.0
        for i in range(len(prev), len(folded)):
            ch = folded[i]
            cat = _category(ch)
            own = self.word_cost(ch) if cat == "han" else _PUNCT_COST.get(ch, _FLAT.get(cat, LATIN1_LETTER))
            total += _LAMBDA * own + (1 - _LAMBDA) * self.bigram_cost(keys[i - 1], keys[i]) if i else own
        return total

    def end_cost(self, last: str) -> float:
        """The cost of a line ending after ``last`` (sentences end with "。", not "、")."""
        key = last.translate(self._fold).translate(_PD_STYLE)
        return (1 - _LAMBDA) * self.bigram_cost(key, "\n")

    def _base_costs(self, folded: str) -> list[float]:
        """Word costs of ideograph runs and flat costs of everything else."""
        cats = [_category(ch) for ch in folded]
        out: list[float] = []
        prev = ""
        i, n = 0, len(folded)
        while i < n:
            ch, cat = folded[i], cats[i]
            if cat == "han":
                j = i
                while j < n and cats[j] == "han":
                    j += 1
                out += self.han_run_costs(folded[i:j])
                prev = folded[j - 1]
                i = j
                continue
            if cat == "latin":
                odd_neighbour = any(0 <= j < n and cats[j] in _NON_TEXT for j in (i - 1, i + 1))
                out.append(SUSPICIOUS if odd_neighbour else LATIN1_LETTER)
            elif ch in _CLAUSE_PUNCT and (not prev or prev in _NO_CLAUSE_PUNCT_AFTER):
                out.append(SUSPICIOUS)  # "。" cannot open a line or follow "，" or "（"
            elif ch == "\u3000" and (not prev or prev.isspace()):
                out.append(NEUTRAL)     # indentation
            elif ch > " " and ch < "\x7f" and 0 < i < n - 1 and cats[i - 1] == "han" and cats[i + 1] == "han":
                out.append(LONE_ASCII)  # one ASCII character inside Chinese: a stripped GBK byte?
            elif ch in _ASCII_PUNCT and any(0 <= j < n and cats[j] == "han" for j in (i - 1, i + 1)):
                out.append(ASCII_PUNCT_IN_CHINESE)
            else:
                out.append(_PUNCT_COST.get(ch, RARE_PUNCT if ch in _NEUTRAL_CHARS else _FLAT[cat]))
            prev = ch
            i += 1
        return out

    def has_unseen(self, text: str) -> bool:
        """Whether a non-ASCII character of ``text`` (Traditional read as Simplified) was never counted."""
        costs = self.char_costs
        return any(c > "\x7f" and not c.isspace() and c not in costs for c in text.translate(self._fold))

    def quick_cost(self, text: str) -> float:
        """Mean unigram cost of the non-ASCII, non-space characters (Traditional scored
        as Simplified; unseen characters cost :data:`UNSEEN`): a fast first look that
        tells Chinese (about 6-7) from text decoded with the wrong codec (11 and up)."""
        get = self.char_costs.get
        costs = [get(c, UNSEEN) for c in text.translate(self._fold) if c > "\x7f" and not c.isspace()]
        return sum(costs) / len(costs) if costs else UNSEEN

    def cost(self, text: str) -> float:
        """Mean cost of the informative (non-ASCII) characters, or of all if there are none."""
        c = self.costs(text)
        informative = [x for x, ch in zip(c, text) if ch > "\x7f"] or c
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

"""Chinese word and character frequencies from jieba's dictionary.

jieba ships ``dict.txt``: about 350,000 Simplified words with corpus frequencies.
From it we derive character unigram counts and within-word character bigram
counts (the "character-level language model" of the repair engine) and keep the
word frequencies for choosing between one-to-many Traditional→Simplified forms.

Parsing the text file takes about a second, so the derived tables are cached
with :mod:`marshal` in the user's cache folder (``$JINGWEN_CACHE`` or
``~/.cache/jingwen``), keyed by the dictionary's size and modification time.
The cache only ever holds plain dicts written by this module.
"""
from __future__ import annotations

import functools
import marshal
import os
import pathlib
import tempfile
from dataclasses import dataclass

_FORMAT = 1


@dataclass(frozen=True)
class Lexicon:
    """Word frequencies plus character unigram and within-word bigram counts."""

    words: dict[str, int]
    unigrams: dict[str, int]
    bigrams: dict[str, int]
    total: int

    def word_freq(self, word: str) -> int:
        return self.words.get(word, 0)


def _dict_path() -> pathlib.Path:
    import jieba  # only for its data file; jieba's segmenter is never loaded

    return pathlib.Path(jieba.__file__).with_name("dict.txt")


def cache_dir() -> pathlib.Path:
    """Folder for derived tables (``$JINGWEN_CACHE`` or ``~/.cache/jingwen``)."""
    root = os.environ.get("JINGWEN_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "jingwen")
    return pathlib.Path(root)


def _parse(path: pathlib.Path) -> tuple[dict, dict, dict]:
    words: dict[str, int] = {}
    uni: dict[str, int] = {}
    bi: dict[str, int] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ")
            if len(parts) < 2:
                continue
            word, freq = parts[0], int(parts[1])
            words[word] = freq
            for ch in word:
                uni[ch] = uni.get(ch, 0) + freq
            for i in range(len(word) - 1):
                pair = word[i:i + 2]
                bi[pair] = bi.get(pair, 0) + freq
    return words, uni, bi


@functools.lru_cache(maxsize=1)
def load() -> Lexicon:
    """The lexicon, from the marshal cache when it is fresh, else parsed and cached."""
    path = _dict_path()
    st = path.stat()
    cache = cache_dir() / f"lexicon-v{_FORMAT}-{st.st_size}-{int(st.st_mtime)}.marshal"
    try:
        words, uni, bi = marshal.loads(cache.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        words, uni, bi = _parse(path)
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=cache.parent, delete=False) as tmp:
                tmp.write(marshal.dumps((words, uni, bi)))
            os.replace(tmp.name, cache)
        except OSError:
            pass  # a read-only home only costs the parse next time
    return Lexicon(words, uni, bi, sum(uni.values()))

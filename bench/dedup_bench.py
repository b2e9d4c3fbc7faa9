"""Near-duplicate threshold, measured on constructed pairs.

usage: python bench/dedup_bench.py

Pairs:

* the same article under another site's boilerplate: the content lines of a
  labelled page (tests/data/pages) inside its own page and inside the header
  and footer of a page from another site, both cleaned by the real cleaner;
* the same article with one paragraph edited or replaced (the gold texts of
  the five samples, tests/data/gold);
* different articles on the same topic (the five samples are all about trade
  unions and the workforce).

Printed: the exact Jaccard similarity of 5-character shingles, the MinHash
estimate, and whether the pair ends in one cluster at the threshold of
flows/core/dedup.py.
"""
from __future__ import annotations

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import numpy as np  # noqa: E402
from lines_bench import load_pages  # noqa: E402

from jingwen import dedup, document  # noqa: E402


def gold_texts() -> dict[str, str]:
    return {p.name[:3]: json.loads(p.read_text("utf-8"))["text"]
            for p in sorted((ROOT / "tests" / "data" / "gold").glob("*.json"))}


def edit_paragraph(text: str, k: int, every: int) -> str:
    """Rewrite paragraph ``k``: every ``every``-th character of it changed."""
    paras = text.split("\n")
    p = paras[k % len(paras)]
    paras[k % len(paras)] = "".join("改" if i % every == 0 else c for i, c in enumerate(p))
    return "\n".join(paras)


def replace_paragraph(text: str, k: int, other: str) -> str:
    paras = text.split("\n")
    paras[k % len(paras)] = other.split("\n")[1]
    return "\n".join(paras)


def cleaned(lines: list[str]) -> str:
    record, _ = document.clean("\n".join(lines).encode("utf-8"), "page.txt")
    return getattr(record, "text", "")


def rewrapped(count: int = 10) -> list[tuple[str, str, str, bool]]:
    """A page's article in its own boilerplate and in another site's, both cleaned."""
    pages = [p for p in load_pages() if p.labels.count("content") >= 3 and "spam" not in p.labels]
    out = []
    for i, page in enumerate(pages[:count]):
        other = next(q for q in pages[i + 1:] + pages if q.site != page.site)
        first = other.labels.index("content")
        last = len(other.labels) - other.labels[::-1].index("content")
        body = [t for t, label in zip(page.lines, page.labels) if label == "content"]
        moved = other.lines[:first] + body + other.lines[last:]
        out.append((f"same article, other site's boilerplate ({page.id} in {other.site})",
                    cleaned(page.lines), cleaned(moved), True))
    return out


def pairs() -> list[tuple[str, str, str, bool]]:
    """(kind, text a, text b, should be near duplicates)."""
    g = gold_texts()
    out = rewrapped()
    for key, text in g.items():
        out.append(("same article, a paragraph lightly edited (1 char in 10)", text, edit_paragraph(text, 2, 10), True))
        out.append(("same article, a paragraph rewritten (1 char in 3)", text, edit_paragraph(text, 2, 3), True))
        other = g["002" if key != "002" else "000"]
        out.append(("same article, a paragraph replaced by another's", text, replace_paragraph(text, 1, other), True))
    keys = sorted(g)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            out.append((f"different articles, same topic ({a}/{b})", g[a], g[b], False))
    return out


def main() -> list[dict]:
    rows = []
    print(f"| pair | exact Jaccard | MinHash estimate | one cluster at {dedup.THRESHOLD} | expected |")
    print("|---|---:|---:|---|---|")
    for kind, a, b, want in pairs():
        sa, sb = set(dedup.shingles(a).tolist()), set(dedup.shingles(b).tolist())
        exact = len(sa & sb) / len(sa | sb)
        est = dedup.similarity(dedup.signature(a), dedup.signature(b))
        together = len({c for c, _ in dedup.clusters(["a", "b"], np.stack(
            [dedup.signature(a), dedup.signature(b)])).values()}) == 1
        rows.append({"kind": kind, "exact": exact, "estimate": est, "together": together, "want": want})
        print(f"| {kind} | {exact:.3f} | {est:.3f} | {'yes' if together else 'no'} | {'yes' if want else 'no'} |")
    right = sum(r["together"] == r["want"] for r in rows)
    print(f"\n{right}/{len(rows)} pairs as expected")
    return rows


if __name__ == "__main__":
    main()

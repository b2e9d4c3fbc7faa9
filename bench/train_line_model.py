"""Fit the line model on the labelled real pages and write ``jingwen/data/line_model.json``.

usage: python bench/train_line_model.py [--lines ../shared/devset-lines] [--out FILE]

Every page of ``devset-lines/pages/*.json`` is cleaned as a raw file would be
(``document.prepare``: decoding, repairs, normalization), each prepared line
gets its hand label back through its line number, and the rules' labels and the
line features of :func:`jingwen.page.lines.line_features` are computed as in a
run. The fit is deterministic (numpy, full batch, from zeros), so the same pages
give the same file.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys
from dataclasses import dataclass

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jingwen import document  # noqa: E402
from jingwen.page import linemodel, lines, shapes  # noqa: E402
from jingwen.schema import Reject  # noqa: E402
from jingwen.text.chars import han_count  # noqa: E402

DEFAULT_LINES = ROOT.parent / "shared" / "devset-lines"
#: Content lines weigh more: losing article text is worse than keeping a line of chrome.
CLASS_WEIGHT = {"content": 3.0}


@dataclass
class Page:
    name: str
    site: str
    texts: list[str]            # prepared (normalized) lines
    gold: list[str]             # the hand label of each
    features: np.ndarray
    rules: list[str | None]


def load_pages(folder: pathlib.Path) -> list[Page]:
    pages = []
    for path in sorted((folder / "pages").glob("*.json")):
        d = json.loads(path.read_text("utf-8"))
        raw = "\n".join(line["text"] for line in d["lines"])
        prep = document.prepare(raw.encode("utf-8"), path.name)
        if isinstance(prep, Reject):
            continue
        gold = [d["lines"][n - 1]["label"] for n in prep.line_numbers]
        # a line the core split (a dateline or boilerplate glued to it): the hand label
        # holds for its piece with the most ideographs, the other pieces are glued boilerplate
        main_piece = {}
        for k, n in enumerate(prep.line_numbers):
            if n not in main_piece or han_count(prep.lines[k]) > han_count(prep.lines[main_piece[n]]):
                main_piece[n] = k
        gold = [g if main_piece[n] == k or g == "blank" else "other"
                for k, (g, n) in enumerate(zip(gold, prep.line_numbers))]
        keep = [g != "blank" for g in gold]
        texts = [t for t, k in zip(prep.lines, keep) if k]
        gold = [g for g, k in zip(gold, keep) if k]
        found, rules = lines.rule_labels(texts)
        x, _ = lines.line_features(found, rules)
        pages.append(Page(path.stem, d.get("site") or path.stem, texts, gold, x, rules))
    return pages


def train(pages: list[Page]) -> linemodel.LineModel:
    x = np.vstack([p.features for p in pages if len(p.texts)])
    y = [g for p in pages for g in p.gold]
    _, names = lines.line_features([shapes.Line.of("x")], [None])
    return linemodel.fit(x, y, lines.MODEL_CLASSES, names, class_weight=CLASS_WEIGHT)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lines", type=pathlib.Path, default=DEFAULT_LINES)
    ap.add_argument("--out", type=pathlib.Path, default=linemodel.MODEL_FILE)
    args = ap.parse_args()
    pages = load_pages(args.lines)
    model = train(pages)
    args.out.write_text(model.to_json() + "\n", "utf-8")
    print(f"fitted on {len(pages)} pages, {sum(len(p.texts) for p in pages)} lines -> {args.out}")


if __name__ == "__main__":
    main()

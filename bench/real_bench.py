"""Quality on real scrapes nobody here wrote: the devset's checklists and the labelled real pages.

usage: python bench/real_bench.py [--shared ../shared] [--folds 10]

Prints, as Markdown:

* **devset** (``SHARED/devset``): every raw file cleaned by ``jingwen clean``'s
  core and scored by ``SHARED/eval/score_checks.py``: the check rate, documents
  fully right, and metadata right per field;
* **labelled lines** (``SHARED/devset-lines``): content-line recall,
  boilerplate-line recall, recall per hand label, and the title, for the rules
  alone, for the committed model (fitted on these pages: a fitted figure), and
  **leaving sources out**: the pages are split by site into ``--folds`` groups,
  and each group is classified by a model fitted on the other groups only (the
  figure that predicts sites we have not seen).
"""
from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile
import zlib
from collections import Counter
from dataclasses import asdict

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from train_line_model import Page, load_pages, train  # noqa: E402

from jingwen import document  # noqa: E402
from jingwen.page import lines  # noqa: E402

#: Gold labels whose lines belong in the text, and those that go to fields.
KEEP = {"content"}
FIELDS = {"title", "byline", "dateline"}
META = ("title", "author", "published_at", "source", "site")


def devset(shared: pathlib.Path) -> None:
    raw = sorted((shared / "devset" / "raw").iterdir())
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as out:
        for path in raw:
            result = document.clean_document(path.read_bytes(), path.name)
            row = asdict(result)
            if isinstance(result, document.Reject):
                row["reject"] = True
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    score = subprocess.run([sys.executable, str(shared / "eval" / "score_checks.py"), out.name, "-v"],
                           capture_output=True, text=True, check=True).stdout
    records = {json.loads(line)["raw_file"]: json.loads(line) for line in open(out.name, encoding="utf-8")}
    pathlib.Path(out.name).unlink()
    meta_ok: Counter = Counter()
    meta_all: Counter = Counter()
    for check_path in sorted((shared / "devset" / "checks").glob("*.json")):
        check = json.loads(check_path.read_text("utf-8"))
        rec = records.get(check["raw_file"], {})
        for field, want in check.get("meta", {}).items():
            meta_all[field] += 1
            meta_ok[field] += _meta_right(rec.get(field), want)
    print(f"## Devset ({len(raw)} real scrapes, {shared / 'devset'})\n")
    print("- " + score.strip().splitlines()[-1])
    print("- metadata right: " + ", ".join(f"{f} {meta_ok[f]}/{meta_all[f]}" for f in META if meta_all[f]))
    failing = [line for line in score.splitlines() if line.strip() and not line.startswith(("overall", " "))
               and "/" in line and line.split()[-1].split("/")[0] != line.split()[-1].split("/")[1]]
    print(f"- documents with a failed check: {len(failing)}\n")


def _meta_right(got: str | None, want: str | None) -> bool:
    if want is None:
        return got is None
    if got is None:
        return False
    if len(want) == 10 and got[:10] == want:  # a date where the checklist gives only the date
        return True
    return got == want


def _labels(page: Page, model) -> list[str]:
    return lines.classify(page.texts, model=model)


def line_scores(pages: list[Page], labelled: list[list[str]]) -> dict:
    """Content recall, boilerplate recall, per-label recall and titles."""
    by_gold: Counter = Counter()
    right: Counter = Counter()
    titles = [0, 0]
    for page, labels in zip(pages, labelled):
        kept = {t for t, lab in zip(page.texts, labels) if lab == lines.CONTENT}
        for text, gold, ours in zip(page.texts, page.gold, labels):
            by_gold[gold] += 1
            if gold in KEEP:  # a second copy of a kept line is cut as it should be (the labels keep both)
                right[gold] += ours == lines.CONTENT or (ours == "duplicate" and text in kept)
            else:
                right[gold] += ours != lines.CONTENT
        gold_titles = {t for t, g in zip(page.texts, page.gold) if g == "title"}
        ours = next((t for t, lab in zip(page.texts, labels) if lab == lines.TITLE), None)
        titles[0] += (ours in gold_titles) if ours else not gold_titles
        titles[1] += 1
    junk = [g for g in by_gold if g not in KEEP | FIELDS]
    return {
        "content_recall": right["content"] / max(1, by_gold["content"]),
        "boilerplate_recall": sum(right[g] for g in junk) / max(1, sum(by_gold[g] for g in junk)),
        "fields_out_of_text": sum(right[g] for g in FIELDS) / max(1, sum(by_gold[g] for g in FIELDS)),
        "per_label": {g: (right[g], by_gold[g]) for g in sorted(by_gold, key=lambda g: -by_gold[g])},
        "titles": titles,
    }


def folds_by_site(pages: list[Page], k: int) -> list[list[int]]:
    groups: list[list[int]] = [[] for _ in range(k)]
    for i, p in enumerate(pages):
        groups[zlib.crc32(p.site.encode("utf-8")) % k].append(i)
    return [g for g in groups if g]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=pathlib.Path, default=ROOT.parent / "shared")
    ap.add_argument("--folds", type=int, default=10)
    args = ap.parse_args()
    if not (args.shared / "devset").is_dir():
        sys.exit(f"no devset under {args.shared}: pass --shared")
    devset(args.shared)
    pages = load_pages(args.shared / "devset-lines")
    runs = {"rules alone": [_labels(p, None) for p in pages],
            "committed model (fitted on these pages)": [_labels(p, True) for p in pages]}
    held_out: list[list[str]] = [[] for _ in pages]
    for group in folds_by_site(pages, args.folds):
        model = train([p for i, p in enumerate(pages) if i not in set(group)])
        for i in group:
            held_out[i] = _labels(pages[i], model)
    runs[f"sources left out ({args.folds} folds by site)"] = held_out
    n_lines = sum(len(p.texts) for p in pages)
    print(f"## Labelled real lines ({len(pages)} pages, {n_lines} non-blank lines)\n")
    print("| classifier | content recall | boilerplate recall | title/byline/dateline out of text | titles |")
    print("|---|---:|---:|---:|---:|")
    scores = {name: line_scores(pages, labelled) for name, labelled in runs.items()}
    for name, s in scores.items():
        print(f"| {name} | {s['content_recall']:.3f} | {s['boilerplate_recall']:.3f} | "
              f"{s['fields_out_of_text']:.3f} | {s['titles'][0]}/{s['titles'][1]} |")
    print("\n| hand label | lines | " + " | ".join(scores) + " |")
    print("|---|---:|" + "---:|" * len(scores))
    first = next(iter(scores.values()))
    for label, (_, total) in first["per_label"].items():
        cells = " | ".join(f"{s['per_label'][label][0] / max(1, total):.3f}" for s in scores.values())
        print(f"| {label} | {total} | {cells} |")
    print("\n(content: share kept in the text; every other label: share kept out of it)")


if __name__ == "__main__":
    main()

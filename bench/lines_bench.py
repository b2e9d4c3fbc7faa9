"""Line classifier and metadata, measured on the labelled pages of ``tests/data/pages``.

usage: python bench/lines_bench.py [--show-errors]

Every page is cleaned by the pure core (``clean_document``), with the
cross-document sketch of all pages of its site, exactly as a run does. Printed:

* content recall (content lines kept) and boilerplate precision (cut lines that
  are really not content) overall; ``caption`` and ``ambiguous`` lines are free;
* per gold label: how many lines, and how many were cut;
* per reason we gave: how many lines, and how many of them were not content;
* metadata: share of title, author, published_at and source right (the rules
  of ``../shared/eval/score.py``: a null must stay null).
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import pathlib
import sys
from collections import Counter, defaultdict

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jingwen import document  # noqa: E402
from jingwen.page.linefreq import LineSketch  # noqa: E402

PAGES = ROOT / "tests" / "data" / "pages"
FREE = {"caption", "ambiguous"}
KEEP = {"content"}
META = ("title", "author", "published_at", "source")


@dataclasses.dataclass
class Page:
    id: str
    labels: list[str]
    lines: list[str]
    meta: dict

    @property
    def site(self) -> str:
        return self.id.split("-")[0]


def load_pages(folder: pathlib.Path = PAGES) -> list[Page]:
    pages: list[Page] = []
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_text("utf-8").splitlines():
            if line.startswith("=== "):
                pages.append(Page(line[4:].strip(), [], [], {}))
            elif line.startswith("@") and pages:
                key, _, value = line[1:].partition(" ")
                pages[-1].meta[key] = value.strip()
            elif " | " in line and pages:
                label, _, text = line.partition(" | ")
                pages[-1].labels.append(label.strip())
                pages[-1].lines.append(text)
    return pages


def _same_time(gold: str, got: str | None) -> bool:
    if not got:
        return False
    g, o = dt.datetime.fromisoformat(gold), dt.datetime.fromisoformat(got)
    return (o.replace(tzinfo=g.tzinfo) if o.tzinfo is None else o) == g


def meta_right(field: str, gold: str | None, got: str | None) -> bool:
    got = (got or "").strip()
    if not gold:
        return not got
    if field == "published_at":
        return _same_time(gold, got)
    if field == "source":
        strip = lambda s: s.replace("《", "").replace("》", "").strip()  # noqa: E731
        return bool(got) and (strip(gold) in strip(got) or strip(got) in strip(gold))
    return got == gold


@dataclasses.dataclass
class Result:
    page: Page
    cut: dict[int, str]       # line index -> reason we gave
    fields: dict


def run(pages: list[Page]) -> list[Result]:
    prepared = {p.id: document.prepare("\n".join(p.lines).encode("utf-8"), p.id + ".txt") for p in pages}
    sketch = LineSketch()
    sketch.add_documents((prep.lines, pages[i].site) for i, prep in enumerate(prepared.values())
                         if isinstance(prep, document.Prepared))
    results = []
    for page in pages:
        prep = prepared[page.id]
        if isinstance(prep, document.Reject):
            results.append(Result(page, {i: prep.reason for i in range(len(page.lines))}, {}))
            continue
        record, removed = document.finish(prep, sketch.frequent(prep.lines, page.site))
        cut = {r.line - 1: r.reason for r in removed}
        kept_numbers = set(prep.line_numbers)
        for i in range(len(page.lines)):  # lines normalization dropped (blank) count as cut
            if i + 1 not in kept_numbers:
                cut[i] = "blank"
        fields = dataclasses.asdict(record) if isinstance(record, document.Record) else {}
        results.append(Result(page, cut, fields))
    return results


def report(results: list[Result], show_errors: bool = False) -> dict:
    by_gold: dict[str, Counter] = defaultdict(Counter)
    by_reason: dict[str, Counter] = defaultdict(Counter)
    meta_ok: Counter = Counter()
    errors = []
    for r in results:
        for i, (label, text) in enumerate(zip(r.page.labels, r.page.lines)):
            was_cut = i in r.cut
            by_gold[label]["lines"] += 1
            by_gold[label]["cut"] += was_cut
            if label in FREE:
                continue
            if was_cut:
                by_reason[r.cut[i]]["lines"] += 1
                by_reason[r.cut[i]]["right"] += label not in KEEP
            if (label in KEEP) == was_cut:
                errors.append(f"{r.page.id}: {label} line {'cut as ' + r.cut[i] if was_cut else 'kept'}: {text}")
        for field in META:
            ok = meta_right(field, r.page.meta.get(field), r.fields.get(field))
            meta_ok[field] += ok
            if not ok:
                errors.append(f"{r.page.id}: {field} want {r.page.meta.get(field)!r} got {r.fields.get(field)!r}")
    content = by_gold["content"]
    recall = (content["lines"] - content["cut"]) / max(1, content["lines"])
    cut_total = sum(c["lines"] for c in by_reason.values())
    precision = sum(c["right"] for c in by_reason.values()) / max(1, cut_total)
    junk = sum(c["lines"] for lab, c in by_gold.items() if lab not in KEEP | FREE)
    junk_cut = sum(c["cut"] for lab, c in by_gold.items() if lab not in KEEP | FREE)
    n = len(results)
    print(f"## Line classifier on {n} labelled pages ({sum(len(r.page.lines) for r in results)} lines)\n")
    kept = content["lines"] - content["cut"]
    right = sum(c["right"] for c in by_reason.values())
    print(f"- content recall: **{recall:.3f}** ({kept}/{content['lines']} content lines kept)")
    print(f"- boilerplate precision: **{precision:.3f}** ({right}/{cut_total} cut lines are not content)")
    print(f"- boilerplate recall: {junk_cut / max(1, junk):.3f} ({junk_cut}/{junk} non-content lines cut)")
    print("- metadata right: " + ", ".join(f"{f} {meta_ok[f]}/{n}" for f in META))
    print("\n| gold label | lines | cut | kept |")
    print("|---|---:|---:|---:|")
    for label, c in sorted(by_gold.items(), key=lambda kv: -kv[1]["lines"]):
        print(f"| {label} | {c['lines']} | {c['cut']} | {c['lines'] - c['cut']} |")
    print("\n| reason given | lines | not content (precision) |")
    print("|---|---:|---:|")
    for reason, c in sorted(by_reason.items(), key=lambda kv: -kv[1]["lines"]):
        print(f"| {reason} | {c['lines']} | {c['right']} ({c['right'] / c['lines']:.2f}) |")
    if show_errors and errors:
        print("\nErrors:")
        for e in errors:
            print(" -", e)
    return {"content_recall": recall, "boilerplate_precision": precision,
            "meta": {f: meta_ok[f] / max(1, n) for f in META}, "errors": errors}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show-errors", action="store_true", help="list every wrong line and field")
    args = ap.parse_args()
    report(run(load_pages()), args.show_errors)


if __name__ == "__main__":
    main()

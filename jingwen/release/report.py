"""``report.html``: one self-contained page about a release.

Inline CSS and inline SVG charts, no script and no link to anything outside
the page, so it renders the same offline, from a download, or from a file
server. It shows the counts, repairs by kind, cuts and rejects by reason,
document lengths, documents per source and per month, every expectation's
result, the changes against the previous release, and a few documents with
their raw text beside the cleaned one, the differences highlighted.
"""
from __future__ import annotations

import difflib
import html
import math
from collections import Counter

#: Upper bounds of the document length histogram (characters).
LENGTH_BINS = [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600]
EXAMPLE_CHARS = 1500  # of each side of an example
TOP_SOURCES = 50  # sources named in the manifest's profile; the rest are "other"

_CSS = """
body{font:15px/1.55 system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;
color:#1d2433;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 10px;border-bottom:1px solid #d8dce3;
padding-bottom:4px}h3{font-size:15px;margin:14px 0 6px}
.sub{color:#5b6475}.cards{display:flex;flex-wrap:wrap;gap:12px;margin-top:16px}
.card{background:#fff;border:1px solid #d8dce3;border-radius:8px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:24px}.grid{display:grid;grid-template-columns:1fr 1fr;gap:18px}
figure{background:#fff;border:1px solid #d8dce3;border-radius:8px;margin:0;padding:12px}
figcaption{font-weight:600;margin-bottom:6px}svg text{font-size:12px;fill:#1d2433}
table{border-collapse:collapse;background:#fff;width:100%}td,th{border:1px solid #d8dce3;padding:4px 8px;
text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.pair pre{white-space:pre-wrap;word-break:break-all;background:#fff;border:1px solid #d8dce3;
border-radius:6px;padding:8px;margin:0;font:13px/1.6 "Noto Sans Mono CJK SC",monospace;max-height:420px;overflow:auto}
del{background:#ffd7d5;text-decoration:line-through}ins{background:#ccf0d6;text-decoration:none}
.empty{color:#5b6475;font-style:italic}
@media (max-width:800px){.grid,.pair{grid-template-columns:1fr}}
"""


def length_bin(n: int) -> str:
    """The histogram bin of a document of ``n`` characters."""
    low = 0
    for high in LENGTH_BINS:
        if n < high:
            return f"{low}–{high - 1}"
        low = high
    return f"≥{LENGTH_BINS[-1]}"


def length_bins() -> list[str]:
    """Every bin label, in order."""
    return [length_bin(0)] + [length_bin(b) for b in LENGTH_BINS]


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def bar_chart(counts: dict[str, int], label: str, top: int = 15) -> str:
    """Horizontal bars, largest first (the rest summed as 'other'), as inline SVG."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(items) > top:
        items = items[:top - 1] + [("other", sum(v for _, v in items[top - 1:]))]
    if not items:
        return f'<p class="empty">no {label}</p>'
    width, row, left = 520, 22, 170
    most = max(v for _, v in items) or 1
    parts = [f'<svg role="img" aria-label="{_esc(label)}" class="chart" width="{width}" '
             f'height="{row * len(items) + 6}" viewBox="0 0 {width} {row * len(items) + 6}">']
    for i, (name, value) in enumerate(items):
        y = i * row + 3
        w = max(1.0, (width - left - 70) * value / most)
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{_esc(name)[:28]}</text>'
                     f'<rect x="{left}" y="{y + 2}" width="{w:.1f}" height="{row - 6}" fill="#4f7cc9">'
                     f'<title>{_esc(name)}: {value:,}</title></rect>'
                     f'<text x="{left + w + 5:.1f}" y="{y + 14}">{value:,}</text>')
    parts.append("</svg>")
    return "".join(parts)


def column_chart(labels: list[str], values: list[int], label: str) -> str:
    """Vertical columns in the given order (a histogram, a time series), as inline SVG."""
    if not labels or not any(values):
        return f'<p class="empty">no {label}</p>'
    width, height, bottom, left = 520, 210, 62, 40
    step = min(60.0, (width - left) / len(labels))
    most = max(values) or 1
    parts = [f'<svg role="img" aria-label="{_esc(label)}" class="chart" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}">']
    every = max(1, math.ceil(len(labels) / 12))
    for i, (name, value) in enumerate(zip(labels, values)):
        h = (height - bottom - 16) * value / most
        x = left + i * step
        parts.append(f'<rect x="{x + 2:.1f}" y="{height - bottom - h:.1f}" width="{max(1.0, step - 4):.1f}" '
                     f'height="{h:.1f}" fill="#4f7cc9"><title>{_esc(name)}: {value:,}</title></rect>')
        if i % every == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom + 14}" text-anchor="end" '
                         f'transform="rotate(-35 {x + step / 2:.1f} {height - bottom + 14})">{_esc(name)}</text>')
    parts.append(f'<text x="0" y="12">max {most:,}</text></svg>')
    return "".join(parts)


def highlight(raw: str, clean: str) -> tuple[str, str]:
    """The two texts as HTML, what the cleaning removed or replaced in ``<del>`` on the
    left and what it put in as ``<ins>`` on the right (character diff)."""
    raw, clean = raw[:EXAMPLE_CHARS], clean[:EXAMPLE_CHARS]
    left, right = [], []
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, raw, clean, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(_esc(raw[a0:a1]))
            right.append(_esc(clean[b0:b1]))
            continue
        if a1 > a0:
            left.append(f"<del>{_esc(raw[a0:a1])}</del>")
        if b1 > b0:
            right.append(f"<ins>{_esc(clean[b0:b1])}</ins>")
    return "".join(left), "".join(right)


def counts_text(items: list[dict] | None, key: str) -> str:
    """``[{kind: a, count: 2}, ...]`` → ``a 2, ...`` (``none`` when empty)."""
    return ", ".join(f"{item[key]} {item['count']}" for item in items or []) or "none"


def _table(header: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>"
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(caption: str, chart: str) -> str:
    return f"<figure><figcaption>{_esc(caption)}</figcaption>{chart}</figure>"


def _expectations(results: list[dict]) -> str:
    if not results:
        return '<p class="empty">no expectation results recorded</p>'
    rows = [[_esc(r["name"]), _esc(r["type"]),
             '<span class="pass">pass</span>' if r["success"] else '<span class="fail">fail</span>',
             f'{r["unexpected"]:,}'] for r in results]
    failed = sum(not r["success"] for r in results)
    return (f"<p>{len(results)} expectations, {failed} failed (failing rows are rejected, see above). "
            'Great Expectations\' result of the checks over the whole release (the <code>release</code> '
            'checkpoint): <a href="validation/release.json">validation/release.json</a>.</p>'
            + _table(["expectation", "type", "result", "failing rows"], rows, {3}))


def _changes(manifest: dict) -> str:
    c = manifest.get("changes") or {}
    if not c.get("previous"):
        intro = "<p>The first release of this dataset: every record is new.</p>"
    else:
        intro = (f"<p>Against {_esc(c['previous'])}: <b>{c['added']:,}</b> added, <b>{c['removed']:,}</b> removed, "
                 f"<b>{c['changed']:,}</b> changed, {c['unchanged']:,} unchanged "
                 f"(ids in <code>changes.json</code>).</p>")
    history = [[_esc(e.get("version")), _esc(e.get("date")), f'{e.get("records", 0):,}', f'{e.get("rejects", 0):,}',
                f'{e.get("added", 0):,}', f'{e.get("removed", 0):,}', f'{e.get("changed", 0):,}']
               for e in reversed(manifest.get("changelog", []))]
    return intro + _table(["version", "date", "records", "rejects", "added", "removed", "changed"], history,
                          {2, 3, 4, 5, 6})


def _examples(examples: list[dict]) -> str:
    if not examples:
        return '<p class="empty">no examples (the raw files were not at hand when the release was written)</p>'
    out = []
    for ex in examples:
        left, right = highlight(ex["raw_text"], ex["text"])
        repairs, cuts = counts_text(ex.get("repairs"), "kind"), counts_text(ex.get("cuts"), "reason")
        out.append(f"<h3>{_esc(ex.get('title') or ex['raw_file'])}</h3>"
                   f'<p class="sub"><code>{_esc(ex["raw_file"])}</code> · id <code>{_esc(ex["id"])}</code> · '
                   f"read as {_esc(ex['encoding'])} · repairs: {_esc(repairs)} · cuts: {_esc(cuts)}</p>"
                   f'<div class="pair"><div><b>raw</b><pre>{left}</pre></div>'
                   f"<div><b>cleaned</b><pre>{right}</pre></div></div>")
    return "".join(out)


def render_report(manifest: dict, examples: list[dict]) -> str:
    """The page for a release, from its manifest (with ``profile``) and examples."""
    counts, profile = manifest["counts"], manifest.get("profile", {})
    work = manifest.get("work", {})
    cards = [("records", counts["records"]), ("rejects", counts["rejects"]),
             ("lines cut", counts["removed_lines"]), ("repairs", sum(manifest["repairs_by_kind"].values())),
             ("raw files", manifest.get("raw", {}).get("files", counts["records"] + counts["rejects"])),
             ("cleaned this run", work.get("cleaned", 0)), ("reused", work.get("reused", 0))]
    lengths = profile.get("lengths", {})
    months = profile.get("by_month", {})
    month_labels = sorted(m for m in months if m != "unknown")
    charts = [
        _figure("Repairs by kind (edits)", bar_chart(manifest["repairs_by_kind"], "repairs")),
        _figure("Lines cut by reason", bar_chart(manifest["cuts_by_reason"], "cuts")),
        _figure("Rejected files by reason", bar_chart(manifest["rejects_by_reason"], "rejects")),
        _figure("Document length (characters)",
                column_chart(list(lengths), list(lengths.values()), "document lengths")),
        _figure("Documents per source", bar_chart(profile.get("by_source", {}), "sources")),
        _figure(f"Documents per month (unknown date: {months.get('unknown', 0):,})",
                column_chart(month_labels, [months[m] for m in month_labels], "dates")),
    ]
    title = f"{manifest['name']} {manifest['version']}"
    return f"""<!DOCTYPE html>
<html lang="zh-Hans"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{_esc(title)} — release report</title><style>{_CSS}</style></head>
<body><main>
<h1>{_esc(title)}</h1>
<p class="sub">created {_esc(manifest.get('created_at', ''))} · schema {_esc(manifest.get('schema_version', ''))} ·
pipeline {_esc(manifest.get('pipeline_version', ''))} ·
raw root <code>{_esc(manifest.get('raw', {}).get('root', ''))}</code></p>
<div class="cards">{''.join(f'<div class="card"><b>{v:,}</b>{_esc(k)}</div>' for k, v in cards)}</div>
<h2>What happened</h2>
<div class="grid">{''.join(charts)}</div>
<h2>Expectations</h2>
{_expectations(manifest.get('expectations', []))}
<h2>Changes</h2>
{_changes(manifest)}
<h2>Examples: raw beside cleaned</h2>
<p class="sub">Struck out on the left: removed or replaced; highlighted on the right: put in.
The raw side is the file's bytes read as the encoding named (mojibake shows as it was scraped).</p>
{_examples(examples)}
</main></body></html>
"""


def profile_counts(lengths: Counter, sources: Counter, months: Counter) -> dict:
    """The ``profile`` block of the manifest from running counters."""
    top = sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(top) > TOP_SOURCES:
        top = top[:TOP_SOURCES] + [("other", sum(v for _, v in top[TOP_SOURCES:]))]
    return {"lengths": {b: lengths.get(b, 0) for b in length_bins()},
            "by_source": dict(top),
            "by_month": dict(sorted(months.items()))}

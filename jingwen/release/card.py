"""The dataset card (``README.md`` of a release), Hugging Face style.

YAML front matter declares the Parquet files as the only config (a JSONL config
beside it would break on the Hub), the features, license, language and size
category; the body documents every column, the counts and the changes.
"""
from __future__ import annotations

import pyarrow as pa

_HF_TYPES = {pa.string(): "string", pa.int64(): "int64", pa.bool_(): "bool"}


def _size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                        (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M")):
        if n < limit:
            return name
    return "10M<n<100M"


def _feature_yaml(name: str, typ: pa.DataType) -> list[str]:
    if pa.types.is_list(typ):
        out = [f"  - name: {name}", "    list:"]
        for f in typ.value_type:
            out.append(f"    - name: {f.name}")
            out.append(f"      dtype: {_HF_TYPES[f.type]}")
        return out
    return [f"  - name: {name}", f"    dtype: {_HF_TYPES[typ]}"]


def _table(counts: dict, head: str) -> list[str]:
    if not counts:
        return ["(none)"]
    return [f"| {head} | count |", "|---|---:|"] + [f"| `{k}` | {v} |" for k, v in counts.items()]


def _changes_line(c: dict) -> str:
    if not c.get("previous"):
        return "First release."
    return (f"Against {c['previous']}: {c['added']} added, {c['removed']} removed, {c['changed']} changed, "
            f"{c['unchanged']} unchanged (ids in `changes.json`).")


def render_card(manifest: dict, columns: list[tuple[str, pa.DataType, str]]) -> str:
    """The card for a release described by ``manifest``."""
    n = manifest["counts"]["records"]
    features = [line for name, typ, _ in columns for line in _feature_yaml(name, typ)]
    lines = [
        "---",
        "language:",
        "- zh",
        "license: other",
        "license_name: news-articles-third-party",
        "license_details: The articles belong to their publishers; this card and the cleaning are Apache-2.0.",
        f"pretty_name: {manifest['name']}",
        "size_categories:",
        f"- {_size_category(n)}",
        "task_categories:",
        "- text-generation",
        "configs:",
        "- config_name: default",
        "  data_files:",
        "  - split: train",
        "    path: data/train-*.parquet",
        "dataset_info:",
        "  features:",
        *features,
        "  splits:",
        "  - name: train",
        f"    num_examples: {n}",
        "---",
        "",
        f"# {manifest['name']} {manifest['version']}",
        "",
        "Chinese news articles cleaned by [jingwen](https://example.invalid/jingwen): encoding damage",
        "repaired, site boilerplate and spam cut, headline/byline/date/outlet pulled into fields,",
        "text normalized to Simplified Chinese, every record validated with Great Expectations.",
        "",
        "## Files",
        "",
        "- `data/*.parquet`: the records (the dataset's only config).",
        "- `jsonl/*.jsonl.gz`: the same rows as JSON lines (UTF-8, not escaped), for tools without Parquet.",
        "- `rejects/rejects.parquet`: raw files that did not become records, with the reason.",
        "- `removed_lines/removed_lines.parquet`: every line cut from a record, with the reason.",
        "- `changes.json`: the ids added, removed and changed since the previous release.",
        "- `croissant.json`: the dataset in MLCommons Croissant.",
        "- `report.html`: one offline page with charts of repairs, cuts, rejects, lengths, sources and months, "
        "every expectation's result, the changes, and examples of raw beside cleaned text.",
        "- `MANIFEST.json`: counts, checksums and row counts of every file; `SHA256SUMS`: `sha256sum -c`.",
        "",
        "## Counts",
        "",
        f"- records: {n}",
        f"- rejects: {manifest['counts']['rejects']}",
        f"- removed lines: {manifest['counts']['removed_lines']}",
        "",
        "### Rejects by reason",
        "",
        *_table(manifest.get("rejects_by_reason", {}), "reason"),
        "",
        "### Repairs by kind",
        "",
        *_table(manifest.get("repairs_by_kind", {}), "kind"),
        "",
        "### Lines cut by reason",
        "",
        *_table(manifest.get("cuts_by_reason", {}), "reason"),
        "",
        f"## Schema (version {manifest['schema_version']})",
        "",
        "| column | type | description |",
        "|---|---|---|",
        *[f"| `{name}` | {typ} | {desc} |" for name, typ, desc in columns],
        "",
        "## Changes since the previous release",
        "",
        _changes_line(manifest.get("changes") or {}),
        "",
        "## Changelog",
        "",
        *[f"- {e['date']}: {e['version']}: {e['records']} records, {e['rejects']} rejects; "
          f"{e.get('added', 0)} added, {e.get('removed', 0)} removed, {e.get('changed', 0)} changed"
          for e in reversed(manifest.get("changelog", []))],
        "",
    ]
    return "\n".join(lines)

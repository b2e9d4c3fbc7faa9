"""The dataset card (``README.md`` of a release), Hugging Face style.

YAML front matter declares the Parquet files as the only config (a JSONL config
beside it would break on the Hub), the features, the licence (an SPDX id, or
``other`` with ``license_name`` and ``license_link``), language, size category and
``dataset_info`` with the split's ``num_bytes``; the body says where the articles
come from, what personal information they hold, what is known to be wrong, how to
cite, and documents every column, the counts and the changes.

What the card says about the dataset (name, licence, homepage, citation) is a
:class:`CardInfo`, set by ``jingwen run`` options or a TOML file
(:func:`load_card_info`) and kept in the manifest under ``card``.
"""
from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass

import pyarrow as pa
import yaml

from jingwen.schema import REJECT_COLUMNS, REMOVED_COLUMNS, SCHEMA_CHANGES, TIMESTAMP

_HF_TYPES = {pa.string(): "string", pa.int64(): "int64", pa.bool_(): "bool", pa.date32(): "date32",
             TIMESTAMP: str(TIMESTAMP)}
LICENSE_FILE = "LICENSE.md"
LICENSE_TEXT = """\
# Licence

The articles in this dataset were written and published by the news outlets named
in each record (`source`, `site`) and remain theirs. This dataset grants no licence
to them: check the publishers' terms before you use or republish the texts.

The cleaning (the code of jingwen) is Apache-2.0. The fields jingwen derived
(`repairs`, `cuts`, the ids, hashes and counts) and this card may be used freely.
"""
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
_LICENSE_ID = re.compile(r"^[a-z0-9][a-z0-9.+-]*$")
_URL = re.compile(r"^https?://[^\s/]+\S*$")

# make bench-real on 2026-12-03 (README, "Quality on real scrapes")
KNOWN_LIMITATIONS = [
    "Cleaning is imperfect. Measured on 2026-12-03 (`make bench-real`) on real scrapes nobody on the project "
    "wrote: 97.4% of the devset's checks pass (408 of 419; 37 of 40 documents fully right); on 126 "
    "hand-labelled pages, with whole sources held out, 98.1% of the content lines are kept and 95.2% of the "
    "boilerplate lines are cut. Expect some boilerplate left in and some paragraphs missing.",
    "Metadata is the weakest part: on the devset, titles 5 of 5, authors 4 of 4, dates 12 of 12 and sources "
    "11 of 12 are right, and on the labelled pages the title is right on 114 of 126. A null field means it was "
    "not found, not that the page had none.",
    "Where a page gives only a date (or a month), `published_at` is the start of that day (or month) in "
    "Beijing time in the Parquet and the date itself in the JSONL: read `published_precision` before comparing "
    "times.",
    "Near duplicates are marked, not removed: weight rows by `1/dup_cluster_size` to count each story once.",
    "Where encoding damage destroyed bytes, the repair guesses them (`lost_byte_restored`, `lost_char_guessed` "
    "in `repairs`); `lost_chars` counts the characters that could not be recovered.",
]


@dataclass(frozen=True)
class CardInfo:
    """What the card says about the dataset. ``license`` is an SPDX id as the Hub spells
    it (``cc-by-4.0``) or ``other``, which needs ``license_name`` and ``license_link``
    (a URL; without one the release gets :data:`LICENSE_FILE`). ``citation`` is BibTeX;
    without one the card cites the dataset by name and version."""

    name: str = "jingwen-zh-news"
    pretty_name: str = "Chinese news articles, cleaned by jingwen"
    license: str = "other"
    license_name: str = "news-articles-third-party"
    license_link: str | None = None
    homepage: str | None = None
    citation: str | None = None

    @property
    def writes_license_file(self) -> bool:
        return self.license == "other" and not self.license_link

    @property
    def license_url(self) -> str:
        """Where the licence is written: the link, the release's file, or the SPDX page."""
        if self.license == "other":
            return self.license_link or LICENSE_FILE
        return f"https://spdx.org/licenses/{self.license}.html"


DEFAULT_CARD = CardInfo()


def check_card_info(info: CardInfo) -> CardInfo:
    """``info`` with the licence id lower-cased, or ValueError naming what is wrong."""
    info = dataclasses.replace(info, license=info.license.lower())
    if not _NAME.match(info.name):
        raise ValueError(f"dataset name {info.name!r}: letters, digits, '.', '_' and '-' only (e.g. my-zh-news)")
    if not _LICENSE_ID.match(info.license):
        raise ValueError(f"licence {info.license!r} is not an SPDX id such as cc-by-4.0, or 'other'")
    for what, url in (("license_link", info.license_link), ("homepage", info.homepage)):
        if url is not None and not _URL.match(url):
            raise ValueError(f"{what} {url!r} is not an http(s):// URL")
    if info.license == "other" and not info.license_name:
        raise ValueError("licence 'other' needs a license_name")
    return info


def load_card_info(config: str | None = None, **options: str | None) -> CardInfo:
    """The card info of a TOML file ``config`` (keys: the fields of :class:`CardInfo`),
    overridden by the ``options`` that are not None; ValueError on anything wrong."""
    values: dict = {}
    if config:
        try:
            with open(config, "rb") as fh:
                values = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"cannot read the card config {config}: {exc}") from None
        unknown = sorted(set(values) - {f.name for f in dataclasses.fields(CardInfo)})
        if unknown:
            raise ValueError(f"{config}: unknown keys {', '.join(unknown)}")
    values.update({k: v for k, v in options.items() if v is not None})
    return check_card_info(CardInfo(**values))


def citation(info: CardInfo, version: str, pipeline_version: str) -> str:
    """The BibTeX to cite: the configured one, or a ``@misc`` entry for this version."""
    if info.citation:
        return info.citation.strip()
    fields = [f"  title = {{{info.pretty_name}}}", f"  version = {{{version}}}",
              f"  note = {{Cleaned with jingwen {pipeline_version}}}"]
    if info.homepage:
        fields.append(f"  url = {{{info.homepage}}}")
    return f"@misc{{{re.sub(r'[^A-Za-z0-9]', '_', info.name)},\n" + ",\n".join(fields) + "\n}"


def _size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                        (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M")):
        if n < limit:
            return name
    return "10M<n<100M"


def _feature(name: str, typ: pa.DataType) -> dict:
    if pa.types.is_list(typ):
        return {"name": name, "list": [{"name": f.name, "dtype": _HF_TYPES[f.type]} for f in typ.value_type]}
    return {"name": name, "dtype": _HF_TYPES[typ]}


#: The card's configs: the table, where its Parquet files are (only Parquet: a JSONL
#: config beside a Parquet one breaks on the Hub). ``records`` is the default.
CONFIGS = {"records": "data/train-*.parquet", "rejects": "rejects/*.parquet",
           "removed_lines": "removed_lines/*.parquet"}


def front_matter(manifest: dict, columns: list[tuple[str, pa.DataType, str]]) -> dict:
    """The card's YAML metadata as a dict."""
    info = CardInfo(**manifest["card"])
    tables = {"records": columns, "rejects": REJECT_COLUMNS, "removed_lines": REMOVED_COLUMNS}
    meta: dict = {"language": ["zh"], "license": info.license}
    if info.license == "other":
        meta |= {"license_name": info.license_name, "license_link": info.license_url}
    return meta | {
        "pretty_name": info.pretty_name,
        "size_categories": [_size_category(manifest["counts"]["records"])],
        "task_categories": ["text-generation"],
        "configs": [{"config_name": name, **({"default": True} if name == "records" else {}),
                     "data_files": [{"split": "train", "path": path}]} for name, path in CONFIGS.items()],
        "dataset_info": [{
            "config_name": name,
            "features": [_feature(n, t) for n, t, _ in tables[name]],
            "splits": [{"name": "train", "num_bytes": sizes["num_bytes"], "num_examples": sizes["rows"]}],
            "download_size": sizes["download_size"],
            "dataset_size": sizes["num_bytes"],
        } for name, sizes in manifest["dataset_info"].items()],
    }


def _table(counts: dict, head: str) -> list[str]:
    if not counts:
        return ["(none)"]
    return [f"| {head} | count |", "|---|---:|"] + [f"| `{k}` | {v} |" for k, v in counts.items()]


def _changes_line(c: dict) -> str:
    if not c.get("previous"):
        return "First release."
    return (f"Against {c['previous']}: {c['added']} added, {c['removed']} removed, {c['changed']} changed, "
            f"{c['unchanged']} unchanged (ids in `changes.json`).")


def _changelog_line(e: dict) -> str:
    schema = f" (schema {e['schema_version']})" if "schema_version" in e else ""
    return (f"- {e['date']}: {e['version']}{schema}: {e['records']} records, {e['rejects']} rejects; "
            f"{e.get('added', 0)} added, {e.get('removed', 0)} removed, {e.get('changed', 0)} changed")


def _licence_section(info: CardInfo) -> list[str]:
    if info.license != "other":
        return [f"`{info.license}` ({info.license_url})."]
    if info.writes_license_file:
        return [f"`other` ({info.license_name}): see [`{LICENSE_FILE}`]({LICENSE_FILE}). In short: the "
                "articles belong to their publishers and no licence to them is granted here; the cleaning "
                "code is Apache-2.0."]
    return [f"`other` ({info.license_name}): see {info.license_link}."]


def render_card(manifest: dict, columns: list[tuple[str, pa.DataType, str]]) -> str:
    """The card for a release described by ``manifest``."""
    info = CardInfo(**manifest["card"])
    n = manifest["counts"]["records"]
    yaml_text = yaml.safe_dump(front_matter(manifest, columns), sort_keys=False, allow_unicode=True, width=1000)
    homepage = info.homepage or "none given (set one with `jingwen run --homepage URL`)"
    lines = [
        "---",
        yaml_text.rstrip("\n"),
        "---",
        "",
        f"# {info.pretty_name} {manifest['version']}",
        "",
        "Chinese news articles cleaned by jingwen: encoding damage repaired, site boilerplate and spam cut,",
        "headline/byline/date/outlet pulled into fields, text normalized to Simplified Chinese, every record",
        "validated with Great Expectations.",
        "",
        f"- name: `{info.name}`, version {manifest['version']} (schema {manifest['schema_version']}, "
        f"jingwen {manifest['pipeline_version']})",
        f"- homepage: {homepage}",
        f"- licence: `{info.license}`",
        "",
        "## Files",
        "",
        "- `data/*.parquet`: the records (config `records`, the default).",
        "- `jsonl/*.jsonl.gz`: the same rows as JSON lines (UTF-8, not escaped), for tools without Parquet.",
        "- `rejects/rejects.parquet`: raw files that did not become records, with the reason (config `rejects`).",
        "- `removed_lines/removed_lines.parquet`: every line cut from a record, with the reason (config "
        "`removed_lines`).",
        "- `changes.json`: the ids added, removed and changed since the previous release.",
        "- `croissant.json`: the dataset in MLCommons Croissant.",
        "- `validation/release.json`: Great Expectations' validation result of the checks over the whole release.",
        "- `report.html`: one offline page with charts of repairs, cuts, rejects, lengths, sources and months, "
        "every expectation's result, the changes, and examples of raw beside cleaned text.",
        "- `MANIFEST.json`: counts, checksums and row counts of every file; `SHA256SUMS`: `sha256sum -c`.",
        *([f"- `{LICENSE_FILE}`: the licence."] if info.writes_license_file else []),
        "",
        "## Sources",
        "",
        "The articles were scraped from Chinese news sites. Each record names its raw file (`raw_file`, with "
        "its SHA-256), the outlet credited as its origin (`source`) and the site's own name (`site`) where the "
        "page shows them. Records by outlet credited:",
        "",
        *_table(manifest.get("profile", {}).get("by_source", {}), "source"),
        "",
        "## Personal information",
        "",
        "The `author` column holds bylines as printed: names of journalists and editors (people) or of "
        "organisations. The texts name people in the news, and `removed_lines/` keeps the cut credit lines, "
        "which can hold reporters' and editors' names and contact details. Nothing is anonymised. To have a "
        "document left out, remove its raw file: the next release lists it as removed.",
        "",
        "## Known limitations",
        "",
        *[f"- {item}" for item in KNOWN_LIMITATIONS],
        "",
        "## Licence",
        "",
        *_licence_section(info),
        "",
        "## Citation",
        "",
        "```bibtex",
        citation(info, manifest["version"], manifest["pipeline_version"]),
        "```",
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
        "Schema versions (a column added: minor; a column removed or retyped: major):",
        "",
        *[f"- {version}: {change}" for version, change in reversed(SCHEMA_CHANGES.items())],
        "",
        "## Changes since the previous release",
        "",
        _changes_line(manifest.get("changes") or {}),
        "",
        "## Changelog",
        "",
        *[_changelog_line(e) for e in reversed(manifest.get("changelog", []))],
        "",
    ]
    return "\n".join(lines)

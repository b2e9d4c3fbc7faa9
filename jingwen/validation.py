"""Great Expectations validation of records, shard by shard.

Suites live in ``expectations/*.json`` (plain GX 1.x suite JSON, installed as the
package data ``jingwen.expectations``; ``$JINGWEN_EXPECTATIONS`` names another
folder) and are loaded into an ephemeral context: one context per call, since a GX context shared by
threads validated the wrong DataFrame. Row-level (column map) expectations give
the ids of failing rows, which go to the release's rejects with the
expectation's ``meta.name`` as reason; a failed table-level expectation stops
the release with :class:`TableExpectationFailed`.

``python -m jingwen.validation`` regenerates ``expectations/records.json`` (its
Traditional-only character class comes from OpenCC's tables); a test keeps the
committed file in step.
"""
from __future__ import annotations

import importlib.resources
import json
import logging
import os
import pathlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jingwen.schema import PRECISIONS, RECORD_SCHEMA
from jingwen.text.chars import HAN, TONE_VOWELS

if TYPE_CHECKING:
    import pandas as pd  # imported where used: the cleaning workers import this module, not pandas

_RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": ["id"],
                  "exclude_unexpected_values": True, "return_unexpected_index_query": False}


#: Keys of a GX validation result that change run to run (GX's random ids, times).
_UNSTABLE = {"id", "validation_id", "checkpoint_id", "run_id", "validation_time", "ge_load_time"}


class SuitesError(FileNotFoundError):
    """The expectation suites cannot be found or read."""


class TableExpectationFailed(RuntimeError):
    """A table-level expectation failed: the release must not be written."""


@dataclass
class ShardValidation:
    failed: dict[str, list[str]]   # id -> names of the failed row expectations
    results: list[dict]            # per expectation: name, type, success, unexpected count


def _expectation(type_: str, name: str, description: str, **kwargs) -> dict:
    return {"type": type_, "kwargs": kwargs, "meta": {"name": name, "description": description}}


def records_suite() -> dict:
    """The records suite as GX JSON (written to ``expectations/records.json``)."""
    from jingwen.text import script

    pinyin = f"[{HAN}][(（][a-z{TONE_VOWELS}]{{1,7}}[)）]"
    ws = " \t\u3000\u00a0"
    e = _expectation
    expectations = [
        e("expect_table_columns_to_match_ordered_list", "schema", "the columns are the documented schema",
          column_list=[f.name for f in RECORD_SCHEMA]),
        e("expect_column_values_to_not_be_null", "id_present", "every record has an id", column="id"),
        e("expect_column_values_to_match_regex", "id_format", "id is 16 hex digits", column="id",
          regex="^[0-9a-f]{16}$"),
        e("expect_column_values_to_be_unique", "id_unique", "ids are unique", column="id"),
        e("expect_column_values_to_not_be_null", "raw_file_present", "every record names its raw file",
          column="raw_file"),
        e("expect_column_values_to_match_regex", "raw_sha256_format", "raw_sha256 is 64 hex digits",
          column="raw_sha256", regex="^[0-9a-f]{64}$"),
        e("expect_column_values_to_not_be_null", "text_present", "every record has text", column="text"),
        e("expect_column_value_lengths_to_be_between", "text_length", "text has a sane length",
          column="text", min_value=10, max_value=2_000_000),
        e("expect_column_values_to_not_match_regex", "no_pinyin_annotations",
          "no mirror pinyin left (three annotations close together)", column="text",
          regex=f"(?:{pinyin}[^\n]{{0,40}}){{3}}"),
        e("expect_column_values_to_not_match_regex", "no_private_use", "no private-use characters",
          column="text", regex="[\ue000-\uf8ff]"),
        e("expect_column_values_to_not_match_regex", "no_kunkun", "no 锟斤拷 left", column="text",
          regex="锟斤拷"),
        e("expect_column_values_to_not_match_regex", "no_invisible",
          "no zero-width or control characters", column="text",
          regex="[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u2060\ufeff]"),
        e("expect_column_values_to_not_match_regex", "no_blank_lines", "paragraphs are joined by one newline",
          column="text", regex="\n\n"),
        e("expect_column_values_to_not_match_regex", "no_edge_spaces",
          "no indentation or trailing spaces", column="text",
          regex=f"(?:^|\n)[{ws}]|[{ws}](?:\n|$)"),
        e("expect_column_values_to_not_match_regex", "simplified_only", "no Traditional-only characters",
          column="text", regex=f"[{script.traditional_only_chars()}]"),
        e("expect_column_values_to_be_in_set", "published_precision_known",
          "published_precision is datetime, date or month", column="published_precision",
          value_set=sorted(set(PRECISIONS.values()))),
        e("expect_column_value_lengths_to_be_between", "title_length", "a title is one short line",
          column="title", min_value=1, max_value=200),
        e("expect_column_values_to_not_match_regex", "title_one_line", "a title has no newline",
          column="title", regex="\n"),
        e("expect_column_value_lengths_to_be_between", "author_length", "an author field is short",
          column="author", min_value=1, max_value=100),
        e("expect_column_values_to_be_between", "n_chars_range", "n_chars is positive",
          column="n_chars", min_value=1),
        e("expect_column_values_to_be_between", "lost_chars_range", "lost_chars is not negative",
          column="lost_chars", min_value=0),
        e("expect_column_values_to_match_regex", "dup_cluster_format", "dup_cluster is a record id",
          column="dup_cluster", regex="^[0-9a-f]{16}$"),
        e("expect_column_values_to_be_between", "dup_cluster_size_range", "dup_cluster_size is at least 1",
          column="dup_cluster_size", min_value=1),
    ]
    return {"name": "records", "expectations": expectations,
            "meta": {"description": "Row and table checks of every release's records."}}


def release_suite() -> dict:
    """Checks over the whole release, not one shard (the ``release`` checkpoint's second suite)."""
    e = _expectation
    return {"name": "release", "expectations": [
        e("expect_column_values_to_be_unique", "release_id_unique", "ids are unique over the whole release",
          column="id"),
        e("expect_column_values_to_be_unique", "release_raw_file_unique",
          "each raw file is one record over the whole release", column="raw_file"),
    ], "meta": {"description": "Checks over every data file of a release together."}}


def _gx_suite(gx, suite_json: dict):
    return gx.ExpectationSuite(**{k: v for k, v in suite_json.items() if k in ("name", "expectations", "meta")})


def load_gx():
    """Great Expectations, imported offline (no telemetry); the first call costs 2-3 s and ~225 MB."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations

    return great_expectations


def _quiet_context(gx, **kwargs):
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GX sets this module's logger to INFO itself; its "temporary directory for
    # ephemeral docs site" line is noise in a run's output
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
    ctx = gx.get_context(**kwargs)
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return ctx


def add_release_checkpoint(ctx, suites: list[dict]):
    """The ``release`` checkpoint in the GX context ``ctx``: each suite validated on the
    dataframe asset ``release/records`` (all data files of a release as one frame)."""
    gx = load_gx()

    batch = ctx.data_sources.add_pandas("release").add_dataframe_asset("records") \
        .add_batch_definition_whole_dataframe("all")
    definitions = [ctx.validation_definitions.add(gx.ValidationDefinition(
        name=suite["name"], data=batch, suite=ctx.suites.add(_gx_suite(gx, suite)))) for suite in suites]
    return ctx.checkpoints.add(gx.Checkpoint(name="release", validation_definitions=definitions,
                                             result_format="SUMMARY"))


def check_release(data_dir: pathlib.Path) -> dict:
    """The :func:`release_suite` over every data file in ``data_dir`` together (only the
    columns it reads), through the ``release`` checkpoint: GX's validation result as
    JSON, without the run's times and GX's random ids, so the same release gives the
    same bytes. A failed expectation is :class:`TableExpectationFailed`."""
    gx = load_gx()

    import pandas as pd

    suite = release_suite()
    columns = sorted({e["kwargs"]["column"] for e in suite["expectations"]})
    frame = pd.read_parquet(data_dir, columns=columns)
    checkpoint = add_release_checkpoint(_quiet_context(gx, mode="ephemeral"), [suite])
    (result,) = checkpoint.run(batch_parameters={"dataframe": frame}).run_results.values()
    if not result.success:
        failed = [r.expectation_config.meta["name"] for r in result.results if not r.success]
        raise TableExpectationFailed("release-level expectations failed: " + ", ".join(failed))
    return _stable(result.to_json_dict())


def _stable(value):
    """``value`` without the keys that change run to run (times, ids, durations)."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in _UNSTABLE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def suites_dir() -> pathlib.Path:
    """The folder of expectation suites: ``$JINGWEN_EXPECTATIONS`` if set, else the
    installed package ``jingwen.expectations`` (the repository's ``expectations/``)."""
    override = os.environ.get("JINGWEN_EXPECTATIONS")
    return pathlib.Path(override) if override else pathlib.Path(str(importlib.resources.files("jingwen.expectations")))


def load_suites(directory: pathlib.Path | None = None) -> list[dict]:
    """Every ``*.json`` suite in ``directory`` (default :func:`suites_dir`); a missing
    folder, no suite or a file that is not JSON is a :class:`SuitesError`."""
    directory = directory or suites_dir()
    suites = []
    for path in sorted(directory.glob("*.json")):
        try:
            suites.append(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError) as exc:
            raise SuitesError(f"cannot read the expectation suite {path}: {exc}") from None
    if not suites:
        raise SuitesError(f"no expectation suites (*.json) in {directory}; reinstall jingwen or set "
                          "JINGWEN_EXPECTATIONS to a folder of suites")
    return suites


def validate_frame(df: pd.DataFrame, suites: list[dict]) -> ShardValidation:
    """Validate one shard's records with a fresh ephemeral GX context."""
    gx = load_gx()

    ctx = _quiet_context(gx, mode="ephemeral")
    batch = (ctx.data_sources.add_pandas("records").add_dataframe_asset("shard")
             .add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": df}))
    failed: dict[str, list[str]] = {}
    results: list[dict] = []
    table_failures: list[str] = []
    for suite_json in suites:
        outcome = batch.validate(_gx_suite(gx, suite_json), result_format=_RESULT_FORMAT)
        for res in outcome.results:
            cfg = res.expectation_config
            name = (cfg.meta or {}).get("name", cfg.type)
            ids = _failing_ids(res.result.get("unexpected_index_list"))
            results.append({"name": name, "type": cfg.type, "success": bool(res.success),
                            "unexpected": int(res.result.get("unexpected_count") or 0)})
            if res.success:
                continue
            if "unexpected_index_list" not in res.result:
                table_failures.append(f"{name} ({cfg.type}): {res.result.get('observed_value')}")
                continue
            for ident in ids:
                failed.setdefault(ident, []).append(name)
    if table_failures:
        raise TableExpectationFailed("table-level expectations failed: " + "; ".join(table_failures))
    return ShardValidation(failed, results)


def _failing_ids(index_list) -> list[str]:
    ids: list[str] = []
    for item in index_list or ():
        value = item.get("id") if isinstance(item, dict) else item
        if isinstance(value, (list, tuple)):
            ids.extend(str(v) for v in value)
        elif value is not None:
            ids.append(str(value))
    return ids


def write_gx_project(root: pathlib.Path) -> pathlib.Path:
    """A GX File context at ``root/gx`` (made anew): the suites of ``expectations/`` and
    :func:`release_suite`, and the ``release`` checkpoint over the dataframe asset
    ``release/records``, for GX users to run on a release's ``data/*.parquet``."""
    import shutil

    gx = load_gx()

    shutil.rmtree(root / "gx", ignore_errors=True)
    ctx = _quiet_context(gx, mode="file", project_root_dir=str(root))
    add_release_checkpoint(ctx, [*load_suites(), release_suite()])
    shutil.rmtree(root / "gx" / "uncommitted", ignore_errors=True)  # GX's own; made again on use
    return root / "gx"


def main() -> None:
    path = suites_dir() / "records.json"
    path.write_text(json.dumps(records_suite(), ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"wrote {path}")
    print(f"wrote {write_gx_project(suites_dir().parent)}")


if __name__ == "__main__":
    main()

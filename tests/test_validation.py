import dataclasses
import json

import pandas as pd

from jingwen.document import clean
from jingwen.validation import load_suites, records_suite, release_suite, suites_dir, validate_frame


def test_committed_suite_is_current():
    committed = json.loads((suites_dir() / "records.json").read_text("utf-8"))
    assert committed == json.loads(json.dumps(records_suite(), ensure_ascii=False)), \
        "run: python -m jingwen.validation"


def test_bad_rows_are_named_and_good_rows_pass(samples):
    rows = []
    for name, raw in samples.items():
        record, _ = clean(raw, name)
        rows.append(dataclasses.asdict(record))
    bad = dict(rows[0], id="0123456789abcdef", text="發(fā)展發(fā)展發(fā)展\n\n 尾巴 ")
    check = validate_frame(pd.DataFrame(rows + [bad]), load_suites())
    assert set(check.failed) == {"0123456789abcdef"}
    assert set(check.failed["0123456789abcdef"]) >= {"no_pinyin_annotations", "no_blank_lines",
                                                     "no_edge_spaces", "simplified_only"}


def _rules(suite) -> list:
    return sorted(json.dumps({"type": e["type"], "kwargs": e["kwargs"], "meta": e["meta"]}, sort_keys=True,
                             ensure_ascii=False) for e in suite["expectations"])


def test_the_gx_project_is_current_and_its_release_checkpoint_checks_a_release(releases, tmp_path):
    import shutil

    import great_expectations as gx

    shutil.copytree(suites_dir().parent / "gx", tmp_path / "gx")
    ctx = gx.get_context(mode="file", project_root_dir=str(tmp_path))
    for suite in (records_suite(), release_suite()):
        stored = ctx.suites.get(suite["name"]).to_json_dict()
        made = gx.ExpectationSuite(**suite).to_json_dict()  # GX's own normal form (1 -> 1.0)
        assert _rules(stored) == _rules(made), "run: python -m jingwen.validation"
    checkpoint = ctx.checkpoints.get("release")
    frame = pd.read_parquet(releases[1] / "data")
    result = checkpoint.run(batch_parameters={"dataframe": frame})
    assert result.success and len(result.run_results) == 2
    twice = checkpoint.run(batch_parameters={"dataframe": pd.concat([frame, frame])})
    failed = {r.expectation_config.meta["name"] for v in twice.run_results.values() for r in v.results
              if not r.success}
    assert {"id_unique", "release_id_unique"} <= failed

import dataclasses
import json

import pandas as pd

from jingwen.document import clean
from jingwen.validation import load_suites, records_suite, suites_dir, validate_frame


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

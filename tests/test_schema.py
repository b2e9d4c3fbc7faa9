"""The dataclasses and the Arrow schemas describe the same rows."""
import dataclasses

import pytest

from jingwen import schema


@pytest.mark.parametrize("cls, arrow", [
    (schema.Record, schema.RECORD_SCHEMA),
    (schema.Reject, schema.REJECT_SCHEMA),
    (schema.RemovedLine, schema.REMOVED_SCHEMA),
    (schema.Prepared, schema.PREPARED_SCHEMA),
])
def test_dataclass_fields_are_the_schema_columns(cls, arrow):
    assert {f.name for f in dataclasses.fields(cls)} == set(arrow.names)


def test_record_columns_are_in_the_schema_order():
    assert [f.name for f in dataclasses.fields(schema.Record)] == schema.RECORD_SCHEMA.names


def test_public_api():
    import jingwen

    assert jingwen.fix_text("浣犲ソ锛屼笘鐣?") == "你好，世界"
    record = jingwen.clean_document("今天天气很好，我们去公园散步。".encode("gbk"), "a.txt")
    assert isinstance(record, jingwen.Record) and record.text == "今天天气很好，我们去公园散步。"
    assert isinstance(jingwen.clean_document(b"", "empty.txt"), jingwen.Reject)


@pytest.mark.parametrize("found, date, precision, moment", [
    ("2024-04-26T08:31:00+08:00", "2024-04-26", "datetime", "2024-04-26T08:31:00+08:00"),
    ("2024-04-26", "2024-04-26", "date", "2024-04-26"),
    ("2024-04", "2024-04-01", "month", "2024-04-01"),
    (None, None, None, None),
])
def test_published_at_is_typed_with_its_precision(found, date, precision, moment):
    record = schema.Record("0" * 16, "a.txt", "0" * 64, None, None, found, None, None, "正文", [], [], "utf-8",
                           "simplified", False, 2, 0)
    assert (record.published_date, record.published_precision) == (date, precision)
    table = schema.records_table([vars(record)])
    assert table.schema == schema.RECORD_SCHEMA
    row = schema.json_row(table.to_pylist()[0])
    assert (row["published_at"], row["published_date"], row["published_precision"]) == (moment, date, precision)

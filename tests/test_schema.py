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

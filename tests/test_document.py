"""The five samples, cleaned by the pure core, against their hand-made gold."""
import dataclasses
import importlib.util
import json

import pytest
from conftest import gold_dir, score_script

from jingwen.document import Reject, clean


@pytest.fixture(scope="module")
def golds():
    return {p.name.rsplit(".", 1)[0]: json.loads(p.read_text("utf-8")) for p in gold_dir().glob("*.json")}


@pytest.fixture(scope="module")
def score():
    spec = importlib.util.spec_from_file_location("score", score_script())
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_sample_matches_its_gold(samples, golds, score):
    for name, raw in samples.items():
        record, _ = clean(raw, name)
        assert not isinstance(record, Reject), name
        gold = golds[name.rsplit(".", 1)[0]]
        row = score.score_doc(gold, dataclasses.asdict(record))
        assert row["cer"] <= 0.002 and not row["leaks"] and not row["meta_wrong"], row
        assert row["recall_hits"] == row["paras"], row
        assert (record.source or "") == (gold["source"] or ""), name


def test_repairs_are_counted(samples):
    record, _ = clean(samples["000_1cf8922f1b3f8602.txt"], "000_1cf8922f1b3f8602.txt")
    repairs = {r["kind"]: r["count"] for r in record.repairs}
    assert repairs["pinyin_annotation"] == 518  # 517 visible, one more inside a misaligned span
    assert repairs["misaligned_gbk"] == 2
    assert repairs["traditional_to_simplified"] > 1000
    cuts = {c["reason"]: c["count"] for c in record.cuts}
    assert cuts["spam"] == 1 and cuts["print_edition"] == 1 and cuts["credit"] == 1


def test_stable_id_and_rejects():
    record, _ = clean("一篇很短的文章，但是有内容。".encode(), "a.txt")
    again, _ = clean("一篇很短的文章，但是有内容。".encode(), "b.txt")
    assert record.id == again.id and len(record.id) == 16
    empty, _ = clean(b"  \n\n", "empty.txt")
    assert isinstance(empty, Reject) and empty.reason == "empty"
    binary, _ = clean(bytes(range(256)) * 10, "x.bin")
    assert isinstance(binary, Reject) and binary.reason == "binary"
    footer, removed = clean("返回顶部\nCopyright © 2024 某某网 版权所有\n".encode(), "footer.txt")
    assert isinstance(footer, Reject) and footer.reason == "no_article"
    assert {r.reason for r in removed} == {"ui", "copyright"}


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_a_sample_in_another_encoding_gives_the_same_record(samples, encoding):
    name = "003_dbbf224393a5418b.txt"
    want, _ = clean(samples[name], name)
    got, _ = clean(samples[name].decode("utf-8").encode(encoding), name)
    assert got.text == want.text and got.title == want.title
    assert got.encoding.startswith(encoding.split("-sig")[0].replace("utf-16", "utf-16"))


def test_a_whole_document_read_as_gbk_is_repaired(samples):
    name = "003_dbbf224393a5418b.txt"
    want, _ = clean(samples[name], name)
    broken = samples[name].decode("utf-8").encode("utf-8").decode("gb18030", errors="replace")
    got, _ = clean(broken.encode("utf-8"), name)
    assert got.text == want.text
    assert any(r["kind"] == "utf8_as_gbk" for r in got.repairs)


def test_markup_residue_is_removed_and_script_blocks_cut():
    paragraph = "进入四月，城市公园里樱花、海棠竞相开放，吸引众多市民前来踏青赏花，公园增设了休息点。"
    raw = "\n".join(["城市公园迎来赏花季", "2024-04-01 09:00 来源：新华网", f"<p>{paragraph}</p>",
                     f"<p>据介绍，今年公园新增&nbsp;赏花步道三条，<br>并设置了导览牌。{paragraph}</p>",
                     '<script type="text/javascript">', 'var ad = "<div>广告</div>";', "document.write(ad);",
                     "</script>", "<style>.x { color: red }</style>", "<SCRIPT src=a.js>"]).encode()
    record, removed = clean(raw, "markup.txt")
    assert "<" not in record.text and "&nbsp;" not in record.text and "新增赏花步道三条，并设置了导览牌" in record.text
    assert {r["kind"]: r["count"] for r in record.repairs}["html_tag"] == 7  # two in the script line
    assert [(r.line, r.reason) for r in removed if r.reason == "markup"] == [(n, "markup") for n in range(5, 11)]
    assert {c["reason"]: c["count"] for c in record.cuts}["markup"] == 6

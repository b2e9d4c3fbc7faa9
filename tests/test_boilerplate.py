"""Cross-document evidence and the labelled pages."""
import pathlib

import pyarrow.parquet as pq
from conftest import bench_module

from jingwen import shards
from jingwen.document import DEFAULT_LIMITS

PARAGRAPHS = [
    "今年以来，当地加快推进产业转型升级，一批重点项目相继开工建设，为经济发展注入新动能。",
    "记者在现场看到，工人们正在加紧施工，塔吊林立，运输车辆来回穿梭，一派繁忙景象。",
    "项目负责人介绍，项目建成后预计年产值可达数十亿元，将带动上千人就业。",
    "专家认为，要持续优化营商环境，为企业发展提供更好的服务保障。",
]
QUOTE = "习近平总书记强调，发展是第一要务，人才是第一资源，创新是第一动力。"


def _site(raw: pathlib.Path, n: int) -> None:
    site = raw / "xingchen"
    site.mkdir(parents=True)
    for i in range(n):
        body = [PARAGRAPHS[(i + k) % 4] + f"第{i}篇。" for k in range(3)]
        if i < 3:
            body.insert(1, QUOTE)  # a quotation three articles share is not boilerplate
        page = ["星辰资讯网", f"第{i}个项目开工建设", f"2024-05-0{i % 9 + 1} 10:00", *body,
                "本站由星辰科技提供技术支持", "联系电话 010-12345678"]
        (site / f"{i:02d}.txt").write_text("\n".join(page), "utf-8")


def test_lines_repeated_across_a_site_are_cut(tmp_path):
    raw, work = tmp_path / "raw", tmp_path / "work"
    work.mkdir()
    _site(raw, 12)
    files = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*.txt"))
    prepared = shards.prepare(str(raw), files, str(work), 0, DEFAULT_LIMITS)
    sketch = shards.merge_sketches([prepared.paths["sketch"]], str(work / "all.npz"))
    finished = shards.finish(prepared.paths["prepared"], sketch, str(work), 0, DEFAULT_LIMITS)
    records = pq.read_table(finished.paths["records"]).to_pylist()
    removed = pq.read_table(finished.paths["removed"]).to_pylist()
    assert len(records) == 12
    for r in records:
        assert "星辰科技" not in r["text"] and "010-12345678" not in r["text"]
    frequent = {r["text"] for r in removed if r["reason"] == "frequent"}
    assert "本站由星辰科技提供技术支持" in frequent and "联系电话 010-12345678" in frequent
    assert sum(QUOTE in r["text"] for r in records) == 3


def test_labelled_pages_meet_the_targets():
    bench = bench_module("lines_bench")
    result = bench.report(bench.run(bench.load_pages()))
    assert result["content_recall"] >= 0.99
    assert result["boilerplate_precision"] >= 0.98
    assert all(share >= 0.95 for share in result["meta"].values()), result["meta"]


def _article(n: int) -> list[str]:
    """Three long paragraphs of article ``n``, its own text (paragraphs over 100 characters
    name the article)."""
    return ["".join(chr(0x4E00 + 997 * n + 7 * k + j) for j in range(120)) + "。" for k in range(3)]


def test_copies_of_one_article_count_once():
    from jingwen.page.linefreq import LineSketch

    heading = "一、项目进展情况"  # the article's own section heading, in every copy
    body = _article(0)
    near = [body[0], body[1][:50] + "近百亿元" + body[1][54:], body[2]]  # a near copy: one figure changed
    copies = [["新华网", heading, *body], ["人民网", heading, *body], ["央视网", heading, *body],
              ["光明网", heading, *near, "责任编辑：王五"], ["中新网", heading, *near]]
    copies += [["简讯", "二、短消息", "今天全市天气晴好。"]] * 5  # exact copies of a page without paragraphs
    others = [[f"站{n}", "相关新闻", *_article(n)] for n in range(1, 7)]  # six articles share a footer
    shards = [LineSketch(), LineSketch()]  # the copies land in two shards
    for i, doc in enumerate(copies + others):
        shards[i % 2].add_documents([(doc, f"site{i}")])
    sketch = LineSketch()
    for shard in shards:
        sketch.merge(shard)
    for doc in copies:
        assert not {heading, "二、短消息"} & sketch.frequent(doc, "site0"), "a syndicated article's heading is cut"
    assert all("相关新闻" in sketch.frequent(doc, "site9") for doc in others)
    plain = LineSketch()  # counted per document, the five copies made the heading frequent
    plain.add_documents((doc, "") for doc in copies + others)
    assert plain.counts(["\x00" + heading]).tolist() == [5]
    assert plain.counts(["\x00" + heading], None).tolist() == [5]

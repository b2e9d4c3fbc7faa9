"""Exact duplicates collapse, near duplicates share a cluster (MinHash)."""
import numpy as np
import pyarrow.parquet as pq
from conftest import bench_module

from jingwen import dedup, shards
from jingwen.document import DEFAULT_LIMITS
from jingwen.validation import load_suites


def _page(name: str):
    return next(p for p in bench_module("lines_bench").load_pages() if p.id == name)


def _rewrap(page, other) -> list[str]:
    """``page``'s article inside ``other``'s header and footer."""
    first = other.labels.index("content")
    last = len(other.labels) - other.labels[::-1].index("content")
    body = [t for t, label in zip(page.lines, page.labels) if label == "content"]
    return other.lines[:first] + body + other.lines[last:]


def _run(raw, work) -> tuple[list[dict], list[dict]]:
    files = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*.txt"))
    prepared = shards.prepare(str(raw), files, str(work), 0, DEFAULT_LIMITS)
    sketch = shards.merge_sketches([prepared.paths["sketch"]], str(work / "all.npz"))
    finished = shards.finish(prepared.paths["prepared"], sketch, str(work), 0, DEFAULT_LIMITS)
    duplicates, count = shards.dedupe([finished.paths["keys"]], str(work / "duplicates.parquet"))
    validated = shards.validate(finished.paths["records"], str(work), 0, load_suites(), duplicates)
    return pq.read_table(validated.paths["records"]).to_pylist(), shards.read_rejects([validated]).to_pylist()


def test_duplicates_collapse_and_near_duplicates_cluster(tmp_path):
    raw, work = tmp_path / "raw", tmp_path / "work"
    (raw / "sina").mkdir(parents=True)
    (raw / "netease").mkdir()
    work.mkdir()
    sina, netease, other = _page("sina-1"), _page("netease-1"), _page("xinhua-1")
    (raw / "sina" / "a.txt").write_text("\n".join(sina.lines), "utf-8")
    # republished: the same article in another site's boilerplate, in GBK
    (raw / "netease" / "b.txt").write_bytes("\n".join(_rewrap(sina, netease)).encode("gb18030"))
    # the same article with a sentence added to one paragraph
    edited = list(sina.lines)
    k = sina.labels.index("content")
    edited[k] += "记者随后又走访了几家企业，听到了类似的说法。"
    (raw / "netease" / "c.txt").write_text("\n".join(edited), "utf-8")
    (raw / "x.txt").write_text("\n".join(other.lines), "utf-8")
    (raw / "y.txt").write_text("\n".join(other.lines), "utf-8")  # a byte copy

    records, rejects = _run(raw, work)
    by_file = {r["raw_file"]: r for r in records}
    # of a group of exact duplicates the smallest raw_file stays
    assert set(by_file) == {"netease/b.txt", "netease/c.txt", "x.txt"}
    b, c, x = by_file["netease/b.txt"], by_file["netease/c.txt"], by_file["x.txt"]
    assert {r["raw_file"]: (r["reason"], r["detail"]) for r in rejects} == {
        "sina/a.txt": ("duplicate", f"duplicate of {b['id']} (netease/b.txt)"),
        "y.txt": ("duplicate", f"duplicate of {x['id']} (x.txt)")}
    assert b["dup_cluster"] == c["dup_cluster"] == min(b["id"], c["id"])
    assert b["dup_cluster_size"] == c["dup_cluster_size"] == 2
    assert x["dup_cluster"] == x["id"] and x["dup_cluster_size"] == 1


def test_clusters_are_transitive_and_named_by_their_smallest_id():
    base = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(400))
    drift = [base[:i * 20] + "变" * 20 + base[i * 20 + 20:] for i in range(1, 4)]  # each a little off
    far = "".join(chr(0x4E00 + (i * 104729) % 20000) for i in range(400))
    texts = {"d0": base, "d1": drift[0], "d2": drift[1], "d3": drift[2], "zz": far}
    sigs = np.stack([dedup.signature(t) for t in texts.values()])
    found = dedup.clusters(list(texts), sigs)
    assert {k: v for k, v in found.items() if k != "zz"} == {k: ("d0", 4) for k in ("d0", "d1", "d2", "d3")}
    assert found["zz"] == ("zz", 1)


def test_signatures_are_stable_and_ignore_whitespace():
    text = "今年以来，各地围绕扩大内需出台了一系列促消费举措。"
    spaced = " 今年以来，各地围绕扩大内需\n出台了一系列促消费举措。"
    assert dedup.signature(text).tobytes() == dedup.signature(spaced).tobytes()
    assert dedup.similarity(dedup.signature(text), dedup.signature(text)) == 1.0
    assert dedup.signature("短").shape == (dedup.PERMUTATIONS,)

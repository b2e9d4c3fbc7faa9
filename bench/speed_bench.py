"""Speed benchmark: the pure core, `jingwen run` end to end, a rerun, peak memory,
and the naive ftfy + OpenCC loop users would write instead.

usage: python bench/speed_bench.py [--n 20000] [--sample 2000] [--corpus DIR] [--workdir DIR] [--profile]

Generates --n realistic raw scrapes with bench/scrapes.py (UTF-8, GBK and Big5
files; the samples' kinds of damage and boilerplate), unless --corpus names a
folder of them already. Then, in one run on one machine:

* core: `clean_document` (decode, repair, boilerplate, metadata, normalize) in
  this process on the first --sample documents: documents/s and MB/s per core;
* naive: the same documents through the loop users would write (chardet,
  bytes.decode, ftfy.fix_text, OpenCC t2s): documents/s per core, and the ratio;
* `jingwen run` on the whole corpus with the default runner (a worker process
  per core): wall time, Prefect's start and stop apart, the worker processes'
  start apart, the stages, documents/s and MB/s excluding startup;
* the same command again with nothing new (up to date; nothing written);
* peak memory: the largest process and the whole process tree (sampled from
  /proc every 0.2 s);
* the five samples of raw/: `jingwen clean`, and `jingwen run` twice;
* with --profile, pyinstrument's profile of the core on the sample.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from scrapes import generate  # noqa: E402

BIN = pathlib.Path(sys.executable).parent


def _files(root: pathlib.Path) -> list[pathlib.Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _loaded(paths: list[pathlib.Path], root: pathlib.Path) -> list[tuple[bytes, str]]:
    """The documents' bytes and names, with the models loaded first (loading is startup, not work)."""
    from jingwen.repair import charlm, pinyin

    charlm.model()
    pinyin.load()
    return [(p.read_bytes(), p.relative_to(root).as_posix()) for p in paths]


def core(paths: list[pathlib.Path], root: pathlib.Path) -> tuple[float, float]:
    """documents/s and MB/s of the pure core on one core."""
    from jingwen.document import clean

    blobs = _loaded(paths, root)
    started = time.process_time()
    for raw, name in blobs:
        clean(raw, name)
    seconds = time.process_time() - started
    return len(blobs) / seconds, sum(len(b) for b, _ in blobs) / seconds / 1e6


def naive(paths: list[pathlib.Path]) -> float:
    """documents/s on one core of chardet + decode + ftfy.fix_text + OpenCC t2s."""
    import chardet
    import ftfy
    from opencc import OpenCC

    t2s = OpenCC("t2s")
    blobs = [p.read_bytes() for p in paths]
    started = time.process_time()
    for raw in blobs:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode(chardet.detect(raw)["encoding"] or "gb18030", errors="replace")
        t2s.convert(ftfy.fix_text(text))
    return len(blobs) / (time.process_time() - started)


class TreeMemory(threading.Thread):
    """Peak RSS of a process and its descendants, sampled from /proc."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.largest, self.total, self.done = pid, 0, 0, threading.Event()
        self.peaks: dict[int, int] = {}  # pid -> its peak
        self.names: dict[int, str] = {}

    def _tree(self) -> dict[int, int]:
        parents, rss = {}, {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        tree, grew = {self.pid}, True
        while grew:
            more = {p for p, parent in parents.items() if parent in tree} - tree
            grew = bool(more)
            tree |= more
        return {p: rss.get(p, 0) for p in tree}

    def run(self) -> None:
        while not self.done.wait(0.2):
            sizes = self._tree()
            self.largest = max(self.largest, max(sizes.values(), default=0))
            self.total = max(self.total, sum(sizes.values()))
            for pid, rss in sizes.items():
                if rss > self.peaks.get(pid, 0):
                    self.peaks[pid] = rss
                    self.names.setdefault(pid, _role(pid, self.pid))

    def by_role(self) -> str:
        """Each process's peak, named by its role."""
        top = sorted(self.peaks.items(), key=lambda kv: -kv[1])
        return ", ".join(f"{self.names[pid]} {rss / 2**20:,.0f} MB" for pid, rss in top if rss > 50 * 2**20)


def _role(pid: int, root: int) -> str:
    """What a process of the run is: the CLI, Prefect's server, a worker."""
    if pid == root:
        return "jingwen run"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmd = fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return f"pid {pid}"
    if "uvicorn" in cmd or "prefect.server" in cmd or "server" in cmd and "prefect" in cmd:
        return "Prefect server"
    if "multiprocessing" in cmd or "spawn_main" in cmd:
        return "worker"
    return cmd[:40]


def jingwen_run(raw: pathlib.Path, out: pathlib.Path, *more: str) -> dict:
    """`jingwen run` as a user runs it; its wall time, memory and summary."""
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING"}
    started = time.monotonic()
    proc = subprocess.Popen([str(BIN / "jingwen"), "run", "--raw", str(raw), "--out", str(out), *more], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = TreeMemory(proc.pid)
    memory.start()
    stdout, stderr = proc.communicate()
    wall = time.monotonic() - started
    memory.done.set()
    if proc.returncode:
        raise SystemExit(f"jingwen run failed ({proc.returncode}):\n{stderr}")
    return {"wall": wall, "largest_rss": memory.largest, "tree_rss": memory.total, "stdout": stdout,
            "by_role": memory.by_role()}


def samples(work: pathlib.Path) -> list[tuple[str, str]]:
    """The five samples of raw/: `jingwen clean` and `jingwen run` (into a new folder, then
    a second run making a new version, which reuses the first one's cleaned documents)."""
    raw = HERE.parent / "raw"
    started = time.monotonic()
    subprocess.run([str(BIN / "jingwen"), "clean", *map(str, sorted(raw.glob("*.txt")))], check=True,
                   stdout=subprocess.DEVNULL)
    clean = time.monotonic() - started
    first = jingwen_run(raw, work / "samples")
    second = jingwen_run(raw, work / "samples", "--version", "9.9.9")
    return [("`jingwen clean` on the five samples, wall", f"{clean:.1f} s"),
            ("`jingwen run` on the five samples, wall (new output folder)", f"{first['wall']:.1f} s"),
            ("  the same, a second run (a new version; cleaned documents reused)", f"{second['wall']:.1f} s")]


def profile(paths: list[pathlib.Path], root: pathlib.Path) -> str:
    """pyinstrument's profile of the core on ``paths`` (one core, models loaded first)."""
    from pyinstrument import Profiler

    from jingwen.document import clean

    blobs = _loaded(paths, root)
    with Profiler(interval=0.002) as profiler:
        for raw, name in blobs:
            clean(raw, name)
    return profiler.output_text(unicode=True, show_all=False, short_mode=False)


def _flow_seconds(stdout: str) -> float:
    """The in-flow seconds `jingwen run` prints: '(W s, of which F s in the flow ...)'."""
    found = re.search(r"of which ([\d.]+) s in the flow", stdout)
    if not found:
        raise SystemExit(f"cannot read the flow's seconds in: {stdout}")
    return float(found.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20_000, help="documents to generate (default: 20000)")
    ap.add_argument("--sample", type=int, default=2000,
                    help="documents for the single-core core and naive loops (default: 2000)")
    ap.add_argument("--corpus", type=pathlib.Path, help="use this folder of raw files instead of generating one")
    ap.add_argument("--workdir", type=pathlib.Path, help="where the corpus and output go (default: a temporary folder)")
    ap.add_argument("--profile", action="store_true", help="also print pyinstrument's profile of the core")
    args = ap.parse_args()

    work = args.workdir or pathlib.Path(tempfile.mkdtemp(prefix="jingwen-bench-"))
    raw = args.corpus or work / "raw"
    if not args.corpus:
        t = time.monotonic()
        generate(raw, args.n)
        print(f"generated {args.n} documents in {raw} ({time.monotonic() - t:.0f} s)", file=sys.stderr)
    paths = _files(raw)
    megabytes = sum(p.stat().st_size for p in paths) / 1e6
    stride = max(1, len(paths) // args.sample)
    sample = paths[::stride][:args.sample]  # every kind of damage and every site

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; corpus {len(paths)} documents, {megabytes:.1f} MB", flush=True)
    core_docs, core_mb = core(sample, raw)
    naive_docs = naive(sample)
    out = work / "output"
    first = jingwen_run(raw, out)
    manifest = json.loads(next(out.glob("*/MANIFEST.json")).read_text("utf-8"))
    flow_seconds, stages = _flow_seconds(first["stdout"]), manifest["run"]["stages"]
    working = flow_seconds - stages.get("start_workers", 0)
    again = jingwen_run(raw, out)

    rows = [*samples(work),
        ("core, one core (clean_document)", f"{core_docs:,.0f} docs/s, {core_mb:.2f} MB/s"),
        ("naive loop, one core (chardet + ftfy.fix_text + OpenCC t2s)", f"{naive_docs:,.0f} docs/s"),
        ("core / naive", f"{core_docs / naive_docs:.1f}x"),
        ("`jingwen run`, wall", f"{first['wall']:.1f} s"),
        ("  Prefect's start and stop, imports", f"{first['wall'] - flow_seconds:.1f} s"),
        ("  worker processes' start", f"{stages.get('start_workers', 0):.1f} s"),
        ("  the work (flow minus worker start)", f"{working:.1f} s"),
        ("`jingwen run` excluding startup", f"{len(paths) / working:,.0f} docs/s, {megabytes / working:.2f} MB/s "
                                           f"({len(paths) / working / (os.cpu_count() or 1):,.0f} docs/s per core)"),
        ("`jingwen run` excluding startup / naive loop on all cores",
         f"{len(paths) / working / (naive_docs * (os.cpu_count() or 1)):.1f}x"),
        ("rerun, nothing new (wall)",
         f"{again['wall']:.1f} s ({100 * again['wall'] / first['wall']:.1f}% of the full run; "
         f"{'Prefect not started' if 'not started' in again['stdout'] else 'in a flow'})"),
        ("peak RSS, largest process", f"{first['largest_rss'] / 2**20:,.0f} MB"),
        ("peak RSS, whole process tree (server, workers)", f"{first['tree_rss'] / 2**20:,.0f} MB"),
    ]
    print("\n| measure | value |\n|---|---:|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    stages["write"] = flow_seconds - manifest["run"]["seconds"]
    print("\nstages of the full run (s): " + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()))
    print("peak RSS by process: " + first["by_role"])
    print(first["stdout"].splitlines()[0])
    if args.profile:
        print("\n" + profile(sample, raw))


if __name__ == "__main__":
    main()

"""The ``jingwen-release`` Prefect flow (function ``release``): raw/ → a validated, versioned release in output/.

Tasks work on shards of documents (never one task per document)::

    discover ─┬─ prepare-shard ×N ── merge-line-sketches ── finish-shard ×N ── find-duplicates ──
              │                                           validate-shard ×N ─┬─ write-release
              └─ rejects (outside the raw root, unreadable)                                       ┘

The default task runner is a pool of worker processes, one per core (the work is
pure Python: threads would share one core); :func:`on_runner` gives the same flow
on threads or a Dask cluster (prefect-dask). A lock file stops two runs writing
the same output folder at once.
"""
from __future__ import annotations

import os
import pathlib
import shutil
import time
import uuid
from dataclasses import asdict

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import as_completed
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from jingwen import shards
from jingwen.document import DEFAULT_LIMITS, Limits
from jingwen.progress import Progress
from jingwen.raw import discover, inputs_of, read_manifest, same_inputs, up_to_date_summary
from jingwen.release.card import CardInfo, check_card_info
from jingwen.release.lock import output_lock
from jingwen.release.versions import next_version, parse_version, releases
from jingwen.release.writer import write_release
from jingwen.shards import DEFAULT_SHARD_SIZE, shard_length
from jingwen.validation import load_suites


def _remove_stale_work(out_dir: pathlib.Path, log) -> None:
    """Work and half-written release folders of a run that died (we hold the lock, so no
    live run owns them)."""
    for stale in sorted(list(out_dir.glob(".work-*")) + list(out_dir.glob(".tmp-*"))):
        log.warning("removing %s, left by an interrupted run", stale.name)
        shutil.rmtree(stale, ignore_errors=True)


def _io_failure(task, task_run, state) -> bool:
    """Whether a shard task failed on I/O (shared storage, a worker's disk): only then is
    it retried. A retry is safe: a shard task reads its inputs and writes whole files named
    by its shard (the cache by atomic renames), the same files again from the same inputs."""
    try:
        state.result()
    except OSError:
        return True
    except BaseException:
        return False
    return False


SHARD_RETRIES = {"retries": 2, "retry_delay_seconds": 2, "retry_condition_fn": _io_failure}


@task(name="prepare-shard", cache_policy=NO_CACHE, **SHARD_RETRIES)
def prepare_shard(raw_root: str, files: list[str], work: str, shard: int, limits: Limits,
                  cache_dir: str) -> shards.ShardResult:
    return shards.prepare(raw_root, files, work, shard, limits, cache_dir)


@task(name="merge-line-sketches", cache_policy=NO_CACHE)
def merge_sketches(paths: list[str], target: str) -> str:
    return shards.merge_sketches(paths, target)


@task(name="finish-shard", cache_policy=NO_CACHE, **SHARD_RETRIES)
def finish_shard(prepared: str, sketch: str, work: str, shard: int, limits: Limits) -> shards.ShardResult:
    return shards.finish(prepared, sketch, work, shard, limits)


@task(name="find-duplicates", cache_policy=NO_CACHE)
def find_duplicates(keys: list[str], target: str) -> str:
    return shards.dedupe(keys, target)[0]


@task(name="validate-shard", cache_policy=NO_CACHE, **SHARD_RETRIES)
def validate_shard(records: str, work: str, shard: int, suites: list[dict], duplicates: str) -> shards.ShardResult:
    return shards.validate(records, work, shard, suites, duplicates)


@task(name="write-release", cache_policy=NO_CACHE)
def write_release_task(out_dir: str, version: str, record_paths: list[str], removed_paths: list[str],
                       stages: list[shards.ShardResult], refused: list[dict], extra: dict, raw_root: str,
                       card: dict) -> dict:
    summary = write_release(pathlib.Path(out_dir), version, record_paths, shards.read_rejects(stages, refused),
                            removed_paths, extra, pathlib.Path(raw_root), CardInfo(**card))
    return asdict(summary)


@task(name="start-workers", cache_policy=NO_CACHE)
def start_workers(n: int) -> int:
    """A no-op whose submission starts a process pool's workers (each loads the language
    model once, in :func:`warm_up`), so their start is timed apart from the work."""
    return n


def preload() -> None:
    """Load what every shard task needs (the language model, the pinyin tables) once per
    process instead of in the first task; then keep the garbage collector off those
    millions of objects for good (``gc.freeze``: ~10% of the work's time was its full
    collections walking them)."""
    import gc

    from jingwen.repair import charlm, pinyin

    gc.disable()
    try:
        charlm.model()
        pinyin.load()
    finally:
        gc.enable()
    gc.freeze()


def warm_up() -> None:
    """A pool worker's start: end with the run's process, however it ends; then :func:`preload`."""
    from jingwen.flows.lifeline import watch_parent

    watch_parent()
    preload()


@flow(name="jingwen-release", task_runner=ProcessPoolTaskRunner(max_workers=os.cpu_count() or 2, initializer=warm_up))
def release(raw: str = "raw", out: str = "output", version: str | None = None,
            shard_size: int = DEFAULT_SHARD_SIZE, limits: Limits = DEFAULT_LIMITS,
            cache: str | None = None, progress: bool | None = None, card: dict | None = None) -> dict:
    """Build a release of the raw files in ``raw`` into ``out/<version>``.

    ``version`` defaults to the next patch version after the newest release in
    ``out`` (``0.1.0`` first). Documents cleaned by an earlier run are reused from
    ``cache`` (default ``out/.cache``). When the raw files, the pipeline and the
    expectation suites are those of the newest release, nothing is written and the
    summary says ``up_to_date``. ``progress`` shows documents done, rate and time left
    on stderr (default: when stderr is a terminal). ``card`` sets fields of the dataset
    card's :class:`~jingwen.release.card.CardInfo` (name, licence, homepage, citation;
    a change makes a new release). Each run gets Prefect artifacts:
    a markdown summary and a table of counts. Returns the release summary.
    """
    log = get_run_logger()
    shown = Progress(enabled=progress)
    started = time.monotonic()
    raw_root, out_dir = pathlib.Path(raw).resolve(), pathlib.Path(out).resolve()
    if not raw_root.is_dir():
        raise FileNotFoundError(f"raw folder {raw_root} does not exist")
    cache_dir = pathlib.Path(cache).resolve() if cache else out_dir / ".cache"
    card = asdict(check_card_info(CardInfo(**(card or {}))))
    with output_lock(out_dir):
        _remove_stale_work(out_dir, log)
        suites = load_suites()
        files, refused = discover(raw_root)
        inputs = inputs_of(raw_root, files, refused, limits, suites, card)
        found = releases(out_dir)
        newest = found[-1][1] if found else None
        if version is None and same_inputs(newest, inputs):
            log.info("release %s is up to date with %s", newest.name, raw_root)
            return {**up_to_date_summary(newest), "seconds": round(time.monotonic() - started, 3)}
        version = version or next_version(out_dir)
        if parse_version(version) is None:
            raise ValueError(f"version {version!r} is not X.Y.Z")
        if (out_dir / version).exists():
            raise FileExistsError(f"release {version} already exists in {out_dir}")
        pool = isinstance(FlowRunContext.get().task_runner, ProcessPoolTaskRunner)
        workers = [start_workers.submit(i) for i in range(os.cpu_count() or 2)] if pool else []  # they start meanwhile
        log.info("%d raw files in %s, %d refused; building release %s", len(files), raw_root, len(refused), version)
        work = out_dir / f".work-{version}-{uuid.uuid4().hex[:8]}"
        work.mkdir(parents=True)
        clock = _Clock(started)
        try:
            size = shard_length(len(files), shard_size)
            batches = [files[i:i + size] for i in range(0, len(files), size)]
            clock.lap("discover")
            for w in workers:
                w.result()
            clock.lap("start_workers")
            sizes = [len(b) for b in batches]
            prepared = _gather(prepare_shard.map(
                unmapped(str(raw_root)), batches, unmapped(str(work)), range(len(batches)), unmapped(limits),
                unmapped(str(cache_dir))), sizes, shown, "prepare")
            clock.lap("prepare")
            sketch = merge_sketches([p.paths["sketch"] for p in prepared], str(work / "lines.npz"))
            clock.lap("merge_sketches")
            finished = _gather(finish_shard.map(
                [p.paths["prepared"] for p in prepared], unmapped(sketch), unmapped(str(work)),
                range(len(prepared)), unmapped(limits)), [p.docs for p in prepared], shown, "finish")
            clock.lap("finish")
            duplicates = find_duplicates([f.paths["keys"] for f in finished], str(work / "duplicates.parquet"))
            clock.lap("duplicates")
            validated = _validate_here(finished, work, suites, duplicates, shown)
            clock.lap("validate")
            stages = [s for stage in (prepared, finished, validated) for s in stage]
            work_done = {k: sum(p.work.get(k, 0) for p in prepared) for k in ("cleaned", "reused")}
            extra = {
                "raw": {"root": raw_root.name, "files": len(files) + len(refused)},
                "inputs": inputs,
                "work": work_done,
                "expectations": _expectation_totals(validated),
                "run": {"shards": len(batches), "shard_size": size,
                        "seconds": round(time.monotonic() - started, 3), "stages": clock.laps},
            }
            summary = write_release_task(str(out_dir), version, [v.paths["records"] for v in validated],
                                         [f.paths["removed"] for f in finished], stages, refused, extra,
                                         str(raw_root), card)
            clock.lap("write")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    log.info("release %s: %d records, %d rejects -> %s", version, summary["records"], summary["rejects"],
             summary["path"])
    changes = read_manifest(out_dir / version)["changes"]
    publish_artifacts(summary, work_done, changes, clock.laps)
    return {**summary, "up_to_date": False, "work": work_done, "changes": changes,
            "seconds": round(time.monotonic() - started, 3), "stages": clock.laps}


def _gather(futures, sizes: list[int], shown: Progress, stage: str) -> list:
    """The futures' results in order, the progress line moving as each shard finishes."""
    size_of = {id(f): n for f, n in zip(futures, sizes)}
    shown.stage(stage, sum(sizes))
    for done in as_completed(list(futures)):
        shown.advance(size_of[id(done)])
    shown.end()
    return [f.result() for f in futures]


def _validate_here(finished: list[shards.ShardResult], work: pathlib.Path, suites: list[dict], duplicates: str,
                   shown: Progress) -> list[shards.ShardResult]:
    """The validate-shard tasks, one after another in the flow's process: Great Expectations
    (~225 MB a process) is loaded here only, not in every worker."""
    shown.stage("validate", sum(f.docs for f in finished))
    validated = []
    for f in finished:
        validated.append(validate_shard(f.paths["records"], str(work), f.shard, suites, duplicates))
        shown.advance(f.docs)
    shown.end()
    return validated


def publish_artifacts(summary: dict, work: dict, changes: dict, stages: dict) -> None:
    """The run's numbers in the Prefect UI: a markdown summary and a table of counts."""
    rows = [{"what": what, "name": name, "count": count}
            for what, counts in (("reject", summary["rejects_by_reason"]), ("repair", summary["repairs_by_kind"]),
                                 ("cut", summary["cuts_by_reason"])) for name, count in counts.items()]
    markdown = "\n".join([
        f"# Release {summary['version']}", "",
        f"**{summary['records']:,}** records, **{summary['rejects']:,}** rejects, "
        f"{summary['removed_lines']:,} lines cut; written to `{summary['path']}` (open `report.html` there).", "",
        f"- work: {work.get('cleaned', 0):,} documents cleaned, {work.get('reused', 0):,} reused from the cache",
        f"- changes since {changes.get('previous') or 'nothing'}: {changes['added']:,} added, "
        f"{changes['removed']:,} removed, {changes['changed']:,} changed, {changes['unchanged']:,} unchanged",
        "- seconds by stage: " + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()), "",
        "| what | name | count |", "|---|---|---:|",
        *[f"| {r['what']} | {r['name']} | {r['count']:,} |" for r in rows]])
    create_markdown_artifact(markdown, key="jingwen-release", description=f"release {summary['version']}")
    create_table_artifact(rows, key="jingwen-counts", description=f"counts of release {summary['version']}")


class _Clock:
    """Seconds spent in each stage of a run."""

    def __init__(self, started: float):
        self.last, self.laps = started, {}

    def lap(self, stage: str) -> None:
        now = time.monotonic()
        self.laps[stage] = round(now - self.last, 3)
        self.last = now


IN_PROCESS_BELOW = 1000  # documents: fewer run in the flow's own process (a pool's start costs more)


def runs_in_process(runner: str, workers: int | None, documents: int | None) -> bool:
    """Whether :func:`on_runner` puts the shard tasks in the flow's own process."""
    return runner == "processes" and workers is None and documents is not None and documents < IN_PROCESS_BELOW


def on_runner(runner: str = "processes", address: str | None = None, workers: int | None = None,
              documents: int | None = None):
    """The release flow with its shard tasks on ``runner``: ``processes`` (a pool of
    ``workers`` processes, default one per core; for fewer than :data:`IN_PROCESS_BELOW`
    ``documents`` and no ``workers`` given, the flow's own process), ``threads``
    (``workers`` threads: no parallel speed-up for pure Python, but no process start either) or ``dask`` (the
    Dask scheduler at ``address``, e.g. ``tcp://10.0.0.5:8786``; without one, a local
    cluster). Dask workers must see the raw, output and cache folders at the same paths
    (shared storage) and have jingwen installed."""
    n = workers or os.cpu_count() or 2
    if runs_in_process(runner, workers, documents):
        return release.with_options(task_runner=ThreadPoolTaskRunner(max_workers=1))
    if runner == "processes":
        return release if workers is None else release.with_options(
            task_runner=ProcessPoolTaskRunner(max_workers=n, initializer=warm_up))
    if runner == "threads":
        return release.with_options(task_runner=ThreadPoolTaskRunner(max_workers=n))
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        return release.with_options(task_runner=DaskTaskRunner(address=address) if address else DaskTaskRunner())
    raise ValueError(f"unknown runner {runner!r} (processes, threads or dask)")


def _expectation_totals(validated: list[shards.ShardResult]) -> list[dict]:
    """Per expectation over all shards: name, type, success, failing rows."""
    totals: dict[str, dict] = {}
    for shard in validated:
        for r in shard.validation:
            t = totals.setdefault(r["name"], {"name": r["name"], "type": r["type"], "success": True, "unexpected": 0})
            t["success"] = t["success"] and r["success"]
            t["unexpected"] += r["unexpected"]
    return list(totals.values())

"""jingwen run --runner dask on a real local Dask cluster (scheduler and workers as
separate processes) writes the same release, byte for byte, as the local run."""
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time

import pytest
from conftest import RAW, bench_module, free_port

BIN = pathlib.Path(sys.executable).parent


@pytest.fixture
def cluster(tmp_path):
    """``dask scheduler`` and two ``dask worker`` processes on loopback."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "false"}
    logs = [open(tmp_path / f"dask-{i}.log", "w") for i in range(3)]
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], env=env, stdout=logs[0], stderr=subprocess.STDOUT,
                              start_new_session=True)]
    for i in (1, 2):
        procs.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--nworkers", "1",
                                       "--no-dashboard", "--local-directory", str(tmp_path / f"w{i}")],
                                      env=env, stdout=logs[i], stderr=subprocess.STDOUT, start_new_session=True))
    try:
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for p in reversed(procs):
            os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        for log in logs:
            log.close()


def _raw(folder: pathlib.Path) -> None:
    """The samples and the labelled pages: 40-odd files, several shards."""
    folder.mkdir()
    for p in RAW.glob("*.txt"):
        shutil.copy(p, folder)
    for page in bench_module("lines_bench").load_pages():
        (folder / f"{page.id}.txt").write_text("\n".join(page.lines), "utf-8")


def _run(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([str(BIN / "jingwen"), "run", *args], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_a_dask_cluster_writes_the_same_release(prefect_server, cluster, tmp_path):
    raw = tmp_path / "raw"
    _raw(raw)
    started = time.monotonic()
    _run("--raw", str(raw), "--out", str(tmp_path / "dask"), "--shard-size", "8", "--runner", "dask",
         "--address", cluster)
    print(f"dask run {time.monotonic() - started:.1f} s")
    _run("--raw", str(raw), "--out", str(tmp_path / "local"), "--shard-size", "8")
    dask_release, local_release = tmp_path / "dask" / "0.1.0", tmp_path / "local" / "0.1.0"
    compared = 0
    for folder in ("data", "jsonl", "rejects", "removed_lines"):
        for p in sorted((local_release / folder).iterdir()):
            assert (dask_release / folder / p.name).read_bytes() == p.read_bytes(), p.name
            compared += 1
    assert compared >= 4
    # the shard tasks really ran on the two workers
    from distributed import Client

    with Client(cluster, timeout=60) as client:
        ran = client.run(lambda dask_worker: {str(e[0]).split("-")[0] for e in dask_worker.state.log})
    shard_tasks = {"prepare_shard", "finish_shard"}  # validation runs in the flow's process
    assert set().union(*ran.values()) >= shard_tasks, ran
    assert len(ran) == 2 and all(kinds & shard_tasks for kinds in ran.values()), ran

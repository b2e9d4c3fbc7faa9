"""Scheduled reruns: the ``jingwen-release`` flow served as a Prefect deployment.

``jingwen serve`` registers the deployment ``jingwen-release/jingwen`` with a Prefect
server (``PREFECT_API_URL``) and runs its flow runs in this process, one at a
time. A run is triggered:

* by the event ``jingwen.raw.changed`` about the raw folder, which
  ``jingwen notify`` emits (a scraper calls it after landing files) and which a
  polling watcher in this process emits when the folder's files (names, sizes,
  modification times) have changed and then stayed the same for one interval;
* on a cron schedule, if one is given;
* once at start, so that files which landed while nothing was serving are released.

A run with nothing new writes nothing (the release is up to date), so extra
triggers are cheap.
"""
from __future__ import annotations

import asyncio
import logging
import pathlib
import threading

from prefect.events import Event
from prefect.events.clients import get_events_client
from prefect.events.schemas.deployment_triggers import DeploymentEventTrigger
from prefect.settings import PREFECT_API_URL
from prefect.types.entrypoint import EntrypointType

from jingwen.flows.release_flow import release
from jingwen.raw import discover, raw_fingerprint

EVENT = "jingwen.raw.changed"
DEPLOYMENT = "jingwen"
log = logging.getLogger("jingwen.serve")


class NoServer(RuntimeError):
    """PREFECT_API_URL does not name a Prefect server."""


def api_url() -> str:
    """The Prefect server to talk to; serving and notifying need a real one."""
    url = PREFECT_API_URL.value()
    if not url:
        raise NoServer("no Prefect server: start one with 'prefect server start' and set "
                       "PREFECT_API_URL=http://127.0.0.1:4200/api (see the README)")
    return url


def resource_id(raw: str | pathlib.Path) -> str:
    """The event resource naming a raw folder (its absolute path)."""
    return f"jingwen.raw.{pathlib.Path(raw).resolve()}"


def raw_event(raw: str | pathlib.Path, files: list[str] | None = None, why: str = "notify") -> Event:
    return Event(event=EVENT, resource={"prefect.resource.id": resource_id(raw),
                                        "prefect.resource.name": pathlib.Path(raw).resolve().name},
                 payload={"files": files or [], "why": why})


def notify(raw: str | pathlib.Path, files: list[str] | None = None, why: str = "notify") -> Event:
    """Tell the server new files landed in ``raw`` (delivered before returning)."""
    api_url()
    event = raw_event(raw, files, why)

    async def send() -> None:
        async with get_events_client(checkpoint_every=1) as client:
            await client.emit(event)

    asyncio.run(send())
    return event


def snapshot(raw: pathlib.Path) -> str:
    """A fingerprint of the raw folder's files: names, sizes, modification times."""
    files, refused = discover(raw)
    return raw_fingerprint(raw.resolve(), files, refused)


class Watcher(threading.Thread):
    """Polls the raw folder every ``interval`` seconds and emits :data:`EVENT` when its
    files changed and then stayed the same for one interval (a scraper done writing)."""

    def __init__(self, raw: pathlib.Path, interval: float):
        super().__init__(name="jingwen-raw-watcher", daemon=True)
        self.raw, self.interval = raw, interval
        self.stopped = threading.Event()
        self.released = self.seen = snapshot(raw)

    def check(self) -> bool:
        """One look at the folder; True when it triggered a release."""
        try:
            now = snapshot(self.raw)
        except OSError as exc:
            log.warning("cannot read %s: %s", self.raw, exc)
            return False
        settled, self.seen = now == self.seen, now
        if settled and now != self.released:
            log.info("files changed in %s: triggering a release", self.raw)
            notify(self.raw, why="poll")
            self.released = now
            return True
        return False

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            self.check()


def serve(raw: str, out: str, cache: str | None = None, cron: str | None = None,
          poll: float = 60.0, name: str = DEPLOYMENT, card: dict | None = None) -> None:
    """Serve the release flow (blocks until interrupted); ``card`` is the dataset card's
    info for every run."""
    from prefect.client.orchestration import get_client
    from prefect.runner import Runner

    api_url()
    raw_path = pathlib.Path(raw).resolve()
    if not raw_path.is_dir():
        raise FileNotFoundError(f"raw folder {raw_path} does not exist")
    params = {"raw": str(raw_path), "out": str(pathlib.Path(out).resolve()),
              "cache": str(pathlib.Path(cache).resolve()) if cache else None, "card": card}
    trigger = DeploymentEventTrigger(name="new raw files", expect={EVENT},
                                     match={"prefect.resource.id": resource_id(raw_path)}, parameters=params)
    runner = Runner(name=f"jingwen-serve-{name}", limit=1, pause_on_shutdown=False)
    deployment_id = runner.add_deployment(release.to_deployment(
        name=name, parameters=params, triggers=[trigger], cron=cron,
        entrypoint_type=EntrypointType.MODULE_PATH,  # a file path breaks the worker processes' imports
        description=f"Release {raw_path} into {params['out']} when new files land"))

    async def catch_up() -> None:  # a first run, for files that landed while nothing was serving
        async with get_client() as client:
            await client.create_flow_run_from_deployment(deployment_id, tags=["start"])

    asyncio.run(catch_up())
    watcher = Watcher(raw_path, poll) if poll > 0 else None
    if watcher:
        watcher.start()
    log.info("serving deployment jingwen-release/%s for %s (poll every %s s, cron %s)", name, raw_path, poll, cron)
    try:
        asyncio.run(runner.start())
    except KeyboardInterrupt:
        pass
    finally:
        if watcher:
            watcher.stopped.set()

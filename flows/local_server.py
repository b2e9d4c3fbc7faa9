"""A Prefect API server for one ``jingwen run``, started before Prefect is imported.

Without a configured ``PREFECT_API_URL``, Prefect starts a temporary server of its
own when the flow begins: the client first imports the server's code (~4 s), then
waits for the server to import it again and start (~8 s). :class:`RunServer` starts
the same server (Prefect's ephemeral app under uvicorn, no UI) as soon as a run
knows it has work, so that it boots on the other core while this process imports
Prefect, Great Expectations and the language model; and it names the server in
``PREFECT_API_URL`` before anything reads Prefect's settings (they are fixed when
``prefect.settings`` is first imported). The server dies with the run however the
run ends (:mod:`jingwen.flows.lifeline`).
"""
from __future__ import annotations

import atexit
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request

from jingwen.flows.lifeline import die_with_parent


def configured_api_url() -> str | None:
    """The Prefect API this environment names: ``PREFECT_API_URL``, else the active
    profile's (``PREFECT_PROFILE``, else the ``active`` one of ``profiles.toml`` in
    ``PREFECT_HOME``), read without importing Prefect."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    home = pathlib.Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    path = pathlib.Path(os.environ.get("PREFECT_PROFILES_PATH", home / "profiles.toml")).expanduser()
    try:
        profiles = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active")
    profile = profiles.get("profiles", {}).get(active, {})
    return profile.get("PREFECT_API_URL") if isinstance(profile, dict) else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerFailed(RuntimeError):
    """The run's Prefect server did not come up."""


class RunServer:
    """Prefect's API on a free loopback port for the life of one run."""

    def __init__(self) -> None:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}/api"
        self.log = tempfile.TemporaryFile()
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
               "PREFECT__SERVER_FINAL": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on"],
            env=env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent)
        os.environ["PREFECT_API_URL"] = self.url
        atexit.register(self.stop)  # before Prefect's own: so it runs after them, once they sent what they hold

    def wait(self, seconds: float | None = None) -> None:
        """Return once the server answers its health check; raise :class:`ServerFailed`
        (with the end of its log) if it exits or does not answer in ``seconds`` (default:
        ``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS``, as Prefect's own)."""
        seconds = seconds or float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", 90))
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerFailed(f"Prefect's server exited with {self.process.returncode}: {self._log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.05)
        raise ServerFailed(f"Prefect's server did not answer in {seconds:.0f} s: {self._log_tail()}")

    def _log_tail(self) -> str:
        self.log.seek(0)
        lines = self.log.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else "no output"

    def stop(self) -> None:
        """End the server (it finishes writing what the run sent it) and wait for it."""
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

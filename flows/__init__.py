"""The Prefect shell of jingwen: the release flow, its shard tasks, and deployments.

Installed as ``jingwen.flows`` (see ``pyproject.toml``); every step it runs is a
plain function of the ``jingwen`` library. Importing it prepares offline runs:
no telemetry from Prefect or Great Expectations, and a temporary Prefect server
that has time to start on a fresh database.
"""
import os

for _key, _value in {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "GX_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
}.items():
    os.environ.setdefault(_key, _value)

"""jingwen (净文): clean, validated, versioned open datasets from raw Chinese news scrapes.

``flows.core`` is the pure cleaning core (no Prefect, no Great Expectations);
``flows.release_flow`` is the Prefect flow that composes it; ``flows.release``
writes releases; ``flows.validation`` runs the Great Expectations suites.
"""
import os

__version__ = "0.1.0"

# Runs are offline: no telemetry from Prefect or Great Expectations, and a
# temporary Prefect server that has time to start on a fresh database.
for _key, _value in {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "GX_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
}.items():
    os.environ.setdefault(_key, _value)

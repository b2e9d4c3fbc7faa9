import importlib.util
import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
SHARED = ROOT.parent / "shared"
DATA = pathlib.Path(__file__).resolve().parent / "data"

os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def score_script() -> pathlib.Path:
    shared = SHARED / "eval" / "score.py"
    return shared if shared.exists() else DATA / "score.py"


def gold_dir() -> pathlib.Path:
    shared = SHARED / "gold"
    return shared if shared.is_dir() else DATA / "gold"


@pytest.fixture(scope="session")
def prefect_db():
    """A temporary Prefect server and database for the session; yields its API URL."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()


@pytest.fixture(scope="session")
def samples() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(RAW.glob("*.txt"))}


def bench_module(name: str):
    """A script of bench/ imported as a module."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[name]

import os
import pathlib

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
def samples() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(RAW.glob("*.txt"))}

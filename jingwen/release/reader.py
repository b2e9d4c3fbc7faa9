"""Reading a release back: its records as an Arrow dataset."""
from __future__ import annotations

import pathlib

import pyarrow.dataset as ds

from jingwen.release.versions import releases


def read_release(path: str | pathlib.Path) -> ds.Dataset:
    """The records of a release folder (``output/0.1.0``), or of the newest release in an
    output folder (``output``), as a ``pyarrow.dataset.Dataset``.

    >>> dataset = read_release("output")                    # doctest: +SKIP
    >>> dataset.to_table(columns=["id", "title"]).to_pandas()  # doctest: +SKIP
    """
    folder = pathlib.Path(path)
    if not (folder / "data").is_dir():
        found = releases(folder)
        if not found:
            raise FileNotFoundError(f"{folder} is neither a release nor a folder of releases")
        folder = found[-1][1]
    return ds.dataset(str(folder / "data"), format="parquet")

"""jingwen (净文): clean, validated, versioned open datasets from raw Chinese news scrapes.

The public API::

    fix_text(text) -> str                       repair and normalize text (the ftfy of Chinese)
    clean_document(raw, name) -> Record | Reject  one raw file to a clean record, or a reject
    read_release(path) -> pyarrow.dataset.Dataset the records of a release

The library is plain functions (no Prefect): ``jingwen.repair`` (bytes to text),
``jingwen.text`` (characters), ``jingwen.page`` (lines to an article),
``jingwen.document`` (the steps of one file), ``jingwen.release`` (writing and
reading releases). The Prefect flows that run it over a corpus are ``jingwen.flows``.
"""
from importlib.metadata import version as _version
from typing import TYPE_CHECKING

from jingwen.document import clean_document
from jingwen.fix import fix_text
from jingwen.schema import Record, Reject

if TYPE_CHECKING:
    from jingwen.release.reader import read_release

__version__ = _version("jingwen")
__all__ = ["Record", "Reject", "clean_document", "fix_text", "read_release", "__version__"]


def __getattr__(name: str):
    """``read_release`` on first use: pyarrow.dataset brings pandas (~50 MB), which the
    cleaning workers never need."""
    if name == "read_release":
        from jingwen.release.reader import read_release

        return read_release
    raise AttributeError(f"module 'jingwen' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "read_release"})

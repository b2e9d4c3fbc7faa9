"""The ``jingwen`` command's arguments, checked before anything starts.

:func:`problem` names the first wrong argument in one line saying what to do (the
command then exits 2, before Prefect, a server or a network request);
:func:`runtime_problem` turns a known failure of a store (no S3 credentials) into
one line for exit 1 instead of a traceback.
"""
from __future__ import annotations

import argparse
import os

from jingwen.release.card import CardInfo, load_card_info
from jingwen.release.versions import parse_version

HTTP = ("http", "https")
GIT = ("git+https", "git+http", "git+ssh", "git+file")  # git remotes (jingwen.release.hub)


def _version(value: str | None) -> str | None:
    if value is not None and parse_version(value) is None:
        return f"--version {value!r} is not a version X.Y.Z (e.g. 0.2.0)"
    return None


def _location(url: str, what: str, also: tuple[str, ...] = ()) -> str | None:
    """Whether ``url`` is a folder or a URL of a protocol fsspec (or ``also``) can open."""
    if "://" not in url:
        return None
    scheme = url.split("://", 1)[0].lower()
    if scheme in also:
        return None
    import fsspec

    try:
        fsspec.get_filesystem_class(scheme)
    except ValueError:
        known = ", ".join(f"{s}://" for s in (*also, "file", "s3"))
        return f"{what} {url!r}: unknown protocol {scheme}://; give a folder or a URL ({known})"
    except ImportError as exc:
        return f"{what} {url!r}: {scheme}:// needs a package that is not installed ({exc})"
    return None


def _run(args: argparse.Namespace) -> str | None:
    if not os.path.isdir(args.raw):
        return f"raw folder '{args.raw}' does not exist (pass --raw DIR)"
    if args.address and args.runner != "dask":
        return "--address needs --runner dask"
    for name in ("shard_size", "workers"):
        value = getattr(args, name)
        if value is not None and value < 1:
            return f"--{name.replace('_', '-')} must be at least 1, not {value}"
    return _card(args) or _version(args.version)


def card_info(args: argparse.Namespace) -> CardInfo:
    """The card info of ``--card-config`` and the card options (ValueError if wrong)."""
    return load_card_info(args.card_config, name=args.dataset_name, license=args.license,
                          license_link=args.license_link, homepage=args.homepage, citation=args.citation)


def _card(args: argparse.Namespace) -> str | None:
    try:
        card_info(args)
    except ValueError as exc:
        return str(exc)
    return None


def _serve(args: argparse.Namespace) -> str | None:
    if args.poll < 0:
        return f"--poll must be 0 (off) or more seconds, not {args.poll}"
    return _card(args)


def _publish(args: argparse.Namespace) -> str | None:
    from jingwen.release import hub

    if not os.path.isdir(args.release):
        return f"release folder '{args.release}' does not exist"
    if hub.is_hub(args.to):
        try:
            hub.repo_id(args.to)
        except hub.HubError as exc:
            return f"--to {exc}"
        return None
    return _location(args.to, "--to", GIT)


def _download(args: argparse.Namespace) -> str | None:
    from jingwen.release.signing import SignatureError, configured_trust

    try:
        if not args.trust:
            configured_trust()
    except SignatureError as exc:
        return str(exc)
    return _location(args.source, "SOURCE", HTTP) or _version(args.version)


CHECKS = {"run": _run, "serve": _serve, "publish": _publish, "download": _download}


def problem(args: argparse.Namespace) -> str | None:
    """The first thing wrong with the arguments of ``args.command``, as one line, or None."""
    if getattr(args, "max_bytes", 1) < 1:
        return f"--max-bytes must be at least 1, not {args.max_bytes}"
    check = CHECKS.get(args.command)
    return check(args) if check else None


def runtime_problem(exc: Exception, url: str) -> str | None:
    """One line for a known failure of the store at ``url``, or None for any other error."""
    from botocore.exceptions import NoCredentialsError, PartialCredentialsError

    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return (f"no AWS credentials for {url}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE; "
                "AWS_ENDPOINT_URL for stores other than AWS)")
    return None

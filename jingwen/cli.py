"""The ``jingwen`` command line."""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pathlib
import sys
import time
from collections import Counter

from jingwen import cliargs
from jingwen.document import DEFAULT_LIMITS
from jingwen.schema import PIPELINE_VERSION, SCHEMA_VERSION
from jingwen.shards import DEFAULT_SHARD_SIZE, MIN_SHARD_SIZE

EPILOG_RUN = """examples:
  jingwen run                         # raw/ -> output/<next patch version>/
  jingwen run --raw scrapes --out releases --version 1.0.0
  jingwen run --runner dask --address tcp://10.0.0.5:8786   # shard tasks on a Dask cluster
  jingwen run --license cc-by-4.0 --homepage https://example.org/zh-news   # what the dataset card says
  jingwen run --card-config card.toml                        # the same from a file (keys as the options)
"""
EPILOG_SERVE = """examples:
  prefect server start &                                   # a Prefect server, UI at :4200
  export PREFECT_API_URL=http://127.0.0.1:4200/api
  jingwen serve                                            # raw/ -> output/ whenever raw/ changes
  jingwen serve --raw scrapes --out releases --cron '0 3 * * *' --poll 300
"""
EPILOG_NOTIFY = """examples:
  export PREFECT_API_URL=http://127.0.0.1:4200/api
  jingwen notify                                           # after a scraper wrote to raw/
  jingwen notify --raw scrapes scrapes/2026-11-21/*.txt    # name the new files (shown in the event)
"""
EPILOG_CLEAN = """examples:
  jingwen clean raw/000_1cf8922f1b3f8602.txt
  curl -s https://example.org/page.txt | jingwen clean -
  jingwen clean raw/*.txt > records.jsonl
"""
EPILOG_FIX = """examples:
  echo '浣犲ソ锛屼笘鐣' | jingwen fix          # -> 你好，世界
  jingwen fix < broken.txt > fixed.txt
  jingwen fix --counts < broken.txt            # also print the edits on stderr
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="jingwen",
        description="净文 jingwen: turn raw scrapes of Chinese news into a clean, validated, versioned dataset.",
        epilog="Run 'jingwen COMMAND --help' for the options and examples of each command.")
    p.add_argument("--version", action="version", version=f"jingwen {PIPELINE_VERSION} (schema {SCHEMA_VERSION})")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    run = sub.add_parser("run", help="build a release of a raw folder with the Prefect flow",
                         description="Run the Prefect 'jingwen-release' flow: read every raw file, repair, clean and "
                                     "validate it, and write OUT/VERSION/ (Parquet, JSONL, rejects, manifest, "
                                     "checksums, dataset card).",
                         epilog=EPILOG_RUN, formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("--raw", default="raw", help="folder of raw files, any encoding (default: raw)")
    run.add_argument("--out", default="output", help="folder of releases (default: output)")
    run.add_argument("--version", help="release version X.Y.Z (default: next patch after the newest in OUT)")
    run.add_argument("--shard-size", type=int, default=None,
                     help=f"most documents per task (default: {DEFAULT_SHARD_SIZE}; fewer, down to "
                          f"{MIN_SHARD_SIZE}, so every core gets two)")
    run.add_argument("--max-bytes", type=int, default=DEFAULT_LIMITS.max_bytes,
                     help="larger raw files are rejected as too_large (default: %(default)s)")
    run.add_argument("--max-line-chars", type=int, default=DEFAULT_LIMITS.max_line_chars,
                     help="a longer line makes a file too_large (default: %(default)s)")
    run.add_argument("--cache", help="folder of cleaned documents reused across runs (default: OUT/.cache)")
    run.add_argument("--runner", choices=("processes", "threads", "dask"), default="processes",
                     help="where shard tasks run: local worker processes (default; below 1000 raw files and "
                          "without --workers, the flow's own process), threads, or a Dask cluster")
    run.add_argument("--workers", type=int, help="worker processes or threads (default: one per core)")
    run.add_argument("--address", help="Dask scheduler, tcp://HOST:PORT (with --runner dask; default: a "
                                       "local cluster of worker processes)")
    _card_options(run, "--name")
    run.add_argument("-v", "--verbose", action="store_true", help="show Prefect's task logs")

    serve = sub.add_parser("serve", help="rerun the release flow when raw files land (a Prefect deployment)",
                           description="Register the Prefect deployment 'jingwen-release/jingwen' with the server in "
                                       "PREFECT_API_URL and run its flow runs here, one at a time: once at "
                                       "start, whenever 'jingwen notify' reports new raw files, whenever "
                                       "polling sees the raw folder change, and on --cron. A run with "
                                       "nothing new writes nothing. Stop with Ctrl-C.",
                           epilog=EPILOG_SERVE, formatter_class=argparse.RawDescriptionHelpFormatter)
    serve.add_argument("--raw", default="raw", help="folder of raw files (default: raw)")
    serve.add_argument("--out", default="output", help="folder of releases (default: output)")
    serve.add_argument("--cache", help="folder of cleaned documents reused across runs (default: OUT/.cache)")
    serve.add_argument("--cron", help="also run on this cron schedule, e.g. '0 3 * * *' (server time zone UTC)")
    serve.add_argument("--poll", type=float, default=60.0,
                       help="seconds between looks at the raw folder; 0: only notify and cron (default: 60)")
    serve.add_argument("--name", default="jingwen", help="deployment name (default: jingwen)")
    _card_options(serve, "--dataset-name")

    notify = sub.add_parser("notify", help="tell 'jingwen serve' that new raw files landed",
                            description="Emit the Prefect event 'jingwen.raw.changed' for a raw folder; the "
                                        "deployment of 'jingwen serve' for that folder starts a run.",
                            epilog=EPILOG_NOTIFY, formatter_class=argparse.RawDescriptionHelpFormatter)
    notify.add_argument("--raw", default="raw", help="the raw folder being served (default: raw)")
    notify.add_argument("files", nargs="*", metavar="FILE", help="the new files (optional; listed in the event)")

    clean = sub.add_parser("clean", help="print one cleaned record per raw file (JSON lines; no Prefect)",
                           description="Clean raw files with the pure core and print one JSON record (or reject) "
                                       "per file. Cross-document evidence is not available here. Only regular "
                                       "files (or '-', stdin) of at most --max-bytes are read; anything else "
                                       "(a pipe, a device, a larger file) is one line on stderr and exit 1.",
                           epilog=EPILOG_CLEAN, formatter_class=argparse.RawDescriptionHelpFormatter)
    clean.add_argument("files", nargs="+", metavar="FILE", help="raw files ('-': standard input)")
    clean.add_argument("--max-bytes", type=int, default=DEFAULT_LIMITS.max_bytes,
                       help="a larger file (or stdin) is not read: one line on stderr, exit 1 (default: %(default)s)")
    clean.add_argument("--removed", action="store_true", help="include the removed lines and their reasons")

    fix = sub.add_parser("fix", help="repair and normalize text lines from stdin (the ftfy of Chinese)",
                         description="Read lines on stdin, write the same number of lines on stdout: mojibake "
                                     "repaired, pinyin annotations removed, Simplified script, Chinese "
                                     "punctuation, spacing. No boilerplate or metadata work.",
                         epilog=EPILOG_FIX, formatter_class=argparse.RawDescriptionHelpFormatter)
    fix.add_argument("--counts", action="store_true", help="print the edits by kind on stderr at the end")
    fix.add_argument("--max-bytes", type=int, default=DEFAULT_LIMITS.max_bytes,
                     help="a longer line stops the run: one line on stderr, exit 1; the lines before it are "
                          "written (default: %(default)s)")

    show = sub.add_parser("show", help="one record of a release: fields, repairs, removed lines, diff to raw",
                          description="Print one document of a release, found by id or raw file name: its "
                                      "fields, repairs and cuts, the lines removed with their reasons, and a "
                                      "diff of the raw text (from --raw, if the file is unchanged) against the "
                                      "cleaned text. A rejected file shows its reason.",
                          epilog="examples:\n"
                                 "  jingwen show 7c8bf4737df5f9ac            # by id, newest release in output/\n"
                                 "  jingwen show 000_1cf8922f1b3f8602.txt --release output/0.1.0\n"
                                 "  jingwen show raw/003_dbbf224393a5418b.txt --raw raw | less -R\n",
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    show.add_argument("key", metavar="ID|RAW_FILE")
    show.add_argument("--release", metavar="DIR", help="release folder (default: the newest in --out)")
    show.add_argument("--out", default="output", help="folder of releases (default: output)")
    show.add_argument("--raw", default="raw", help="raw folder, for the diff (default: raw)")

    verify = sub.add_parser("verify", help="check every file of a release against its SHA256SUMS",
                            description="Check a release on disk: every file listed in SHA256SUMS is present "
                                        "and matches, nothing unlisted is there, and MANIFEST.json's sha256 and "
                                        "sizes agree with SHA256SUMS and the files; with --trust, its signature. "
                                        "Exit 1 on any problem.",
                            epilog="examples:\n  jingwen verify output/0.1.0\n"
                                   "  jingwen verify data/0.1.0 --trust keys/jingwen-release.pub\n",
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    verify.add_argument("release", metavar="RELEASE_DIR")
    verify.add_argument("--trust", metavar="PUBKEY", help="also require SHA256SUMS.sig to verify with this public key")

    diff = sub.add_parser("diff", help="documents added, removed and changed between two releases",
                          description="Compare two releases by document id: added, removed, changed "
                                      "(same raw file, different cleaned record) and unchanged.",
                          epilog="examples:\n  jingwen diff output/0.1.0 output/0.1.1\n"
                                 "  jingwen diff output/0.1.0 output/0.1.1 --ids   # list the ids too\n",
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW")
    diff.add_argument("--ids", action="store_true", help="print the ids of added, removed and changed documents")

    publish = sub.add_parser("publish", help="publish a release to a folder, an object store, a git repository "
                                             "or the Hugging Face Hub",
                             description="Publish a verified release. A folder or fsspec URL (file://, s3://) "
                                         "gets DEST/VERSION/ and DEST/releases.json, updated last, so readers "
                                         "never see a half-published version (for an S3-compatible store other "
                                         "than AWS set AWS_ENDPOINT_URL). A git repository (a clone, a bare "
                                         "repository, or git+https://, git+ssh://, git+file://) and the Hub "
                                         "(hf://datasets/ORG/NAME, token from HF_TOKEN or `hf auth login`) get the "
                                         "version as their whole tree in the Hub layout, and a tag VERSION.",
                             epilog="examples:\n  jingwen publish output/0.1.0 --to /srv/datasets/jingwen\n"
                                    "  jingwen publish output/0.1.0 --to s3://my-bucket/jingwen\n"
                                    "  jingwen publish output/0.1.0 --to ../jingwen-dataset   # a git clone\n"
                                    "  jingwen publish output/0.1.0 --to git+ssh://git@example.org/data/jingwen.git\n"
                                    "  jingwen publish output/0.1.0 --to hf://datasets/my-org/jingwen-zh-news\n"
                                    "  jingwen publish output/0.1.0 --to /srv/datasets/jingwen "
                                    "--sign keys/jingwen-release.key\n",
                             formatter_class=argparse.RawDescriptionHelpFormatter)
    publish.add_argument("release", metavar="RELEASE_DIR")
    publish.add_argument("--to", required=True, metavar="DEST")
    publish.add_argument("--sign", metavar="PRIVKEY",
                         help="add SHA256SUMS.sig, an Ed25519 signature over SHA256SUMS (key from 'jingwen keygen')")

    download = sub.add_parser("download", help="fetch and verify a published release",
                              description="Fetch a release from a folder, http(s):// (interrupted files resume) "
                                          "or s3:// into DIR/VERSION/, verifying every file against SHA256SUMS. "
                                          "Without --version, the newest in SOURCE/releases.json. Each file is "
                                          "read only up to the size MANIFEST.json gives. Trusted keys: --trust, "
                                          "or fingerprints in $JINGWEN_CONFIG (default "
                                          "~/.config/jingwen/config.toml): [download] trust = [\"HEX64\"].",
                              epilog="examples:\n  jingwen download https://example.org/jingwen --to data\n"
                                     "  jingwen download s3://my-bucket/jingwen --version 0.1.0 --to data\n"
                                     "  jingwen download https://example.org/jingwen --to data "
                                     "--trust keys/jingwen-release.pub\n",
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    download.add_argument("source", metavar="SOURCE")
    download.add_argument("--version")
    download.add_argument("--to", required=True, metavar="DIR")
    download.add_argument("--trust", metavar="PUBKEY",
                          help="refuse the release unless SHA256SUMS.sig verifies with this public key (default: "
                               "a key whose fingerprint the config file trusts, if it lists any)")

    keygen = sub.add_parser("keygen", help="make an Ed25519 key pair for signing releases",
                            description="Write DIR/jingwen-release.key (private, mode 0600: keep it secret; "
                                        "'publish --sign' uses it) and DIR/jingwen-release.pub (give it to "
                                        "users: 'download --trust'). Never overwrites a key.",
                            epilog="examples:\n  jingwen keygen keys\n",
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    keygen.add_argument("folder", metavar="DIR")
    return p


def _card_options(parser: argparse.ArgumentParser, name_flag: str) -> None:
    """The options of what the dataset card says; the dataset's name is ``name_flag``
    (serve's ``--name`` is the deployment's)."""
    parser.add_argument("--card-config", metavar="TOML", help="the dataset card's name, pretty_name, license, "
                        "license_name, license_link, homepage and citation (the options below override it)")
    parser.add_argument(name_flag, dest="dataset_name", help="dataset name on the card and in the manifest "
                                                   "(default: jingwen-zh-news)")
    parser.add_argument("--license", help="SPDX id as the Hub spells it (cc-by-4.0), or 'other' (the default: "
                                          "the articles stay their publishers'; the release gets LICENSE.md)")
    parser.add_argument("--license-link", metavar="URL", help="the licence's text, for --license other")
    parser.add_argument("--homepage", metavar="URL", help="the dataset's homepage (default: none)")
    parser.add_argument("--citation", metavar="BIBTEX", help="how to cite it (default: a @misc entry of the "
                                                             "version)")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    bad = cliargs.problem(args)
    if bad:
        print(f"jingwen {args.command}: {bad}", file=sys.stderr)
        return 2
    try:
        return {"run": cmd_run, "serve": cmd_serve, "notify": cmd_notify, "clean": cmd_clean, "fix": cmd_fix,
                "show": cmd_show, "verify": cmd_verify, "diff": cmd_diff, "publish": cmd_publish,
                "download": cmd_download, "keygen": cmd_keygen}[args.command](args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a full disk, a read-only or missing folder, a network failure: one line
        print(f"jingwen {args.command}: {os_error(exc)}", file=sys.stderr)
        return 1


def os_error(exc: OSError) -> str:
    """An OSError as one line: what went wrong and on which file."""
    where = "".join(f": {name}" for name in (exc.filename, exc.filename2) if name)
    return f"{exc.strerror or exc}{where}"


def cmd_run(args: argparse.Namespace) -> int:
    if not args.verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    started = time.monotonic()
    import logging

    from jingwen.raw import discover, up_to_date
    from jingwen.release.lock import OutputLocked, output_lock
    from jingwen.validation import SuitesError, load_suites

    if not args.verbose:  # a failed run is reported below in one line, not as Prefect's traceback
        for name in ("prefect.flow_runs", "prefect.task_runs", "prefect.engine"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    try:  # refuse early and plainly what the flow would refuse later
        load_suites()
        with output_lock(pathlib.Path(args.out)):
            pass
        if args.version and (pathlib.Path(args.out) / args.version).exists():
            raise FileExistsError(f"release {args.version} already exists in {args.out}")
    except (SuitesError, OutputLocked, FileExistsError) as exc:
        print(f"jingwen run: {exc}", file=sys.stderr)
        return 1
    limits = dataclasses.replace(DEFAULT_LIMITS, max_bytes=args.max_bytes, max_line_chars=args.max_line_chars)
    card = dataclasses.asdict(cliargs.card_info(args))
    raw_root = pathlib.Path(args.raw).resolve()
    listing = discover(raw_root)
    current = None if args.version else up_to_date(raw_root, listing, args.out, limits, card)
    if current:  # nothing to do: say so without starting Prefect
        _print_summary({**current, "seconds": None}, time.monotonic() - started)
        return 0
    from jingwen.flows.local_server import RunServer, ServerFailed, configured_api_url  # no Prefect import

    api = configured_api_url()
    server = None if api else RunServer()  # boots on the other core while Prefect is imported here; ends at exit
    documents = len(listing[0])
    print(f"jingwen: releasing {args.raw}/ into {args.out}/ with Prefect "
          f"({'server ' + api if api else 'a server for this run'})", file=sys.stderr)
    try:
        from jingwen.flows.release_flow import on_runner, preload, runs_in_process
        from jingwen.validation import TableExpectationFailed, load_gx

        flow = on_runner(args.runner, args.address, args.workers, documents)
        load_gx()  # validation runs in this process: load what it needs while the server starts
        if runs_in_process(args.runner, args.workers, documents):
            preload()  # and so do the shards
        if server:
            server.wait()
        summary = flow(raw=args.raw, out=args.out, version=args.version,
                       shard_size=args.shard_size or DEFAULT_SHARD_SIZE, limits=limits, cache=args.cache, card=card)
    except (OutputLocked, FileExistsError, FileNotFoundError, ValueError, TableExpectationFailed,
            ServerFailed) as exc:
        print(f"jingwen run: {exc}", file=sys.stderr)
        return 1
    _print_summary(summary, time.monotonic() - started)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from jingwen.raw import raw_text
    from jingwen.release.versions import releases
    from jingwen.show import NotFound, find, render

    if args.release:
        release = pathlib.Path(args.release)
        if not (release / "MANIFEST.json").is_file():
            print(f"jingwen show: {release} is not a release (no MANIFEST.json)", file=sys.stderr)
            return 1
    else:
        found = releases(pathlib.Path(args.out))
        if not found:
            print(f"jingwen show: no release in {args.out}; run 'jingwen run' or pass --release DIR", file=sys.stderr)
            return 1
        release = found[-1][1]
    raw_root = pathlib.Path(args.raw)
    try:
        kind, row, removed = find(release, args.key, raw_root)
    except NotFound as exc:
        print(f"jingwen show: {exc}", file=sys.stderr)
        return 1
    text = raw_text(raw_root, row) if kind == "record" else None
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    sys.stdout.write(f"{release}\n" + render(kind, row, removed, text, color))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import logging

    from jingwen.flows.serve import NoServer, serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    try:
        serve(args.raw, args.out, cache=args.cache, cron=args.cron, poll=args.poll, name=args.name,
              card=dataclasses.asdict(cliargs.card_info(args)))
    except (NoServer, FileNotFoundError) as exc:
        print(f"jingwen serve: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_notify(args: argparse.Namespace) -> int:
    import logging

    from jingwen.flows.serve import NoServer, notify

    logging.getLogger("prefect.events.clients").setLevel(logging.CRITICAL)  # the error is printed below
    try:
        event = notify(args.raw, args.files)
    except NoServer as exc:
        print(f"jingwen notify: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"jingwen notify: cannot reach the Prefect server: {exc}", file=sys.stderr)
        return 1
    print(f"sent {event.event} for {event.resource.id} ({event.id})")
    return 0


def _print_summary(s: dict, seconds: float) -> None:
    took = (f"{seconds:.1f} s; Prefect not started" if s.get("seconds") is None else
            f"{seconds:.1f} s, of which {s['seconds']:.1f} s in the flow and the rest startup: server, imports, models")
    if s.get("up_to_date"):
        print(f"release {s['version']} is up to date: raw files, pipeline and expectations unchanged; "
              f"nothing written ({took})")
        print(f"  {s['path']}")
        return
    work = s.get("work", {})
    print(f"release {s['version']}: {s['records']} records, {s['rejects']} rejects, "
          f"{s['removed_lines']} lines cut ({took})")
    print(f"  work: {work.get('cleaned', 0)} documents cleaned, {work.get('reused', 0)} reused from the cache")
    c = s.get("changes") or {}
    if c.get("previous"):
        print(f"  changes since {c['previous']}: {c['added']} added, {c['removed']} removed, "
              f"{c['changed']} changed, {c['unchanged']} unchanged")
    for title, counts in (("rejects", s["rejects_by_reason"]), ("repairs", s["repairs_by_kind"]),
                          ("cuts", s["cuts_by_reason"])):
        if counts:
            print(f"  {title}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"  written to {s['path']}")


def cmd_clean(args: argparse.Namespace) -> int:
    from jingwen.document import Reject, clean
    from jingwen.raw import read_file, read_stdin

    limits = dataclasses.replace(DEFAULT_LIMITS, max_bytes=args.max_bytes)
    status = 0
    for name in args.files:
        try:
            raw = read_stdin(sys.stdin.buffer, limits) if name == "-" else read_file(name, limits)
        except OSError as exc:
            print(f"jingwen clean: cannot read {name}: {exc.strerror}", file=sys.stderr)
            status = 1
            continue
        if isinstance(raw, Reject):  # not a regular file, or over --max-bytes: not read at all
            print(f"jingwen clean: {name}: {raw.detail}", file=sys.stderr)
            status = 1
            continue
        result, removed = clean(raw, name)
        row = dataclasses.asdict(result)
        if isinstance(result, Reject):
            row = {"reject": True, **row}
        if args.removed:
            row["removed_lines"] = [dataclasses.asdict(r) for r in removed]
        print(json.dumps(row, ensure_ascii=False))
    return status


class _LineTooLong(Exception):
    pass


def cmd_fix(args: argparse.Namespace) -> int:
    from jingwen.fix import fix_lines
    from jingwen.repair.decode import decode_bytes

    total: Counter = Counter()
    out = sys.stdout
    ends: list[str] = []  # each line's ending, written back as it came

    def read():
        for number, raw in enumerate(iter(lambda: sys.stdin.buffer.readline(args.max_bytes + 1), b""), 1):
            if len(raw) > args.max_bytes and not raw.endswith(b"\n"):
                raise _LineTooLong(f"line {number} has more than {args.max_bytes} bytes (--max-bytes); stopped")
            ends.append("\n" if raw.endswith(b"\n") else "")
            body = raw.rstrip(b"\r\n")
            try:
                yield body.decode("utf-8")
            except UnicodeDecodeError:
                yield decode_bytes(body).text

    try:
        for fixed, counts in fix_lines(read()):
            total.update(counts)
            out.write(fixed + ends.pop())
    except _LineTooLong as exc:
        out.flush()
        print(f"jingwen fix: {exc}", file=sys.stderr)
        return 1
    out.flush()
    if args.counts:
        print(json.dumps(dict(sorted(total.items())), ensure_ascii=False), file=sys.stderr)
    return 0


def _trusted(path: str | None):
    """The public key of --trust, or None."""
    from jingwen.release.signing import load_public

    return load_public(pathlib.Path(path)) if path else None


def _download_trust(path: str | None):
    """The public key of --trust, else the fingerprints the config file trusts, or None."""
    from jingwen.release.signing import configured_trust

    return _trusted(path) if path else configured_trust()


def cmd_verify(args: argparse.Namespace) -> int:
    from jingwen.release.publish import ReleaseError, signature, verify
    from jingwen.release.signing import SignatureError

    release = pathlib.Path(args.release)
    if not release.is_dir():
        print(f"jingwen verify: {release} is not a folder", file=sys.stderr)
        return 2
    try:
        trusted = _trusted(args.trust)
        problems = verify(release)
        if not problems:
            note = signature(release, trusted)
    except (ReleaseError, SignatureError) as exc:
        print(f"jingwen verify: {exc}", file=sys.stderr)
        return 1
    for p in problems:
        print(f"{p.path}: {p.why}", file=sys.stderr)
    if problems:
        print(f"jingwen verify: {release} FAILED ({len(problems)} problems)", file=sys.stderr)
        return 1
    print(f"{release}: OK; {note}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from jingwen.release.changes import diff

    old, new = pathlib.Path(args.old), pathlib.Path(args.new)
    for d in (old, new):
        if not (d / "data").is_dir():
            print(f"jingwen diff: {d} is not a release (no data/ folder)", file=sys.stderr)
            return 2
    c = diff(old, new)
    print(f"{old.name} -> {new.name}: {len(c.added)} added, {len(c.removed)} removed, "
          f"{len(c.changed)} changed, {c.unchanged} unchanged")
    if args.ids:
        for kind in ("added", "removed", "changed"):
            for ident in getattr(c, kind):
                print(f"{kind}\t{ident}")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from jingwen.release.publish import ReleaseError, publish
    from jingwen.release.signing import SignatureError

    try:
        url = publish(pathlib.Path(args.release), args.to, pathlib.Path(args.sign) if args.sign else None)
    except (ReleaseError, SignatureError, KeyError) as exc:
        print(f"jingwen publish: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        known = cliargs.runtime_problem(exc, args.to)
        if known is None:
            raise
        print(f"jingwen publish: {known}", file=sys.stderr)
        return 1
    print(f"published {url}" + (" (signed)" if args.sign else ""))
    return 0


def cmd_download(args: argparse.Namespace) -> int:
    from jingwen.release.publish import ReleaseError, download, signature
    from jingwen.release.signing import SignatureError

    try:
        trusted = _download_trust(args.trust)
        path = download(args.source, pathlib.Path(args.to), args.version, trusted)
        note = signature(path, trusted)
    except (ReleaseError, SignatureError) as exc:
        print(f"jingwen download: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        known = cliargs.runtime_problem(exc, args.source)
        if known is None:
            raise
        print(f"jingwen download: {known}", file=sys.stderr)
        return 1
    print(f"downloaded and verified {path}; {note}")
    return 0


def cmd_keygen(args: argparse.Namespace) -> int:
    from jingwen.release.signing import config_path, fingerprint, key_id, keygen, load_public

    try:
        private, public = keygen(pathlib.Path(args.folder))
    except FileExistsError as exc:
        print(f"jingwen keygen: {exc}", file=sys.stderr)
        return 1
    print(f"key {key_id(load_public(public))}\n  private: {private} (keep it secret)\n  public:  {public}\n"
          f"  fingerprint: {fingerprint(load_public(public))} (for [download] trust in {config_path()})")
    return 0


def console() -> None:
    """The ``jingwen`` console script: :func:`main`, then the atexit handlers (Prefect's,
    the run's server stop), flushed output and ``os._exit``. Python's own teardown frees
    every object of the loaded models one at a time: ~2.5 s after a run, for memory the
    process gives back at once."""
    import atexit

    code = main()
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError as exc:
        print(f"jingwen: {os_error(exc)}", file=sys.__stderr__)
        code = code or 1
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())

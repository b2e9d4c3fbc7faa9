"""Publishing a release where one version is the whole tree: a git repository (one
commit and one tag per version) or the Hugging Face Hub (``hf://datasets/ORG/NAME``).

A release folder already is the Hub layout: the card (``README.md``) at the root,
declaring the Parquet configs ``records`` (the default), ``rejects`` and
``removed_lines``, over ``data/``, ``rejects/`` and ``removed_lines/``. Here the
branch holds the newest version only, so ``load_dataset(PATH)`` reads exactly one
version's rows; every version is a tag named by its version (``0.1.0``), for
``load_dataset(NAME, revision="0.1.0")`` or ``git checkout 0.1.0``. There is no
``releases.json`` and no version folders: those are for plain folders and object
stores (:mod:`jingwen.release.publish`), where versions sit side by side.

Git targets are a clone (a folder with ``.git``), a bare repository, or a remote
written ``git+https://…``, ``git+ssh://…`` or ``git+file://…`` (fetched into a
temporary bare repository and pushed). The commit's author and committer dates are
the release's ``created_at``, so the same release makes the same commit. The Hub
goes through ``huggingface_hub``'s ``HfApi`` (``create_repo``, one
``create_commit`` that adds the release's files and deletes the rest, then
``create_tag``); its token is the usual ``HF_TOKEN`` or ``hf auth login``.
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import tempfile

from jingwen.release.versions import parse_version

HUB_PREFIX = "hf://datasets/"
GIT_PREFIX = "git+"


class HubError(RuntimeError):
    """A release could not be published to a git repository or the Hub."""


def is_hub(dest: str) -> bool:
    return dest.startswith(HUB_PREFIX)


def is_git(dest: str) -> bool:
    """A git remote (``git+…``), a clone or a bare repository."""
    if dest.startswith(GIT_PREFIX):
        return True
    path = pathlib.Path(dest)
    bare = (path / "HEAD").is_file() and (path / "objects").is_dir()
    return "://" not in dest and ((path / ".git").exists() or bare)


def repo_id(dest: str) -> str:
    """``ORG/NAME`` of ``hf://datasets/ORG/NAME``, or HubError."""
    name = dest[len(HUB_PREFIX):].strip("/")
    if name.count("/") != 1 or not all(name.split("/")):
        raise HubError(f"{dest!r}: write a Hub dataset as hf://datasets/ORG/NAME")
    return name


def files_of(release: pathlib.Path, listed: list[str], sig: bytes | None) -> dict[str, bytes | pathlib.Path]:
    """What the published tree holds: the listed files, ``SHA256SUMS`` and the signature."""
    files: dict[str, bytes | pathlib.Path] = {rel: release / rel for rel in listed}
    files["SHA256SUMS"] = release / "SHA256SUMS"
    if sig:
        files["SHA256SUMS.sig"] = sig
    return files


def _newer(version: str, than: str | None) -> bool:
    return than is None or (parse_version(version) or (0, 0, 0)) > (parse_version(than) or (0, 0, 0))


# -- git -------------------------------------------------------------------------------

def _git(git_dir: pathlib.Path, *args: str, stdin: bytes | None = None, env: dict | None = None,
         check: bool = True) -> str:
    out = subprocess.run(["git", "--git-dir", str(git_dir), *args], input=stdin, capture_output=True,
                         env={**os.environ, **(env or {})})
    if check and out.returncode:
        raise HubError(f"git {args[0]} failed: {out.stderr.decode('utf-8', 'replace').strip()}")
    return out.stdout.decode("utf-8", "replace").strip() if out.returncode == 0 else ""


def _identity(git_dir: pathlib.Path, created_at: str) -> dict:
    """Author and committer: the repository's user, else jingwen; dated ``created_at``."""
    env = {"GIT_AUTHOR_DATE": created_at, "GIT_COMMITTER_DATE": created_at}
    if not _git(git_dir, "config", "user.name", check=False):
        env |= {"GIT_AUTHOR_NAME": "jingwen", "GIT_COMMITTER_NAME": "jingwen"}
    if not _git(git_dir, "config", "user.email", check=False):
        env |= {"GIT_AUTHOR_EMAIL": "jingwen@localhost", "GIT_COMMITTER_EMAIL": "jingwen@localhost"}
    return env


def _tree(git_dir: pathlib.Path, files: dict[str, bytes | pathlib.Path]) -> str:
    """A tree object of exactly ``files`` (written through a temporary index)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {"GIT_INDEX_FILE": str(pathlib.Path(tmp) / "index")}
        entries = []
        for rel, content in sorted(files.items()):
            data = content if isinstance(content, bytes) else content.read_bytes()
            blob = _git(git_dir, "hash-object", "-w", "--stdin", stdin=data)
            entries.append(f"100644 {blob}\t{rel}")
        _git(git_dir, "update-index", "--add", "--index-info", stdin=("\n".join(entries) + "\n").encode(), env=env)
        return _git(git_dir, "write-tree", env=env)


def publish_git(dest: str, manifest: dict, files: dict[str, bytes | pathlib.Path]) -> str:
    """Commit ``files`` as version ``manifest['version']`` to the git target ``dest``,
    tag it, and move the branch to it when it is the newest version there."""
    if dest.startswith(GIT_PREFIX):
        with tempfile.TemporaryDirectory() as tmp:
            git_dir = pathlib.Path(tmp) / "repo.git"
            remote = dest[len(GIT_PREFIX):]
            subprocess.run(["git", "init", "-q", "--bare", str(git_dir)], check=True)
            head = _git(git_dir, "ls-remote", "--symref", remote, "HEAD")
            branch = head.split("\t")[0].removeprefix("ref: ") if head.startswith("ref: ") else "refs/heads/main"
            _git(git_dir, "fetch", "-q", remote, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*")
            _git(git_dir, "symbolic-ref", "HEAD", branch)
            moved = _commit(git_dir, None, manifest, files)
            _git(git_dir, "push", "-q", remote, f"refs/tags/{manifest['version']}", *([branch] if moved else []))
    else:
        path = pathlib.Path(dest)
        work = path if (path / ".git").exists() else None
        _commit(path / ".git" if work else path, work, manifest, files)
    return f"{dest.rstrip('/')}@{manifest['version']}"


def _commit(git_dir: pathlib.Path, work: pathlib.Path | None, manifest: dict,
            files: dict[str, bytes | pathlib.Path]) -> bool:
    """The version's commit and tag in ``git_dir``; True when the branch moved to it."""
    version = manifest["version"]
    tagged = _git(git_dir, "rev-parse", "-q", "--verify", f"refs/tags/{version}^{{commit}}", check=False)
    if tagged:
        if _git(git_dir, "show", f"{tagged}:SHA256SUMS", check=False) != files["SHA256SUMS"].read_text().strip():
            raise HubError(f"the repository already has a different release {version} (tag {version})")
        return False
    if work is not None and _git(git_dir, f"--work-tree={work}", "status", "--porcelain"):
        raise HubError(f"{work} has uncommitted changes: commit or stash them before publishing into it")
    head = _git(git_dir, "rev-parse", "-q", "--verify", "HEAD", check=False)
    head_manifest = _git(git_dir, "show", "HEAD:MANIFEST.json", check=False) if head else ""
    head_version = _json_version(head_manifest)
    env = _identity(git_dir, manifest["created_at"])
    commit = _git(git_dir, "commit-tree", _tree(git_dir, files), *(["-p", head] if head else []),
                  "-m", f"jingwen release {version} ({manifest['counts']['records']} records)", env=env)
    _git(git_dir, "update-ref", f"refs/tags/{version}", commit)
    if not _newer(version, head_version):
        return False  # an older version: only its tag
    if work is not None:
        _git(git_dir, f"--work-tree={work}", "reset", "-q", "--hard", commit)
    else:
        _git(git_dir, "update-ref", "HEAD", commit)
    return True


def _json_version(manifest_text: str) -> str | None:
    try:
        version = json.loads(manifest_text).get("version")
    except (ValueError, AttributeError):
        return None
    return version if isinstance(version, str) else None


# -- the Hub -----------------------------------------------------------------------------

def publish_hub(dest: str, manifest: dict, files: dict[str, bytes | pathlib.Path], api=None) -> str:
    """One commit of ``files`` to the Hub dataset ``dest`` (``hf://datasets/ORG/NAME``)
    deleting what else the branch holds, then the version's tag. ``api`` is an
    ``HfApi`` (default: one with the usual token)."""
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi, get_token

    name, version = repo_id(dest), manifest["version"]
    if api is None:
        if not get_token():
            raise HubError("no Hugging Face token: set HF_TOKEN or run `hf auth login`")
        api = HfApi()
    try:
        api.create_repo(name, repo_type="dataset", exist_ok=True)
        tags = {t.name for t in api.list_repo_refs(name, repo_type="dataset").tags}
        if version in tags:
            raise HubError(f"{dest} already has a tag {version}: publish a new version")
        present = api.list_repo_files(name, repo_type="dataset")
        head_version = _json_version(_read_hub(api, name, "MANIFEST.json")) if "MANIFEST.json" in present else None
        if not _newer(version, head_version):
            raise HubError(f"{dest} holds {head_version}, newer than {version}: publish versions in order")
        operations = [CommitOperationAdd(path_in_repo=rel, path_or_fileobj=content if isinstance(content, bytes)
                                         else str(content)) for rel, content in sorted(files.items())]
        operations += [CommitOperationDelete(path_in_repo=rel) for rel in sorted(present)
                       if rel not in files and rel != ".gitattributes"]
        commit = api.create_commit(name, operations, repo_type="dataset",
                                   commit_message=f"jingwen release {version} ({manifest['counts']['records']} "
                                                  "records)")
        api.create_tag(name, tag=version, revision=commit.oid, repo_type="dataset",
                       tag_message=f"jingwen release {version}")
    except OSError as exc:  # HTTP errors of the Hub, no network, offline mode
        raise HubError(f"{dest}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    return f"{dest.rstrip('/')}@{version}"


def _read_hub(api, name: str, rel: str) -> str:
    path = api.hf_hub_download(name, rel, repo_type="dataset")
    return pathlib.Path(path).read_text("utf-8")

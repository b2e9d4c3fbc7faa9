"""Signed releases: a tampered release with regenerated checksums is refused, and a
signature verifies with the right key only. Small hand-made releases, no pipeline."""
import json
import pathlib

import pytest

from jingwen import cli
from jingwen.release.publish import ReleaseError, download, publish, signature, verify
from jingwen.release.signing import SIG, SignatureError, fingerprint, key_id, keygen, load_private, load_public, sign
from jingwen.release.writer import _file_entry, _write_checksums

DATA = "data/train-00000-of-00001.parquet"


def tiny_release(folder: pathlib.Path, version: str = "0.1.0") -> pathlib.Path:
    """A release folder with a data file, a manifest that lists it and SHA256SUMS."""
    release = folder / version
    (release / "data").mkdir(parents=True)
    (release / DATA).write_bytes(b"PAR1 some rows PAR1")
    (release / "README.md").write_text("card\n", "utf-8")
    manifest = {"name": "jingwen", "version": version, "created_at": "2026-12-02T00:00:00+00:00",
                "schema_version": "1.1.0", "counts": {"records": 1}, "files": [_file_entry(release, release / DATA, 1)]}
    (release / "MANIFEST.json").write_text(json.dumps(manifest), "utf-8")
    _write_checksums(release)
    return release


def resum(release: pathlib.Path) -> None:
    """Regenerate SHA256SUMS (a signature, if any, kept as it was)."""
    sig = release / SIG
    saved = sig.read_bytes() if sig.exists() else None
    sig.unlink(missing_ok=True)
    (release / "SHA256SUMS").unlink()
    _write_checksums(release)
    if saved is not None:
        sig.write_bytes(saved)


def tamper(release: pathlib.Path) -> None:
    """Change the data file and regenerate SHA256SUMS, as a writer to a mirror could."""
    (release / DATA).write_bytes(b"PAR1 other rows, longer PAR1")
    resum(release)


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    base = tmp_path_factory.mktemp("keys")
    return keygen(base / "ours"), keygen(base / "theirs")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_keygen_writes_a_private_key_for_its_owner_only(keys, capsys):
    (private, public), _ = keys
    assert private.stat().st_mode & 0o777 == 0o600
    assert b"PRIVATE KEY" in private.read_bytes() and b"PUBLIC KEY" in public.read_bytes()
    code, _, err = run(capsys, "keygen", private.parent)
    assert code == 1 and "not overwriting" in err


def test_verify_and_download_refuse_a_release_tampered_with_regenerated_sums(tmp_path, capsys):
    release = tiny_release(tmp_path / "out")
    assert verify(release) == []
    publish(release, str(tmp_path / "mirror"))
    tamper(tmp_path / "mirror" / "0.1.0")
    tamper(release)
    assert [p.path for p in verify(release)] == [DATA]
    code, _, err = run(capsys, "verify", release)
    assert code == 1 and DATA in err and "MANIFEST.json" in err and "Traceback" not in err
    with pytest.raises(ReleaseError, match=DATA):
        download(str(tmp_path / "mirror"), tmp_path / "got")
    assert not (tmp_path / "got" / "0.1.0").exists()
    code, _, err = run(capsys, "download", tmp_path / "mirror", "--to", tmp_path / "cli")
    assert code == 1 and DATA in err


def test_manifest_sizes_are_checked(tmp_path):
    release = tiny_release(tmp_path)
    manifest = json.loads((release / "MANIFEST.json").read_text("utf-8"))
    manifest["files"][0]["bytes"] += 1
    (release / "MANIFEST.json").write_text(json.dumps(manifest), "utf-8")
    resum(release)
    assert [(p.path, "MANIFEST.json says" in p.why) for p in verify(release)] == [(DATA, True)]


def test_a_signed_release_verifies_with_the_right_key_only(tmp_path, keys, capsys):
    (private, public), (_, other) = keys
    release = tiny_release(tmp_path / "out")
    mirror = tmp_path / "mirror"
    code, out, _ = run(capsys, "publish", release, "--to", mirror, "--sign", private)
    assert code == 0 and (mirror / "0.1.0" / SIG).is_file()
    code, out, _ = run(capsys, "download", mirror, "--to", tmp_path / "a", "--trust", public)
    assert code == 0 and "signature verified" in out
    got = tmp_path / "a" / "0.1.0"
    assert verify(got) == [] and key_id(load_public(public)) in signature(got, load_public(public))
    code, _, err = run(capsys, "download", mirror, "--to", tmp_path / "b", "--trust", other)
    assert code == 1 and f"not by the trusted key {key_id(load_public(other))}" in err
    assert not (tmp_path / "b" / "0.1.0").exists()
    code, out, _ = run(capsys, "download", mirror, "--to", tmp_path / "c")
    assert code == 0 and "not checked" in out
    code, out, err = run(capsys, "verify", got, "--trust", other)
    assert code == 1 and "not by the trusted key" in err


def test_trust_refuses_unsigned_and_re_signed_tampering(tmp_path, keys, capsys):
    (private, public), _ = keys
    release = tiny_release(tmp_path / "out")
    publish(release, str(tmp_path / "plain"))
    code, out, _ = run(capsys, "download", tmp_path / "plain", "--to", tmp_path / "a")
    assert code == 0 and "unsigned" in out
    code, _, err = run(capsys, "download", tmp_path / "plain", "--to", tmp_path / "b", "--trust", public)
    assert code == 1 and "unsigned" in err and not (tmp_path / "b").exists()
    publish(release, str(tmp_path / "signed"), private)
    served = tmp_path / "signed" / "0.1.0"
    tamper(served)  # and the manifest too: only the signature can tell now
    manifest = json.loads((served / "MANIFEST.json").read_text("utf-8"))
    manifest["files"] = [_file_entry(served, served / DATA, 1)]
    (served / "MANIFEST.json").write_text(json.dumps(manifest), "utf-8")
    resum(served)
    assert verify(served) == []
    code, _, err = run(capsys, "download", tmp_path / "signed", "--to", tmp_path / "c", "--trust", public)
    assert code == 1 and "does not verify" in err and not (tmp_path / "c").exists()
    (served / SIG).write_text("ed25519 not a signature\n", "utf-8")
    code, _, err = run(capsys, "download", tmp_path / "signed", "--to", tmp_path / "d", "--trust", public)
    assert code == 1 and "malformed" in err


def test_signing_an_already_published_release(tmp_path, keys):
    (private, public), _ = keys
    release = tiny_release(tmp_path / "out")
    publish(release, str(tmp_path / "mirror"))
    publish(release, str(tmp_path / "mirror"), private)
    assert "verified" in signature(tmp_path / "mirror" / "0.1.0", load_public(public))
    with pytest.raises(SignatureError, match="not an unencrypted PEM private key"):
        publish(release, str(tmp_path / "mirror"), public)


def trust_config(tmp_path: pathlib.Path, monkeypatch, text: str) -> pathlib.Path:
    config = tmp_path / "config.toml"
    config.write_text(text, "utf-8")
    monkeypatch.setenv("JINGWEN_CONFIG", str(config))
    return config


def test_a_fingerprint_in_the_config_file_is_trusted(tmp_path, keys, capsys, monkeypatch):
    (private, public), (_, other) = keys
    ours, theirs = fingerprint(load_public(public)), fingerprint(load_public(other))
    code, out, _ = run(capsys, "keygen", tmp_path / "k")
    assert code == 0 and "fingerprint: " in out
    release = tiny_release(tmp_path / "out")
    publish(release, str(tmp_path / "signed"), private)
    publish(release, str(tmp_path / "plain"))
    config = trust_config(tmp_path, monkeypatch, f'[download]\ntrust = ["{theirs}", "{ours.upper()}"]\n')
    code, out, _ = run(capsys, "download", tmp_path / "signed", "--to", tmp_path / "a")
    assert code == 0 and f"a key trusted in {config} {ours[:16]}; signature verified" in out
    code, _, err = run(capsys, "download", tmp_path / "plain", "--to", tmp_path / "b")
    assert code == 1 and "unsigned" in err and not (tmp_path / "b").exists()
    trust_config(tmp_path, monkeypatch, f'[download]\ntrust = ["{theirs}"]\n')
    code, _, err = run(capsys, "download", tmp_path / "signed", "--to", tmp_path / "c")
    assert code == 1 and f"signed by key {ours[:16]}, whose fingerprint {config} does not trust" in err
    code, out, _ = run(capsys, "download", tmp_path / "signed", "--to", tmp_path / "d", "--trust", public)
    assert code == 0 and "signature verified" in out  # --trust wins over the config file


def test_the_carried_key_is_used_only_when_trusted(tmp_path, keys, capsys, monkeypatch):
    (private, public), (other_private, _) = keys
    release = tiny_release(tmp_path / "out")
    publish(release, str(tmp_path / "signed"), private)
    served = tmp_path / "signed" / "0.1.0"
    trust_config(tmp_path, monkeypatch, f'[download]\ntrust = ["{fingerprint(load_public(public))}"]\n')
    kind, kid, sig, _ = (served / SIG).read_text("ascii").split()
    (served / SIG).write_text(f"{kind} {kid} {sig}\n", "ascii")  # the format before keys were carried
    code, _, err = run(capsys, "download", tmp_path / "signed", "--to", tmp_path / "a")
    assert code == 1 and "carries no public key" in err
    tamper(served)  # re-signed by another key that claims our key id
    forged = sign((served / "SHA256SUMS").read_bytes(), load_private(other_private)).split()
    (served / SIG).write_bytes(b" ".join([forged[0], kid.encode(), *forged[2:]]) + b"\n")
    code, _, err = run(capsys, "download", tmp_path / "signed", "--to", tmp_path / "b")
    assert code == 1 and "does not trust" in err and not (tmp_path / "b").exists()


@pytest.mark.parametrize("text", ["[download]\ntrust = 'abc'\n", "[download]\ntrust = ['0123']\n", "download = 1\n",
                                  "not toml ["])
def test_a_malformed_config_file_is_one_line(tmp_path, capsys, monkeypatch, text):
    config = trust_config(tmp_path, monkeypatch, text)
    code, _, err = run(capsys, "download", tmp_path / "nowhere", "--to", tmp_path / "got")
    assert code == 2 and err.startswith("jingwen download: ") and str(config) in err and err.count("\n") == 1

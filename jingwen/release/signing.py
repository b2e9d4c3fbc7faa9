"""Ed25519 signatures of releases: key pairs, and a detached signature over ``SHA256SUMS``.

``SHA256SUMS`` lists every file of a release with its SHA-256 (``MANIFEST.json``
among them), so one signature over its bytes covers the whole release. The
signature file ``SHA256SUMS.sig`` is one line, ``ed25519 KEY_ID SIGNATURE PUBKEY``:
the key id is the first 16 hex digits of the key's fingerprint (the SHA-256 of the
raw public key; ``jingwen keygen`` prints both), the signature and the raw public
key are base64 (files signed before the key was carried have no PUBKEY). The key id
only names the signer in messages, and the carried key is only used when its whole
fingerprint is trusted: a signature is accepted only when it verifies with a
trusted key (``--trust PUBKEY``, or a fingerprint in the config file, see
:func:`configured_trust`).
"""
from __future__ import annotations

import base64
import hashlib
import os
import pathlib
import re
import tomllib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIG = "SHA256SUMS.sig"
PRIVATE_KEY = "jingwen-release.key"
PUBLIC_KEY = "jingwen-release.pub"
MAX_SIG_BYTES = 1024
_SIG_RE = re.compile(rb"ed25519 ([0-9a-f]{16}) ([A-Za-z0-9+/]{86}==)(?: ([A-Za-z0-9+/]{43}=))?\n?")
_FINGERPRINT_RE = re.compile(r"[0-9a-f]{64}")
CONFIG_ENV = "JINGWEN_CONFIG"


class SignatureError(RuntimeError):
    """A key or a signature is missing, malformed or wrong; the message says which."""


@dataclass(frozen=True)
class Fingerprints:
    """Trusted key fingerprints (64 hex digits each) and the file that lists them."""
    values: frozenset[str]
    origin: str


Trusted = Ed25519PublicKey | Fingerprints


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public: Ed25519PublicKey) -> str:
    """A public key's fingerprint: the SHA-256 of its raw 32 bytes (64 hex digits)."""
    return hashlib.sha256(_raw(public)).hexdigest()


def key_id(public: Ed25519PublicKey) -> str:
    """The short fingerprint of a public key (16 hex digits), to name it in messages."""
    return fingerprint(public)[:16]


def config_path() -> pathlib.Path:
    """``$JINGWEN_CONFIG``, else ``$XDG_CONFIG_HOME/jingwen/config.toml`` (by default
    ``~/.config/jingwen/config.toml``)."""
    if os.environ.get(CONFIG_ENV):
        return pathlib.Path(os.environ[CONFIG_ENV])
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return pathlib.Path(base) / "jingwen" / "config.toml"


def configured_trust(path: pathlib.Path | None = None) -> Fingerprints | None:
    """The fingerprints trusted by the config file (``[download]`` ``trust = ["HEX64", ...]``),
    or None when there is no such file or it trusts none; SignatureError when malformed."""
    path = path or config_path()
    try:
        with open(path, "rb") as fh:
            config = tomllib.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SignatureError(f"cannot read the config file {path}: {exc}") from None
    section = config.get("download", {})
    values = section.get("trust", []) if isinstance(section, dict) else None
    if not isinstance(values, list) or not all(isinstance(v, str) and _FINGERPRINT_RE.fullmatch(v.lower())
                                               for v in values):
        raise SignatureError(f"{path}: [download] trust must be a list of key fingerprints, 64 hex digits each "
                             "(what 'jingwen keygen' prints)")
    return Fingerprints(frozenset(v.lower() for v in values), str(path)) if values else None


def keygen(folder: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    """Write a new key pair to ``folder`` (the private key readable by its owner only);
    never overwrites a key. Returns the private and public key paths."""
    folder.mkdir(parents=True, exist_ok=True)
    private_path, public_path = folder / PRIVATE_KEY, folder / PUBLIC_KEY
    for path in (private_path, public_path):
        if path.exists():
            raise FileExistsError(f"{path} already exists; not overwriting a key")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public_path.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                          serialization.PublicFormat.SubjectPublicKeyInfo))
    return private_path, public_path


def load_private(path: pathlib.Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in a PEM file."""
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise SignatureError(f"{path} is not an unencrypted PEM private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SignatureError(f"{path} is not an Ed25519 private key")
    return key


def load_public(path: pathlib.Path) -> Ed25519PublicKey:
    """The Ed25519 public key in a PEM file."""
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except ValueError as exc:
        raise SignatureError(f"{path} is not a PEM public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SignatureError(f"{path} is not an Ed25519 public key")
    return key


def sign(sums: bytes, key: Ed25519PrivateKey) -> bytes:
    """The contents of ``SHA256SUMS.sig`` for these ``SHA256SUMS`` bytes."""
    signature = base64.b64encode(key.sign(sums)).decode("ascii")
    public = key.public_key()
    return f"ed25519 {key_id(public)} {signature} {base64.b64encode(_raw(public)).decode('ascii')}\n".encode("ascii")


def check(sums: bytes, sig: bytes | None, trusted: Trusted | None) -> str:
    """One line on the signature of ``sums``. With a ``trusted`` key (or fingerprints), a
    signature that is missing, malformed or does not verify with it raises SignatureError."""
    m = _SIG_RE.fullmatch(sig) if sig is not None and len(sig) <= MAX_SIG_BYTES else None
    if trusted is None:
        if sig is None:
            return f"unsigned (no {SIG}): the checksums show the files are intact, not who made them"
        if m is None:
            return f"{SIG} is malformed; not checked"
        return f"signed by key {m[1].decode()}, not checked (pass --trust PUBKEY to check it)"
    wanted = (f"a key whose fingerprint {trusted.origin} trusts" if isinstance(trusted, Fingerprints)
              else f"key {key_id(trusted)}")
    if sig is None:
        raise SignatureError(f"the release is unsigned (no {SIG}) and a signature by {wanted} is required")
    if m is None:
        raise SignatureError(f"{SIG} is malformed (not 'ed25519 KEY_ID SIGNATURE PUBKEY')")
    trusted_by = "the trusted key"
    if isinstance(trusted, Fingerprints):
        trusted, trusted_by = _carried_key(m[3], trusted), f"a key trusted in {trusted.origin}"
    want = key_id(trusted)
    try:
        trusted.verify(base64.b64decode(m[2]), sums)
    except InvalidSignature:
        signer = m[1].decode()
        if signer != want:
            raise SignatureError(f"signed by key {signer}, not by the trusted key {want}") from None
        raise SignatureError(f"the signature by key {want} does not verify: SHA256SUMS was changed "
                             "after it was signed") from None
    return f"signed by {trusted_by} {want}; signature verified"


def _carried_key(encoded: bytes | None, trusted: Fingerprints) -> Ed25519PublicKey:
    """The public key a signature carries, if its fingerprint is trusted, else SignatureError."""
    if encoded is None:
        raise SignatureError(f"{SIG} carries no public key (signed by an older jingwen): pass --trust PUBKEY")
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(encoded))
    except ValueError:
        raise SignatureError(f"{SIG} carries a malformed public key") from None
    if fingerprint(public) not in trusted.values:
        raise SignatureError(f"signed by key {key_id(public)}, whose fingerprint {trusted.origin} does not trust")
    return public

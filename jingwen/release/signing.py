"""Ed25519 signatures of releases: key pairs, and a detached signature over ``SHA256SUMS``.

``SHA256SUMS`` lists every file of a release with its SHA-256 (``MANIFEST.json``
among them), so one signature over its bytes covers the whole release. The
signature file ``SHA256SUMS.sig`` is one line, ``ed25519 KEY_ID SIGNATURE``: the
key id is the first 16 hex digits of the SHA-256 of the raw public key (what
``jingwen keygen`` prints), the signature is base64. The key id only names the
signer in messages; a signature is accepted only when it verifies with the
trusted key.
"""
from __future__ import annotations

import base64
import hashlib
import os
import pathlib
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIG = "SHA256SUMS.sig"
PRIVATE_KEY = "jingwen-release.key"
PUBLIC_KEY = "jingwen-release.pub"
MAX_SIG_BYTES = 1024
_SIG_RE = re.compile(rb"ed25519 ([0-9a-f]{16}) ([A-Za-z0-9+/]{86}==)\n?")


class SignatureError(RuntimeError):
    """A key or a signature is missing, malformed or wrong; the message says which."""


def key_id(public: Ed25519PublicKey) -> str:
    """The short fingerprint of a public key (16 hex digits)."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


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
    return f"ed25519 {key_id(key.public_key())} {signature}\n".encode("ascii")


def check(sums: bytes, sig: bytes | None, trusted: Ed25519PublicKey | None) -> str:
    """One line on the signature of ``sums``. With a ``trusted`` key, a signature that is
    missing, malformed or does not verify with that key raises SignatureError."""
    m = _SIG_RE.fullmatch(sig) if sig is not None and len(sig) <= MAX_SIG_BYTES else None
    if trusted is None:
        if sig is None:
            return f"unsigned (no {SIG}): the checksums show the files are intact, not who made them"
        if m is None:
            return f"{SIG} is malformed; not checked"
        return f"signed by key {m[1].decode()}, not checked (pass --trust PUBKEY to check it)"
    want = key_id(trusted)
    if sig is None:
        raise SignatureError(f"the release is unsigned (no {SIG}) and --trust asks for a signature by key {want}")
    if m is None:
        raise SignatureError(f"{SIG} is malformed (not 'ed25519 KEY_ID SIGNATURE')")
    try:
        trusted.verify(base64.b64decode(m[2]), sums)
    except InvalidSignature:
        signer = m[1].decode()
        if signer != want:
            raise SignatureError(f"signed by key {signer}, not by the trusted key {want}") from None
        raise SignatureError(f"the signature by key {want} does not verify: SHA256SUMS was changed "
                             "after it was signed") from None
    return f"signed by the trusted key {want}; signature verified"

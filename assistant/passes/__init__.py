"""The printed pass: a signed token in a QR code that names no one, verified offline with public keys alone.

Token: "HCA1:" + base45( version | key id | pass id (8 bytes) | issued | expires (days since 2020-01-01)
| Ed25519 signature of the 14 bytes before it ). Base45 keeps the QR in alphanumeric mode: 122 characters,
QR version 5 at error correction M.
"""

from __future__ import annotations

import os
import secrets
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..config import create_once
from ..problems import Problem, codes

try:
    import fcntl
except ImportError:  # Windows: one server process there, so no worker races another
    fcntl = None

PREFIX = "HCA1:"
VERSION = 1
EPOCH = date(2020, 1, 1)
BODY = struct.Struct(">BB8sHH")  # version, key id, pass id, issued, expires
SIGNATURE = 64
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
ERROR_CODES = codes("pass")


class PassError(Problem, ValueError):
    """A pass that cannot be used; pass_expired carries its end `date`."""


def b45encode(data: bytes) -> str:
    """RFC 9285: two bytes become three characters, a last lone byte two."""
    out = []
    for i in range(0, len(data), 2):
        chunk = data[i : i + 2]
        n = int.from_bytes(chunk, "big")
        digits = 3 if len(chunk) == 2 else 2
        for _ in range(digits):
            n, d = divmod(n, 45)
            out.append(ALPHABET[d])
    return "".join(out)


def b45decode(text: str) -> bytes:
    values = [ALPHABET.index(c) if c in ALPHABET else -1 for c in text]
    if -1 in values or len(values) % 3 == 1:
        raise ValueError("not base45")
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i : i + 3]
        n = sum(v * 45**k for k, v in enumerate(chunk))
        size = 2 if len(chunk) == 3 else 1
        if n >= 256**size:
            raise ValueError("not base45")
        out += n.to_bytes(size, "big")
    return bytes(out)


@dataclass(frozen=True)
class Pass:
    key_id: int
    pass_id: str  # hex
    issued: date
    expires: date


class Keys:
    """Signing keys in the instance folder (never committed): <id>.key is private, <id>.pub public.

    A kiosk that only verifies needs the .pub files alone.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def ids(self) -> list[int]:
        return sorted(int(p.stem) for p in self.folder.glob("*.pub")) if self.folder.exists() else []

    @contextmanager
    def _held(self) -> Iterator[None]:
        """The key folder to this process alone (a lock on the folder itself: no lock file is left behind), so that
        workers starting together agree on the keys: without it, one could see key 1 half made and make key 2."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if fcntl is None:
            yield
            return
        descriptor = os.open(self.folder, os.O_RDONLY)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing lets the lock go

    def rotate(self) -> int:
        """Make a new signing key; it signs every pass from now on. Older public keys still verify."""
        with self._held():
            return self._make_next()

    def _make_next(self) -> int:
        key_id = max(self.ids(), default=0) + 1
        if key_id > 255:
            raise RuntimeError("no key ids left")
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        # Two workers starting together may both make key 1: one file wins, and both derive the public key from it.
        pem = create_once(self.folder / f"{key_id}.key", pem)
        private = serialization.load_pem_private_key(pem, password=None)
        public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        create_once(self.folder / f"{key_id}.pub", public)
        return key_id

    def signing(self) -> tuple[int, Ed25519PrivateKey]:
        if not self.ids():
            with self._held():
                if not self.ids():
                    self._make_next()  # the first run makes the first key
        key_id = self.ids()[-1]
        return key_id, self.private(key_id)

    def private(self, key_id: int) -> Ed25519PrivateKey:
        pem = (self.folder / f"{key_id}.key").read_bytes()
        return serialization.load_pem_private_key(pem, password=None)

    def public(self, key_id: int) -> Ed25519PublicKey | None:
        path = self.folder / f"{key_id}.pub"
        return Ed25519PublicKey.from_public_bytes(path.read_bytes()) if path.exists() else None


def issue(keys: Keys, issued: date, days: int) -> tuple[str, Pass]:
    """A new signed token and what it says. The pass id is random: it links to a resident only in our registry."""
    key_id, _ = keys.signing()
    found = Pass(key_id, secrets.token_bytes(8).hex(), issued, issued + timedelta(days=days))
    return token_of(keys, found), found


def token_of(keys: Keys, found: Pass) -> str:
    """A pass's token from what it says. Ed25519 signs the same body the same way every time, so a pass can be
    printed again from its registry record alone: no token is kept anywhere."""
    body = BODY.pack(
        VERSION, found.key_id, bytes.fromhex(found.pass_id), (found.issued - EPOCH).days, (found.expires - EPOCH).days
    )
    return PREFIX + b45encode(body + keys.private(found.key_id).sign(body))


def verify(keys: Keys, token: str, today: date) -> Pass:
    """Check a token's form, key and signature, then its dates. Raises PassError with the first problem found."""
    token = token.strip("\r\n\t")  # a scanner's Enter; spaces are part of base45, so they stay
    if not token.startswith(PREFIX):
        raise PassError("pass_not_recognised")
    try:
        raw = b45decode(token[len(PREFIX) :])
    except ValueError:
        raise PassError("pass_signature_invalid") from None  # our prefix, but damaged or altered
    if len(raw) != BODY.size + SIGNATURE:
        raise PassError("pass_signature_invalid")
    body, signature = raw[: BODY.size], raw[BODY.size :]
    version, key_id, pass_id, issued, expires = BODY.unpack(body)
    public = keys.public(key_id)
    if public is None:
        raise PassError("pass_unknown_key")
    try:
        public.verify(signature, body)
    except InvalidSignature:
        raise PassError("pass_signature_invalid") from None
    if version != VERSION:
        raise PassError("pass_not_recognised")
    found = Pass(key_id, pass_id.hex(), EPOCH + timedelta(days=issued), EPOCH + timedelta(days=expires))
    if today > found.expires:
        raise PassError("pass_expired", date=found.expires)
    return found

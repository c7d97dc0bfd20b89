"""WeCom's callback crypto (WXBizMsgCrypt): SHA-1 signatures and AES-256-CBC, both directions.

The scheme, as WeCom defines it:

    signature  = sha1(sorted [token, timestamp, nonce, ciphertext] joined)
    key        = base64(EncodingAESKey + "="), 32 bytes; IV = key[:16]
    plaintext  = 16 random bytes | 4-byte big-endian length | message | receive id (corp id)
    padding    = PKCS#7 to a 32-byte block (not AES's 16)

Every check that can fail raises its own `WeComCryptoError` subclass, so the callback can log
why a request was refused without ever telling the caller more than "no".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

__all__ = [
    "BadAesKey",
    "BadCiphertext",
    "BadSignature",
    "WeComCrypto",
    "WeComCryptoError",
    "WrongReceiver",
    "aes_key_problem",
]

_BLOCK = 32
_RANDOM = 16
_LENGTH = struct.Struct(">I")
_AES_KEY = re.compile(r"[A-Za-z0-9+/]{43}")


class WeComCryptoError(Exception):
    """A callback that must not be trusted; the message says which check it failed."""


class BadSignature(WeComCryptoError):
    """msg_signature does not match the token, timestamp, nonce and ciphertext."""


class BadCiphertext(WeComCryptoError):
    """Not base64, not whole AES blocks, bad padding, or a length that does not fit."""


class WrongReceiver(WeComCryptoError):
    """Decrypted fine, but for another corp (or app): the receive id differs."""


class BadAesKey(ValueError):
    """The EncodingAESKey is not 43 characters of base64."""


def aes_key_problem(encoding_aes_key: str) -> str | None:
    """Why an EncodingAESKey cannot be used, or None when it can."""
    if not _AES_KEY.fullmatch(encoding_aes_key):
        return "must be the 43 characters (A-Z a-z 0-9 + /) shown as EncodingAESKey"
    return None


def _pad(data: bytes) -> bytes:
    count = _BLOCK - len(data) % _BLOCK
    return data + bytes([count]) * count


def _unpad(data: bytes) -> bytes:
    """Strict PKCS#7 to 32 bytes: the pad byte in 1..32 and every pad byte equal to it."""
    if not data or len(data) % _BLOCK:
        raise BadCiphertext(f"plaintext of {len(data)} bytes is not whole 32-byte blocks")
    count = data[-1]
    if not 1 <= count <= _BLOCK or data[-count:] != bytes([count]) * count:
        raise BadCiphertext("bad padding")
    return data[:-count]


class WeComCrypto:
    """One app's callback crypto: its Token, EncodingAESKey and receive id (the corp id)."""

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        problem = aes_key_problem(encoding_aes_key)
        if problem:
            raise BadAesKey(f"EncodingAESKey {problem}")
        if not token:
            raise ValueError("the callback Token is empty")
        self._token = token
        self._key = base64.b64decode(encoding_aes_key + "=")
        self._receive_id = receive_id.encode()

    def signature(self, timestamp: str, nonce: str, ciphertext: str) -> str:
        parts = sorted([self._token, timestamp, nonce, ciphertext])
        return hashlib.sha1("".join(parts).encode()).hexdigest()

    def verify(self, signature: str, timestamp: str, nonce: str, ciphertext: str) -> None:
        """Raise BadSignature unless `signature` is right; constant-time, so it leaks nothing."""
        expected = self.signature(timestamp, nonce, ciphertext)
        if not hmac.compare_digest(expected.encode(), signature.lower().encode()):
            raise BadSignature("msg_signature does not match")

    def open(self, signature: str, timestamp: str, nonce: str, ciphertext: str) -> bytes:
        """The message inside a signed ciphertext: the signature is checked before decrypting."""
        self.verify(signature, timestamp, nonce, ciphertext)
        return self.decrypt(ciphertext)

    def seal(self, message: bytes, timestamp: str, nonce: str) -> tuple[str, str]:
        """(ciphertext, signature) for a passive reply."""
        ciphertext = self.encrypt(message)
        return ciphertext, self.signature(timestamp, nonce, ciphertext)

    def decrypt(self, ciphertext: str) -> bytes:
        """The message, once padding, length and receive id all check out.

        Call `verify` first (or use `open`): decrypting unsigned input would make this a
        padding oracle.
        """
        try:
            raw = base64.b64decode(ciphertext, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadCiphertext("not base64") from exc
        if not raw or len(raw) % 16:
            raise BadCiphertext(f"{len(raw)} bytes is not whole AES blocks")
        decryptor = self._cipher().decryptor()
        plain = _unpad(decryptor.update(raw) + decryptor.finalize())
        if len(plain) < _RANDOM + _LENGTH.size:
            raise BadCiphertext("too short for the random prefix and length")
        (length,) = _LENGTH.unpack_from(plain, _RANDOM)
        start = _RANDOM + _LENGTH.size
        if length > len(plain) - start:
            raise BadCiphertext("the length field runs past the end")
        receiver = plain[start + length :]
        if receiver != self._receive_id:
            raise WrongReceiver(f"receive id {receiver[:64]!r} is not ours")
        return plain[start : start + length]

    def encrypt(self, message: bytes, *, prefix: bytes | None = None) -> str:
        """Base64 ciphertext of `message`; `prefix` (16 bytes) is random unless a test fixes it."""
        prefix = os.urandom(_RANDOM) if prefix is None else prefix
        if len(prefix) != _RANDOM:
            raise ValueError("the prefix is 16 bytes")
        plain = _pad(prefix + _LENGTH.pack(len(message)) + message + self._receive_id)
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()

    def verify_url(self, signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """The GET check when the callback URL is saved: answer with the decrypted echostr."""
        plain = self.open(signature, timestamp, nonce, echostr)
        try:
            return plain.decode()
        except UnicodeDecodeError as exc:
            raise BadCiphertext("echostr is not text") from exc

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

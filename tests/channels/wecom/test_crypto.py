"""WXBizMsgCrypt against WeCom's official sample vectors, and every way a callback is refused."""

from __future__ import annotations

import base64
import re

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.channels.wecom_crypto import (
    BadAesKey,
    BadCiphertext,
    BadSignature,
    WeComCrypto,
    WrongReceiver,
    aes_key_problem,
)
from tests.channels.wecom import vectors as v


@pytest.fixture
def crypto() -> WeComCrypto:
    return WeComCrypto(v.TOKEN, v.AES_KEY, v.CORP_ID)


def _ciphertext() -> str:
    found = re.search(r"<Encrypt><!\[CDATA\[(.*?)\]\]>", v.POST_BODY)
    assert found
    return found.group(1)


def _raw_encrypt(plain: bytes) -> str:
    """AES-CBC under the sample key with no padding of ours: for hand-made bad plaintexts."""
    key = base64.b64decode(v.AES_KEY + "=")
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def test_url_verification_answers_the_official_echo(crypto: WeComCrypto) -> None:
    echo = crypto.verify_url(v.URL_SIGNATURE, v.URL_TIMESTAMP, v.URL_NONCE, v.URL_ECHOSTR)
    assert echo == v.URL_ECHO


def test_the_official_message_decrypts_to_its_xml(crypto: WeComCrypto) -> None:
    plain = crypto.open(v.POST_SIGNATURE, v.POST_TIMESTAMP, v.POST_NONCE, _ciphertext())
    assert plain.decode() == v.POST_PLAIN


def test_the_official_ciphertext_pads_past_sixteen(crypto: WeComCrypto) -> None:
    """Its pad byte is above 16, which a 16-byte PKCS#7 unpad would reject."""
    key = base64.b64decode(v.AES_KEY + "=")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    raw = decryptor.update(base64.b64decode(_ciphertext())) + decryptor.finalize()
    assert raw[-1] > 16


def test_encrypt_then_open_round_trips_and_signs(crypto: WeComCrypto) -> None:
    for message in (b"", "你好".encode(), b"x" * 31, b"y" * 32, b"z" * 1000):
        ciphertext, signature = crypto.seal(message, "1700000000", "nonce1")
        assert len(base64.b64decode(ciphertext)) % 32 == 0
        assert crypto.open(signature, "1700000000", "nonce1", ciphertext) == message


def test_a_fixed_prefix_reproduces_a_ciphertext(crypto: WeComCrypto) -> None:
    plain = v.POST_PLAIN.encode()
    one = crypto.encrypt(plain, prefix=b"0123456789abcdef")
    assert one == crypto.encrypt(plain, prefix=b"0123456789abcdef")
    assert one != crypto.encrypt(plain)
    with pytest.raises(ValueError, match="16 bytes"):
        crypto.encrypt(plain, prefix=b"short")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("signature", "0c3914025cb4b4d68103f6bfc8db550f79dcf48f"),
        ("signature", ""),
        ("signature", "签名"),
        ("timestamp", "1476422780"),
        ("nonce", "1597212915"),
    ],
)
def test_a_tampered_signature_input_is_refused_before_decrypting(
    crypto: WeComCrypto, field: str, value: str
) -> None:
    args = {
        "signature": v.POST_SIGNATURE,
        "timestamp": v.POST_TIMESTAMP,
        "nonce": v.POST_NONCE,
        "ciphertext": _ciphertext(),
    }
    args[field] = value
    with pytest.raises(BadSignature):
        crypto.open(**args)


def test_a_tampered_ciphertext_fails_its_signature(crypto: WeComCrypto) -> None:
    tampered = "A" + _ciphertext()[1:]
    with pytest.raises(BadSignature):
        crypto.open(v.POST_SIGNATURE, v.POST_TIMESTAMP, v.POST_NONCE, tampered)


def test_another_token_fails_the_signature() -> None:
    other = WeComCrypto("another-token", v.AES_KEY, v.CORP_ID)
    with pytest.raises(BadSignature):
        other.open(v.POST_SIGNATURE, v.POST_TIMESTAMP, v.POST_NONCE, _ciphertext())


def test_another_corp_is_refused() -> None:
    other = WeComCrypto(v.TOKEN, v.AES_KEY, "ww0000000000000000")
    with pytest.raises(WrongReceiver):
        other.open(v.POST_SIGNATURE, v.POST_TIMESTAMP, v.POST_NONCE, _ciphertext())


@pytest.mark.parametrize(
    ("ciphertext", "reason"),
    [
        ("not base64!", "not base64"),
        ("", "not whole AES blocks"),
        (base64.b64encode(b"x" * 20).decode(), "not whole AES blocks"),
        # One AES block decrypts to 16 bytes: not whole 32-byte blocks.
        (_raw_encrypt(b"\x10" * 16), "not whole 32-byte blocks"),
        (_raw_encrypt(b"a" * 31 + b"\x00"), "bad padding"),
        (_raw_encrypt(b"a" * 31 + b"\x21"), "bad padding"),
        (_raw_encrypt(b"a" * 28 + b"\x01\x04\x04\x04"), "bad padding"),
        (_raw_encrypt(b"a" * 16 + b"\x00\x00\x00\x09" + b"b" * 4 + b"\x08" * 8), "runs past"),
        (_raw_encrypt(b"a" * 14 + b"\x12" * 18), "too short"),
    ],
)
def test_malformed_plaintexts_are_refused(
    crypto: WeComCrypto, ciphertext: str, reason: str
) -> None:
    with pytest.raises(BadCiphertext, match=reason):
        crypto.decrypt(ciphertext)


def test_a_wrong_receive_id_in_a_well_formed_plaintext(crypto: WeComCrypto) -> None:
    body = b"r" * 16 + b"\x00\x00\x00\x02hi" + b"ww-someone-else"
    with pytest.raises(WrongReceiver):
        crypto.decrypt(_raw_encrypt(body + bytes([32 - len(body) % 32]) * (32 - len(body) % 32)))


def test_the_aes_key_is_checked_with_a_clear_message() -> None:
    assert aes_key_problem(v.AES_KEY) is None
    for bad in ("", v.AES_KEY[:-1], v.AES_KEY + "A", v.AES_KEY[:-1] + "="):
        assert aes_key_problem(bad)
        with pytest.raises(BadAesKey, match="43 characters"):
            WeComCrypto(v.TOKEN, bad, v.CORP_ID)
    with pytest.raises(ValueError, match="Token"):
        WeComCrypto("", v.AES_KEY, v.CORP_ID)

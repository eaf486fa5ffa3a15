"""Field encryption: Persian text survives, and any misuse or tampering is refused."""

from __future__ import annotations

import base64

import pytest

from panah.core.errors import InvalidInput
from panah.security.crypto import (
    DecryptionFailed,
    KeyRing,
    KeyRingNotConfigured,
    UnknownKey,
    configure_keyring,
    current_keyring,
    decrypt,
    encrypt,
    generate_key,
    key_id_of,
    keyed_hash,
    rotate,
)

NAME = "زهرا محمدی، ۱۴ ساله، ساری"
K1, K2, HASH = generate_key(), generate_key(), generate_key()


def _ring(spec: str = f"k1:{K1}") -> KeyRing:
    return KeyRing.parse(spec, hash_key=HASH)


def _e164(number: str) -> str:
    digits = "".join(ch for ch in number if ch.isdigit())
    return "+98" + digits.removeprefix("98").removeprefix("0")


def test_persian_name_round_trips_and_is_not_visible_in_the_token() -> None:
    ring = _ring()
    token = encrypt(ring, NAME, context="client.name")
    assert token.startswith("v1.k1.")
    body = base64.urlsafe_b64decode(token.split(".")[2] + "==")
    assert "زهرا".encode() not in body
    assert decrypt(ring, token, context="client.name") == NAME


def test_the_same_name_encrypts_differently_each_time() -> None:
    ring = _ring()
    assert encrypt(ring, NAME, context="c") != encrypt(ring, NAME, context="c")


def test_token_copied_into_another_column_does_not_decrypt() -> None:
    ring = _ring()
    token = encrypt(ring, "کوچه ۷، پلاک ۳", context="shelter.address")
    with pytest.raises(DecryptionFailed):
        decrypt(ring, token, context="client.name")


def _flip(token: str, index: int) -> str:
    """Change one base64 character of the body (nonce, ciphertext or tag)."""
    index %= len(token)
    replacement = "A" if token[index] != "A" else "B"
    return token[:index] + replacement + token[index + 1 :]


@pytest.mark.parametrize("index", [8, 30, -5])
def test_a_changed_character_is_refused(index: int) -> None:
    ring = _ring()
    token = encrypt(ring, NAME, context="client.name")
    with pytest.raises(DecryptionFailed):
        decrypt(ring, _flip(token, index), context="client.name")


def test_a_token_relabelled_with_another_key_id_is_refused() -> None:
    ring = _ring(f"k2:{K2},k1:{K1}")
    token = encrypt(ring, NAME, context="client.name")
    with pytest.raises(DecryptionFailed):
        decrypt(ring, token.replace("v1.k2.", "v1.k1.", 1), context="client.name")


@pytest.mark.parametrize("token", ["", "plain text", "v2.k1.AAAA", "v1.k1.", "v1.k1.AAAA"])
def test_malformed_tokens_are_refused(token: str) -> None:
    with pytest.raises(DecryptionFailed):
        decrypt(_ring(), token, context="client.name")


def test_token_from_a_key_not_in_the_ring_names_the_key() -> None:
    token = encrypt(_ring(f"k9:{K2}"), NAME, context="client.name")
    with pytest.raises(UnknownKey) as raised:
        decrypt(_ring(), token, context="client.name")
    assert raised.value.details == {"key_id": "k9"}
    assert raised.value.message_fa


def test_rotation_keeps_values_readable_and_moves_them_to_the_current_key() -> None:
    old_ring = _ring(f"k1:{K1}")
    new_ring = _ring(f"k2:{K2},k1:{K1}")
    tokens = [encrypt(old_ring, f"{NAME} {i}", context="client.name") for i in range(5)]
    rotated = [rotate(new_ring, t, context="client.name") for t in tokens]
    assert {key_id_of(t) for t in rotated} == {"k2"}
    assert [decrypt(new_ring, t, context="client.name") for t in rotated] == [
        f"{NAME} {i}" for i in range(5)
    ]
    assert decrypt(_ring(f"k2:{K2}"), rotated[0], context="client.name") == f"{NAME} 0"
    assert rotate(new_ring, rotated[0], context="client.name") == rotated[0]


def test_keyed_hash_is_stable_normalised_and_differs_per_key() -> None:
    first = keyed_hash(_ring(), "0911 123 4567", normalise=_e164)
    assert first == keyed_hash(_ring(), "+98 911 123 4567", normalise=_e164)
    assert len(first) == 64
    other_key = base64.b64decode(generate_key())
    assert first != keyed_hash(other_key, "09111234567", normalise=_e164)


def test_keyed_hash_needs_a_hash_key() -> None:
    with pytest.raises(KeyRingNotConfigured):
        keyed_hash(KeyRing.parse(f"k1:{K1}"), "09111234567", normalise=_e164)


def test_hash_key_must_not_be_an_encryption_key() -> None:
    with pytest.raises(InvalidInput):
        KeyRing.parse(f"k1:{K1}", hash_key=K1)


@pytest.mark.parametrize(
    ("spec", "hint"),
    [
        ("", "no keys"),
        ("  ", "no keys"),
        (f"k1{K1}", "not 'id:base64key'"),
        (f"k1:{K1},", "not 'id:base64key'"),
        (f":{K1}", "not 'id:base64key'"),
        ("k1:not*base64", "not valid base64"),
        (f"k1:{base64.b64encode(b'short').decode()}", "5 bytes"),
        (f"k1:{K1},k1:{K2}", "appears twice"),
        (f"k.1:{K1}", "letters, digits"),
    ],
)
def test_bad_key_ring_configuration_is_explained(spec: str, hint: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        KeyRing.parse(spec)
    assert hint in raised.value.message_en
    assert "دسته‌کلید" in raised.value.message_fa
    assert K1 not in raised.value.message_en  # never echo key material


def test_first_key_in_the_configuration_is_current_and_keys_stay_out_of_repr() -> None:
    ring = KeyRing.parse(f" k2:{K2} , k1:{K1} ")
    assert ring.current_id == "k2"
    assert set(ring.keys) == {"k2", "k1"}
    assert K2 not in repr(ring) and "keys" not in repr(ring)


def test_url_safe_base64_keys_are_accepted() -> None:
    raw = bytes(range(200, 232))
    ring = KeyRing.parse("k1:" + base64.urlsafe_b64encode(raw).decode())
    assert ring.keys["k1"] == raw


def test_encrypted_columns_refuse_to_work_before_configuration() -> None:
    configure_keyring(None)
    with pytest.raises(KeyRingNotConfigured):
        current_keyring()
    ring = _ring()
    configure_keyring(ring)
    try:
        assert current_keyring() is ring
    finally:
        configure_keyring(None)

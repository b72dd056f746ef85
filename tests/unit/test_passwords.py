"""The password policy and the hashing parameters (no database)."""

import pytest
from argon2 import PasswordHasher, profiles

from pinkbreast.config import load_settings
from pinkbreast.services.passwords import (
    common_passwords,
    make_hasher,
    password_problems,
    verify_password,
)


@pytest.mark.parametrize(
    "password",
    [
        "correct mule staple lantern",
        "x" * 7 + "Zq4!y",  # 12 characters, no rule on composition
        "日本語のとても長いパスフレーズです",
        "a" * 63 + "b" * 65,  # 128 characters
    ],
)
def test_long_passwords_of_any_composition_are_accepted(password):
    assert password_problems(password, username="marie", email="marie@example.org") == []


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("elevenchars", "password_too_short"),
        ("x" * 129, "password_too_long"),
        ("password1234", "password_common"),
        ("QWERTYUIOP123", "password_common"),
        ("P@ssw0rd1234", "password_common"),
        ("hello marie-curie 1867", "password_contains_username"),
        ("mcurie@example.org and more", "password_contains_email"),
        ("my pink-breast passphrase", "password_contains_product"),
        ("PinkBreast is the best", "password_contains_product"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, problem):
    problems = password_problems(password, username="marie-curie", email="mcurie@example.org")
    assert problem in problems


def test_the_common_password_list_is_shipped_and_large():
    words = common_passwords()
    assert len(words) > 5000
    assert all(len(word) >= 12 for word in words)


def test_production_hashing_is_argon2id_at_or_above_owasp_minimums(tmp_path):
    parameters = load_settings({"PINKBREAST_INSTANCE": str(tmp_path)}).password_hash
    assert parameters == profiles.RFC_9106_LOW_MEMORY
    assert parameters.type.name == "ID"
    assert parameters.memory_cost >= 19 * 1024 and parameters.time_cost >= 2


def test_verification_fails_safely_on_missing_or_corrupt_hashes():
    hasher = make_hasher(profiles.CHEAPEST)
    stored = hasher.hash("the right passphrase")
    assert verify_password(hasher, stored, "the right passphrase")
    assert not verify_password(hasher, stored, "the wrong passphrase")
    assert not verify_password(hasher, None, "anything at all")
    assert not verify_password(hasher, "not-a-hash", "anything at all")
    assert isinstance(hasher, PasswordHasher)

"""Password hashing (argon2id through argon2-cffi) and the password policy.

The policy follows ASVS 5.0 / NIST SP 800-63B: 12 to 128 characters, no composition rules,
any character allowed (paste too), refused when it is a known common password or contains the
username, the e-mail address or the product's name.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib.resources import files

from argon2 import Parameters, PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 128
PRODUCT_WORDS = ("pinkbreast",)
_LEET = str.maketrans("013457@$!", "oieastasi")


def make_hasher(parameters: Parameters) -> PasswordHasher:
    return PasswordHasher.from_parameters(parameters)


def hash_password(hasher: PasswordHasher, password: str) -> str:
    return hasher.hash(password)


def verify_password(hasher: PasswordHasher, stored: str | None, password: str) -> bool:
    """True when ``password`` matches ``stored``; a missing hash still costs one verification."""
    try:
        return hasher.verify(stored or _dummy_hash(hasher), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash to verify against for unknown usernames, so timing does not reveal them."""
    return hasher.hash("not a password of anyone")


def password_problems(password: str, *, username: str = "", email: str = "") -> list[str]:
    """Codes of every rule ``password`` breaks (empty list: acceptable)."""
    length = len(unicodedata.normalize("NFC", password))
    if length < MIN_LENGTH:
        return ["password_too_short"]
    if length > MAX_LENGTH:
        return ["password_too_long"]
    problems = []
    folded = password.casefold()
    if folded in common_passwords() or folded.translate(_LEET) in common_passwords():
        problems.append("password_common")
    if _contains(folded, username):
        problems.append("password_contains_username")
    if _contains(folded, email) or _contains(folded, email.partition("@")[0]):
        problems.append("password_contains_email")
    squeezed = re.sub(r"[\W_]+", "", folded.translate(_LEET))
    if any(word in squeezed for word in PRODUCT_WORDS):
        problems.append("password_contains_product")
    return problems


def _contains(folded_password: str, value: str) -> bool:
    value = value.casefold().strip()
    return len(value) >= 3 and value in folded_password


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list (never downloaded), lower-cased."""
    text = files("pinkbreast.services").joinpath("common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().casefold() for line in text.splitlines() if line and not line.startswith("#")
    )

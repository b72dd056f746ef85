"""Accounts: registration, password rules and password change (login is in ``login.py``).

Every function owns its transaction and writes its audit row in that same transaction.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable

import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from pinkbreast.db.models import User, utcnow
from pinkbreast.db.session import transaction
from pinkbreast.services import audit, rate_limit, throttle, tokens
from pinkbreast.services.passwords import hash_password, password_problems, verify_password
from pinkbreast.vocabulary import CLINICIAN

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FIRST_ADMIN = "admin"  # a username (the first account), not the role


class AccountError(ValueError):
    """The request breaks one or more rules; ``problems`` holds their codes."""

    def __init__(self, problems: list[str]):
        super().__init__(", ".join(problems))
        self.problems = problems


def normalize_username(username: str) -> str:
    return unicodedata.normalize("NFKC", username or "").strip().casefold()


def normalize_email(email: str) -> str:
    return unicodedata.normalize("NFKC", email or "").strip().lower()


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def find_user(*, session: Session, username: str) -> User | None:
    return session.scalar(sa.select(User).where(User.username == normalize_username(username)))


class RegistrationThrottled(Exception):
    """Too many registrations from this address, or in all: try again in ``retry_after`` s."""

    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


# Registrations allowed, counted in the database before any password is hashed: an argon2id
# hash costs 64 MiB and tens of milliseconds, so unthrottled sign-ups starve every other page.
REGISTER_PER_ADDRESS = rate_limit.Limit(rate=5, period=600.0)
REGISTER_IN_ALL = rate_limit.Limit(rate=30, period=60.0)


def register(
    *,
    session: Session,
    hasher: PasswordHasher,
    username: str,
    email: str,
    password: str,
    client_address: str | None = None,
    per_address: rate_limit.Limit = REGISTER_PER_ADDRESS,
    in_all: rate_limit.Limit = REGISTER_IN_ALL,
    on_email_taken: Callable[[str], object] | None = None,
) -> User | None:
    """A *pending* clinician account: it can do nothing until an administrator approves it.

    Reveals nothing about other accounts: when the username or the e-mail address is already
    taken (a concurrent registration included), nothing is created, the refusal is audited and
    ``None`` is returned; the caller answers exactly as for a new account. Rules that concern only
    what was typed (formats, password strength) raise :class:`AccountError`. Rate-limited per
    address and in all *before* hashing (:class:`RegistrationThrottled`).
    """
    address = client_address or ""
    for subject, limit in ((f"register:{address}", per_address), ("register:*", in_all)):
        wait = rate_limit.retry_after(session=session, subject=subject[:64], limit=limit)
        if wait is not None:
            raise RegistrationThrottled(wait)
    username, email = normalize_username(username), normalize_email(email)
    problems = _format_problems(username, email)
    problems += password_problems(password, username=username, email=email)
    if problems:
        raise AccountError(problems)
    password_hash = hash_password(hasher, password)  # same cost whether taken or not
    taken = _taken(session, username, email)
    if not taken:
        try:
            with transaction(session):
                user = User(
                    username=username,
                    email=email,
                    password_hash=password_hash,
                    role=CLINICIAN,
                    status="pending",
                    session_token=new_session_token(),
                )
                session.add(user)
                session.flush()
                audit.record(
                    session=session,
                    action="account.register",
                    actor_name=user.username,
                    record_type="user",
                    record_id=user.id,
                    client_address=address,
                )
            return user
        except sa.exc.IntegrityError:  # a concurrent registration took the name or the e-mail
            taken = ["username or e-mail address taken (concurrent registration)"]
    with transaction(session):
        audit.record(
            session=session,
            action="account.register",
            allowed=False,
            client_address=address,
            detail=", ".join(taken),
        )
    if on_email_taken is not None and "e-mail address taken" in taken:
        on_email_taken(email)
    return None


def _taken(session: Session, username: str, email: str) -> list[str]:
    taken = []
    if session.scalar(sa.select(User.id).where(User.username == username)):
        taken.append("username taken")
    if session.scalar(sa.select(User.id).where(User.email == email)):
        taken.append("e-mail address taken")
    return taken


def new_user(
    session: Session,
    hasher: PasswordHasher,
    username: str,
    email: str,
    password: str,
    *,
    role: str,
    status: str = "pending",
    must_change: bool = False,
) -> User:
    """Validate and add an account to ``session`` (the caller owns the transaction)."""
    username, email = normalize_username(username), normalize_email(email)
    problems = _identity_problems(session, username, email)
    problems += password_problems(password, username=username, email=email)
    if problems:
        raise AccountError(problems)
    user = User(
        username=username,
        email=email,
        password_hash=hash_password(hasher, password),
        role=role,
        status=status,
        must_change_password=must_change,
        session_token=new_session_token(),
    )
    session.add(user)
    session.flush()
    return user


def _format_problems(username: str, email: str) -> list[str]:
    problems = []
    if not _USERNAME.match(username):
        problems.append("username_invalid")
    if len(email) > 254 or not _EMAIL.match(email):
        problems.append("email_invalid")
    return problems


def _identity_problems(session: Session, username: str, email: str) -> list[str]:
    problems = _format_problems(username, email)
    if session.scalar(sa.select(User.id).where(User.username == username)):
        problems.append("username_taken")
    if session.scalar(sa.select(User.id).where(User.email == email)):
        problems.append("email_taken")
    return problems


def change_password(
    *,
    session: Session,
    hasher: PasswordHasher,
    user: User,
    current: str,
    new: str,
    client_address: str | None = None,
) -> User:
    """Check the current password, set the new one, end every other session of the account
    and revoke every API token of it (a forced change included).

    A wrong current password counts as a failed sign-in of the account from that address, and
    is slowed the same way (:class:`~pinkbreast.services.throttle.Throttled`).
    """
    user = session.get_one(User, user.id)
    address = client_address or ""
    throttle.refuse_if_throttled(session=session, account=user.username, address=address)
    problems = [] if verify_password(hasher, user.password_hash, current) else ["current_wrong"]
    problems += password_problems(new, username=user.username, email=user.email)
    if not problems and new == current:
        problems.append("password_unchanged")
    with transaction(session):
        if "current_wrong" in problems:
            throttle.record_failure(session=session, account=user.username, address=address)
        if not problems:
            forced = user.must_change_password
            set_password(hasher, user, new, must_change=False)
            tokens.revoke_all(
                session=session,
                user_id=user.id,
                reason="forced password change" if forced else "password change",
                actor=user,
                client_address=client_address,
            )
        audit.record(
            session=session,
            action="account.password_change",
            actor=user,
            record_type="user",
            record_id=user.id,
            allowed=not problems,
            client_address=client_address,
            detail=", ".join(problems) or None,
        )
    if problems:
        raise AccountError(problems)
    return user


def set_password(hasher: PasswordHasher, user: User, password: str, *, must_change: bool) -> None:
    user.password_hash = hash_password(hasher, password)
    user.password_changed_at = utcnow()
    user.must_change_password = must_change
    user.session_token = new_session_token()

"""Accounts: registration, password rules and password change (login is in ``login.py``).

Every function owns its transaction and writes its audit row in that same transaction.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from pinkbreast.db.models import User, utcnow
from pinkbreast.db.session import transaction
from pinkbreast.services import audit, throttle, tokens
from pinkbreast.services.passwords import hash_password, password_problems, verify_password

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FIRST_ADMIN = "admin"


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


def register(
    *,
    session: Session,
    hasher: PasswordHasher,
    username: str,
    email: str,
    password: str,
    client_address: str | None = None,
) -> User:
    """A *pending* clinician account: it can do nothing until an administrator approves it."""
    with transaction(session):
        user = new_user(session, hasher, username, email, password, role="clinician")
        audit.record(
            session=session,
            action="account.register",
            actor_name=user.username,
            record_type="user",
            record_id=user.id,
            client_address=client_address,
        )
    return user


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


def _identity_problems(session: Session, username: str, email: str) -> list[str]:
    problems = []
    if not _USERNAME.match(username):
        problems.append("username_invalid")
    if len(email) > 254 or not _EMAIL.match(email):
        problems.append("email_invalid")
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
    user = session.get(User, user.id)
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

"""Logging in (with throttling) and out.

Each function owns its transaction and writes its audit row in that same transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from pinkbreast.db.models import User, utcnow
from pinkbreast.db.session import transaction
from pinkbreast.services import audit, throttle
from pinkbreast.services.accounts import new_session_token, normalize_username
from pinkbreast.services.passwords import hash_password, verify_password

LoginThrottled = throttle.Throttled


def authenticate(
    *,
    session: Session,
    hasher: PasswordHasher,
    username: str,
    password: str,
    client_address: str | None = None,
) -> User | None:
    """The account if ``password`` is right, else ``None``; raise ``LoginThrottled`` when slowed.

    Deactivated accounts fail like a wrong password: one message, whatever failed. A failure
    names the account in the audit trail only when it exists: a typed unknown name (perhaps a
    password typed in the wrong box) is never stored.
    """
    name = normalize_username(username)[:64]
    address = client_address or ""
    throttle.refuse_if_throttled(session=session, account=name, address=address)
    with transaction(session):
        user = session.scalar(sa.select(User).where(User.username == name))
        valid = verify_password(hasher, user.password_hash if user else None, password)
        if user is not None and valid and user.is_active:
            _logged_in(session, hasher, user, password, address)
            return user
        throttle.record_failure(session=session, account=name, address=address)
        audit.record(
            session=session,
            action="login.failed",
            actor_name=user.username if user else None,
            record_type="user" if user else None,
            record_id=user.id if user else None,
            allowed=False,
            client_address=address,
            detail="account deactivated" if valid else None if user else "unknown account",
        )
    return None


def _logged_in(
    session: Session,
    hasher: PasswordHasher,
    user: User,
    password: str,
    client_address: str | None,
) -> None:
    throttle.clear_account(session=session, account=user.username, address=client_address or "")
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(hasher, password)
    user.last_login_at = utcnow()
    audit.record(
        session=session,
        action="login.succeeded",
        actor=user,
        record_type="user",
        record_id=user.id,
        client_address=client_address,
    )


def logout(*, session: Session, user: User, client_address: str | None = None) -> None:
    """Rotate the account's session token: any copy of the session cookie stops working."""
    with transaction(session):
        user = session.get_one(User, user.id)
        user.session_token = new_session_token()
        audit.record(
            session=session,
            action="logout",
            actor=user,
            record_type="user",
            record_id=user.id,
            client_address=client_address,
        )

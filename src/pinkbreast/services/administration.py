"""Account administration: approve, deactivate, reactivate, change role, reset password.

The last active administrator can be neither deactivated nor demoted. Refusals are audited.
Deactivation, a role change and a password reset revoke every API token of the account.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from pinkbreast.db.models import ROLES, STATUSES, User
from pinkbreast.db.session import transaction
from pinkbreast.services import audit, tokens
from pinkbreast.services.accounts import (
    FIRST_ADMIN,
    AccountError,
    new_session_token,
    new_user,
    set_password,
)
from pinkbreast.services.passwords import password_problems
from pinkbreast.vocabulary import ACTIVE, ADMIN


class NotFound(LookupError):
    pass


def list_users(*, session: Session, status: str = "") -> list[User]:
    query = sa.select(User).order_by(User.status != "pending", User.username)
    if status in STATUSES:
        query = query.where(User.status == status)
    return list(session.scalars(query))


def get_user(*, session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(user_id)
    return user


def approve(
    *, session: Session, actor: User, user_id: int, client_address: str | None = None
) -> User:
    def change(user: User) -> list[str]:
        if user.status != "pending":
            return ["not_pending"]
        user.status = "active"
        return []

    return _change(session, actor, user_id, "account.approve", change, client_address)


def deactivate(
    *, session: Session, actor: User, user_id: int, client_address: str | None = None
) -> User:
    def change(user: User) -> list[str]:
        if _is_last_admin(session, user):
            return ["last_admin"]
        user.status = "deactivated"
        user.session_token = new_session_token()
        _revoke_tokens(session, user, "deactivation", actor, client_address)
        return []

    return _change(session, actor, user_id, "account.deactivate", change, client_address)


def reactivate(
    *, session: Session, actor: User, user_id: int, client_address: str | None = None
) -> User:
    def change(user: User) -> list[str]:
        if user.status != "deactivated":
            return ["not_deactivated"]
        user.status = "active"
        return []

    return _change(session, actor, user_id, "account.reactivate", change, client_address)


def change_role(
    *, session: Session, actor: User, user_id: int, role: str, client_address: str | None = None
) -> User:
    def change(user: User) -> list[str]:
        if role not in ROLES:
            return ["role_invalid"]
        if role != ADMIN and _is_last_admin(session, user):
            return ["last_admin"]
        changed = user.role != role
        user.role = role
        user.session_token = new_session_token()
        if changed:
            _revoke_tokens(session, user, f"role change to {role}", actor, client_address)
        return []

    action = f"account.role:{role}"[:64]
    return _change(session, actor, user_id, action, change, client_address)


def reset_password(
    *,
    session: Session,
    hasher: PasswordHasher,
    actor: User,
    user_id: int,
    client_address: str | None = None,
) -> str:
    """A generated one-time password, to hand over once; it must be changed at next login."""
    temporary = generate_password()

    def change(user: User) -> list[str]:
        set_password(hasher, user, temporary, must_change=True)
        _revoke_tokens(session, user, "password reset", actor, client_address)
        return []

    _change(session, actor, user_id, "account.password_reset", change, client_address)
    return temporary


def _revoke_tokens(
    session: Session, user: User, reason: str, actor: User, address: str | None
) -> None:
    tokens.revoke_all(
        session=session, user_id=user.id, reason=reason, actor=actor, client_address=address
    )


def _change(
    session: Session,
    actor: User,
    user_id: int,
    action: str,
    change: Callable[[User], list[str]],
    address: str | None,
) -> User:
    with transaction(session):
        user = get_user(session=session, user_id=user_id)
        problems = change(user)
        audit.record(
            session=session,
            action=action,
            actor=actor,
            record_type="user",
            record_id=user.id,
            allowed=not problems,
            client_address=address,
            detail=", ".join(problems) or None,
        )
    if problems:
        raise AccountError(problems)
    return user


def _is_last_admin(session: Session, user: User) -> bool:
    """True when ``user`` is the only active administrator (rows locked until commit)."""
    if user.role != ADMIN or user.status != ACTIVE:
        return False
    admins = sa.select(User.id).where(User.role == ADMIN, User.status == ACTIVE)
    return list(session.scalars(admins.with_for_update())) == [user.id]


def generate_password() -> str:
    while True:
        password = secrets.token_urlsafe(18)
        if not password_problems(password, username=FIRST_ADMIN) and password[0] not in "-_":
            return password


def create_admin(
    *,
    session: Session,
    hasher: PasswordHasher,
    username: str,
    email: str,
    password: str,
    must_change: bool = False,
) -> User:
    """An active administrator (``pinkbreast users create-admin``, ``pinkbreast prepare``)."""
    return create_account(
        session=session,
        hasher=hasher,
        username=username,
        email=email,
        password=password,
        role=ADMIN,
        must_change=must_change,
    )


def create_account(
    *,
    session: Session,
    hasher: PasswordHasher,
    username: str,
    email: str,
    password: str,
    role: str,
    must_change: bool = False,
) -> User:
    """An active (already approved) account with ``role``, created from the command line."""
    if role not in ROLES:
        raise AccountError(["role_unknown"])
    with transaction(session):
        user = new_user(
            session,
            hasher,
            username,
            email,
            password,
            role=role,
            status="active",
            must_change=must_change,
        )
        audit.record(
            session=session,
            action="account.create_admin" if role == ADMIN else f"account.create:{role}",
            actor_name="cli",
            record_type="user",
            record_id=user.id,
        )
    return user


def ensure_first_admin(*, session: Session, hasher: PasswordHasher) -> str | None:
    """Create ``admin`` with a generated password when no active administrator exists.

    Returns the password (to show once) or ``None`` when an administrator already exists.
    The account must change its password at first login.
    """
    exists = sa.select(User.id).where(User.role == ADMIN, User.status == ACTIVE).limit(1)
    if session.scalar(exists) is not None:
        return None
    password = generate_password()
    email = f"{FIRST_ADMIN}@localhost.invalid"
    create_admin(
        session=session,
        hasher=hasher,
        username=FIRST_ADMIN,
        email=email,
        password=password,
        must_change=True,
    )
    return password

"""The e-mail that tells the owner of an address someone tried to register with it.

``/register`` answers the same whether an e-mail address is new or already used; the owner of
a used address hears of the attempt by e-mail (when SMTP is configured: ``SMTP_HOST`` ...), sent
from a background thread so that the answer's timing does not tell either.
"""

from __future__ import annotations

import json
import logging
import smtplib
import threading
from email.message import EmailMessage

from pinkbreast.config.monitoring import Smtp
from pinkbreast.services.monitoring.notify import deliver

log = logging.getLogger(__name__)

BODY = (
    "Someone tried to create a Pink Breast account with this e-mail address, which already "
    "belongs to an account. Nothing was changed and no new account was created.\n\n"
    "If it was you: sign in with your existing account (an administrator can reset its "
    "password). If it was not you, you can ignore this message.\n"
)


def registration_attempt(smtp: Smtp, email: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = "[Pink Breast] Registration attempt with your e-mail address"
    message["From"], message["To"] = smtp.sender, email
    message.set_content(BODY)
    return message


def send(smtp: Smtp, email: str) -> None:
    """Deliver the notice; a failure is logged, not raised (the client never learns of it)."""
    try:
        deliver(smtp, registration_attempt(smtp, email))
    except (OSError, smtplib.SMTPException) as exc:
        log.error(json.dumps({"event": "account.notice_failed", "error": str(exc)}))


def send_in_background(smtp: Smtp, email: str) -> threading.Thread:
    thread = threading.Thread(target=send, args=(smtp, email), daemon=True)
    thread.start()
    return thread

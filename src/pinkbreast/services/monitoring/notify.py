"""Notifications of alert changes: a webhook POST (JSON) and/or an e-mail, both optional."""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from pinkbreast.config.monitoring import AlertChannels, Smtp

log = logging.getLogger(__name__)
TIMEOUT = 5


@dataclass(frozen=True)
class Notifier:
    """Sends alert changes to the channels the settings name (each optional)."""

    channels: AlertChannels

    def send(self, change: str, kind: str, figures: Mapping[str, object]) -> None:
        """Deliver to every configured channel; a failing channel is logged, not raised."""
        payload = {"event": f"alert.{change}", "kind": kind, "figures": figures}
        url, smtp = self.channels.webhook_url, self.channels.smtp
        if url:
            _post(url, payload)
        if smtp and smtp.recipients:
            _mail(smtp, payload)


def _post(url: str, payload: Mapping[str, object]) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "pinkbreast-alerts"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            response.read()
    except OSError as exc:
        log.error(json.dumps({"event": "alert.webhook_failed", "error": str(exc)}))


def _mail(smtp: Smtp, payload: Mapping[str, Any]) -> None:
    message = EmailMessage()
    figures = payload["figures"]
    message["Subject"] = f"[Pink Breast] {payload['event']}: recall {figures.get('recall')}"
    message["From"], message["To"] = smtp.sender, ", ".join(smtp.recipients)
    message.set_content(json.dumps(payload, indent=2))
    try:
        deliver(smtp, message)
    except (OSError, smtplib.SMTPException) as exc:
        log.error(json.dumps({"event": "alert.email_failed", "error": str(exc)}))


def deliver(smtp: Smtp, message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP relay (STARTTLS and login when configured); raises
    ``OSError`` or ``smtplib.SMTPException`` when it cannot."""
    with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT) as server:
        if smtp.starttls:
            server.starttls()
        if smtp.username:
            server.login(smtp.username, smtp.password or "")
        server.send_message(message)

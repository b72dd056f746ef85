"""Notifications of alert changes: a webhook POST (JSON) and/or an e-mail, both optional."""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage

from pinkbreast.redaction import redacted_repr

log = logging.getLogger(__name__)
TIMEOUT = 5


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int = 587
    sender: str = "pinkbreast@localhost"
    recipients: tuple[str, ...] = ()
    username: str | None = None
    password: str | None = None
    starttls: bool = True

    def __repr__(self) -> str:
        return redacted_repr(self, hidden=frozenset({"password"}))


@dataclass(frozen=True)
class Notifier:
    webhook_url: str | None = None
    smtp: Smtp | None = None

    def __repr__(self) -> str:  # a webhook's address is often its secret (a token in the path)
        return redacted_repr(self, hidden=frozenset({"webhook_url"}))

    def send(self, change: str, kind: str, figures: dict) -> None:
        """Deliver to every configured channel; a failing channel is logged, not raised."""
        payload = {"event": f"alert.{change}", "kind": kind, "figures": figures}
        if self.webhook_url:
            self._post(payload)
        if self.smtp and self.smtp.recipients:
            self._mail(payload)

    def _post(self, payload: dict) -> None:
        request = urllib.request.Request(
            self.webhook_url,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": "pinkbreast-alerts"},
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                response.read()
        except OSError as exc:
            log.error(json.dumps({"event": "alert.webhook_failed", "error": str(exc)}))

    def _mail(self, payload: dict) -> None:
        smtp = self.smtp
        message = EmailMessage()
        figures = payload["figures"]
        message["Subject"] = f"[Pink Breast] {payload['event']}: recall {figures.get('recall')}"
        message["From"], message["To"] = smtp.sender, ", ".join(smtp.recipients)
        message.set_content(json.dumps(payload, indent=2))
        try:
            with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT) as server:
                if smtp.starttls:
                    server.starttls()
                if smtp.username:
                    server.login(smtp.username, smtp.password or "")
                server.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            log.error(json.dumps({"event": "alert.email_failed", "error": str(exc)}))

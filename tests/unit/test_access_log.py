"""The access log line of ``AccessLogger`` is gunicorn's own, for our format and for another."""

from __future__ import annotations

import datetime
import logging

from gunicorn.config import Config
from gunicorn.glogging import Logger

from pinkbreast.web.gunicorn_app import ACCESS_LOG_FORMAT, AccessLogger, options


class _Response:
    status = "201 CREATED"
    sent = 1234
    headers = [("Content-Type", "application/json"), ("X-Request-ID", "abc")]


class _Request:
    headers = [("HOST", "127.0.0.1:8000"), ("AUTHORIZATION", "Bearer pbk_secret"),
               ("USER-AGENT", 'wrk "quoted"')]  # fmt: skip


ENVIRON = {
    "REMOTE_ADDR": "10.0.0.7",
    "REQUEST_METHOD": "POST",
    "RAW_URI": "/api/v1/predictions?ref=clinical-value",
    "PATH_INFO": "/api/v1/predictions",
    "QUERY_STRING": "ref=clinical-value",
    "SERVER_PROTOCOL": "HTTP/1.1",
    "HTTP_USER_AGENT": 'wrk "quoted"',
}


def _line(logger_class, log_format: str, caplog) -> str:
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", log_format)
    logger = logger_class(config)
    logger.now = lambda: "[04/Dec/2026:16:00:00 +0000]"  # one clock for both lines
    logger.access_log.propagate = True  # to caplog
    took = datetime.timedelta(seconds=1, microseconds=2345)
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        caplog.clear()
        logger.access(_Response(), _Request(), ENVIRON, took)
    logger.access_log.propagate = False
    return caplog.records[-1].getMessage()


def test_our_line_is_gunicorns_line(caplog):
    ours = _line(AccessLogger, ACCESS_LOG_FORMAT, caplog)
    assert ours == _line(Logger, ACCESS_LOG_FORMAT, caplog)
    assert "clinical-value" not in ours and "pbk_secret" not in ours
    assert ours.startswith(
        '10.0.0.7 [04/Dec/2026:16:00:00 +0000] "POST /api/v1/predictions HTTP/1.1"'
    )
    assert " 201 1234 1002ms pid=<" in ours


def test_another_format_gets_gunicorns_atoms(caplog):
    other = '%(h)s "%(r)s" %(s)s "%(a)s" %({x-request-id}o)s'
    assert _line(AccessLogger, other, caplog) == _line(Logger, other, caplog)


def test_the_served_options_use_it():
    assert options(bind="127.0.0.1:0", workers=1)["logger_class"] is AccessLogger

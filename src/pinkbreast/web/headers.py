"""Security headers on every response.

The Content-Security-Policy allows scripts, styles, fonts and images from this site only, with
no inline script or style. Dynamic pages (anything not under ``/static``) are ``no-store``: they
may hold patient data or a signed-in page, and must not stay in a browser or proxy cache.
"""

from __future__ import annotations

from flask import Flask, Response, request

CSP = (
    "default-src 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'; "
    "form-action 'self'; img-src 'self' data:"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


_LOWER = {name.lower(): (name, value) for name, value in HEADERS.items()}
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def register(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response: Response) -> Response:
        # One pass over the response's headers, then appends: the same result as a
        # ``setdefault`` per header (a header the view set itself is kept), without scanning
        # the list once per header (measured: 5% of a stored API prediction's CPU).
        headers = response.headers
        present = {name.lower() for name, _ in headers}
        missing = [pair for key, pair in _LOWER.items() if key not in present]
        if not _is_static():
            if "cache-control" in present:
                headers["Cache-Control"] = "no-store"
            else:
                missing.append(("Cache-Control", "no-store"))
        if request.is_secure and "strict-transport-security" not in present:
            missing.append(HSTS)
        headers.extend(missing)
        return response


def _is_static() -> bool:
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")

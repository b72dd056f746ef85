"""OpenTelemetry traces, off unless the standard ``OTEL_*`` variables (or Azure's) ask for them.

* ``OTEL_TRACES_EXPORTER=otlp`` (with ``OTEL_EXPORTER_OTLP_ENDPOINT``) or ``console``;
* ``APPLICATIONINSIGHTS_CONNECTION_STRING``: Azure Monitor, through the
  ``azure-monitor-opentelemetry`` distribution (install ``pinkbreast[azure]``) — the supported
  successor of the OpenCensus exporter the original project used.

Nothing is started when neither is set. Spans carry the route and status, never clinical values.
"""

from __future__ import annotations

import logging
import os

from flask import Flask, g, request

log = logging.getLogger(__name__)
TRACER_NAME = "pinkbreast"


def tracer_provider_from_environment(environ=os.environ):
    """A configured ``TracerProvider``, or None when telemetry is off."""
    if environ.get("APPLICATIONINSIGHTS_CONNECTION_STRING"):
        return _azure()
    exporter = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter in ("", "none"):
        return None
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    provider = TracerProvider()
    if exporter == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    elif exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    else:
        log.warning("OTEL_TRACES_EXPORTER=%s is not supported here (otlp, console)", exporter)
        return None
    return provider


def _azure():
    try:
        from azure.monitor.opentelemetry import configure_azure_monitor
    except ImportError:
        log.error(
            "APPLICATIONINSIGHTS_CONNECTION_STRING is set but pinkbreast[azure] is not "
            "installed; telemetry is off"
        )
        return None
    configure_azure_monitor()
    from opentelemetry import trace

    return trace.get_tracer_provider()


def register(app: Flask, provider=None) -> None:
    """Trace every request when a provider is configured (or given, as in tests)."""
    provider = provider or tracer_provider_from_environment()
    if provider is None:
        return
    tracer = provider.get_tracer(TRACER_NAME)
    app.extensions["pinkbreast.tracer_provider"] = provider

    @app.before_request
    def start_span():
        g.otel_span = tracer.start_span(f"{request.method} {request.url_rule or 'unmatched'}")
        g.otel_span.set_attribute("http.request.method", request.method)
        g.otel_span.set_attribute("http.route", str(request.url_rule or ""))

    @app.teardown_request
    def end_span(_error):
        span = g.pop("otel_span", None)
        if span is not None:
            span.end()

    @app.after_request
    def status(response):
        span = g.get("otel_span")
        if span is not None:
            span.set_attribute("http.response.status_code", response.status_code)
        return response

"""OpenTelemetry: off by default; with an exporter configured every request yields a span."""

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from pinkbreast.web import create_app
from pinkbreast.web.telemetry import register, tracer_provider_from_environment


def test_nothing_is_started_without_otel_variables(settings):
    assert tracer_provider_from_environment({}) is None
    assert tracer_provider_from_environment({"OTEL_TRACES_EXPORTER": "none"}) is None
    app = create_app(settings)
    assert "pinkbreast.tracer_provider" not in app.extensions
    assert app.test_client().get("/healthz").status_code == 200


def test_console_exporter_is_built_from_the_standard_variable():
    provider = tracer_provider_from_environment({"OTEL_TRACES_EXPORTER": "console"})
    assert isinstance(provider, TracerProvider)


def test_a_request_yields_a_span_with_route_and_status_but_no_values(settings):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = create_app(settings)
    register(app, provider)
    app.test_client().get("/healthz?radius_mean=17.99")
    (span,) = exporter.get_finished_spans()
    assert span.name == "GET /healthz"
    assert span.attributes["http.response.status_code"] == 200
    assert "17.99" not in str(dict(span.attributes))

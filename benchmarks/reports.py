"""Reports: PDF generation time per report and FHIR batch Bundle throughput (issue 22).

Optional peer, measured in the same run when ``BENCH_WEASYPRINT_PYTHON`` names a Python that
has WeasyPrint installed (it is not a dependency): the same report content as HTML, rendered
by WeasyPrint, against fpdf2's time; and what each renderer adds to an install.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from html import escape

from benchmarks.common import say, write_result
from benchmarks.instance import Instance

REPORTS = 30  # PDF reports timed one by one
EXPORTED = 200  # predictions in the timed FHIR batch Bundle
AT = datetime(2026, 1, 1, tzinfo=UTC)
PEER_PACKAGES = ("weasyprint", "pydyf", "cssselect2", "tinycss2", "tinyhtml5", "pyphen",
                 "brotli", "zopfli", "cffi", "pycparser", "webencodings")  # fmt: skip
OUR_PACKAGES = ("fpdf2", "defusedxml")  # fonttools and pillow: already there for matplotlib


def run(instance: Instance, *, reports: int = REPORTS, exported: int = EXPORTED) -> dict:
    from pinkbreast.db.session import session_scope

    url = instance.env["DATABASE_URL"]
    with session_scope(url) as session:
        ids, user = _predictions(session, instance, exported)
        say(f"reports: {reports} PDF reports, then {exported} predictions as one FHIR Bundle")
        service, render, content = _pdf_times(session, instance, user, ids[:reports])
        fhir = _fhir(session, exported)
    result = {
        "reports": reports,
        "pdf_service_ms": _summary(service),
        "pdf_render_ms": _summary(render),
        "pdf_bytes": len(_render(content)),
        "fhir": fhir,
        "install_kib": {"fpdf2": _installed_kib(sys.executable, OUR_PACKAGES)},
        "peer": _peer(content, reports),
    }
    if result["peer"]:
        result["install_kib"]["weasyprint"] = result["peer"].pop("install_kib")
    path = write_result("reports", result)
    say(f"reports: {path}")
    return result


def _predictions(session, instance: Instance, n: int):
    from pinkbreast.db.models import User
    from pinkbreast.features import FEATURE_NAMES
    from pinkbreast.ml.data import load_reference
    from pinkbreast.services.predictions import Sample, Submission, create_predictions

    user = session.query(User).filter_by(username="loadtest").one()
    frame = load_reference().head(n)
    samples = [
        Sample(values={k: float(row[k]) for k in FEATURE_NAMES}, sample_ref=f"BENCH-{i:04d}")
        for i, (_, row) in enumerate(frame.iterrows())
    ]
    stored = create_predictions(
        session=session, submission=Submission(user=user, explain=False), samples=samples,
        tracking_uri=instance.tracking_uri,
    )  # fmt: skip
    return [r.id for r in stored.records], user


def _pdf_times(session, instance: Instance, user, ids: list[int]):
    """Per report: the whole service call (read, audit, render) and the rendering alone. The
    first reading of each explains it (SHAP, stored), as the result page would: not timed."""
    from pinkbreast.db.models import PredictionRecord
    from pinkbreast.reports.content import report_content
    from pinkbreast.services import reports

    def call(prediction_id: int) -> bytes:
        return reports.report_pdf(
            session=session, user=user, prediction_id=prediction_id, lang="fr",
            tracking_uri=instance.tracking_uri, generated_at=AT,
        )  # fmt: skip

    for prediction_id in ids:
        call(prediction_id)
    service = [_timed(call, prediction_id)[0] for prediction_id in ids]
    contents = [report_content(session.get(PredictionRecord, i), lang="fr") for i in ids]
    render = [_timed(_render, content)[0] for content in contents]
    return service, render, contents[0]


def _render(content) -> bytes:
    from pinkbreast.reports.pdf import render_pdf

    return render_pdf(content, generated_at=AT)


def _fhir(session, n: int) -> dict:
    from fhir.resources.R4B.bundle import Bundle

    from pinkbreast.services import reports

    seconds, (bundle, count) = _timed(
        lambda: reports.export_bundle(
            session=session,
            since=None,
            lang="en",
            base="https://pinkbreast.test/fhir",
            generated_at=AT,
        )  # fmt: skip
    )
    serialise, text = _timed(bundle.model_dump_json)
    parse, _ = _timed(Bundle.model_validate_json, text)
    return {
        "predictions": count,
        "resources": len(bundle.entry),
        "build_s": round(seconds, 2),
        "predictions_per_s": round(count / seconds, 1),
        "serialise_s": round(serialise, 2),
        "parse_validate_s": round(parse, 2),
        "bundle_mb": round(len(text) / 2**20, 1),
    }


def _timed(function, *args):
    start = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - start, value


def _summary(seconds: list[float]) -> dict:
    ms = sorted(1000 * s for s in seconds)
    return {
        "median": round(statistics.median(ms), 1),
        "p95": round(ms[int(0.95 * (len(ms) - 1))], 1),
        "min": round(ms[0], 1),
    }


SIZE = """
import sys
from importlib import metadata
total = 0
for name in sys.argv[1:]:
    try:
        total += sum(f.size or 0 for f in metadata.distribution(name).files or [])
    except metadata.PackageNotFoundError:
        pass
print(total // 1024)
"""


def _installed_kib(python: str, names) -> int:
    """What the distributions ``names`` install (the sizes in their RECORD), in KiB."""
    done = subprocess.run([python, "-c", SIZE, *names], capture_output=True, text=True, check=True)
    return int(done.stdout)


PEER = """
import sys, time, json, weasyprint
html = sys.stdin.read()
weasyprint.HTML(string=html).write_pdf()  # warm-up: imports, font discovery
times = []
for _ in range(int(sys.argv[1])):
    start = time.perf_counter()
    pdf = weasyprint.HTML(string=html).write_pdf()
    times.append(time.perf_counter() - start)
print(json.dumps({"times": times, "bytes": len(pdf), "version": weasyprint.__version__}))
"""


def _peer(content, n: int) -> dict | None:
    python = os.environ.get("BENCH_WEASYPRINT_PYTHON")
    if not python:
        say("reports: no BENCH_WEASYPRINT_PYTHON, the WeasyPrint peer is skipped")
        return None
    done = subprocess.run([python, "-c", PEER, str(n)], input=_html(content),
                          capture_output=True, text=True, check=True)  # fmt: skip
    measured = json.loads(done.stdout)
    return {
        "weasyprint": measured["version"],
        "render_ms": _summary(measured["times"]),
        "pdf_bytes": measured["bytes"],
        "install_kib": _installed_kib(python, PEER_PACKAGES),
    }


def _html(content) -> str:
    """The same report as HTML with print CSS: headings, verdict, bars, the 30-row table."""
    from pinkbreast.features import BY_NAME
    from pinkbreast.reports.wording import number, percent, words

    text = words(content.lang)
    bars = "".join(
        f"<div>{escape(BY_NAME[n].label(content.lang))} <span style='display:inline-block;"
        f"background:#b0245d;height:8px;width:{abs(v) * 300:.0f}px'></span> {100 * v:+.1f}</div>"
        for n, v in content.contributions
    )
    rows = "".join(
        f"<tr><td>{escape(BY_NAME[m.name].label(content.lang))}</td>"
        f"<td>{number(m.value, content.lang)}</td><td>{number(m.reference_min, content.lang)} – "
        f"{number(m.reference_max, content.lang)}</td><td>{m.flag}</td></tr>"
        for m in content.measurements
    )
    return (
        "<html><head><style>@page{size:A4;margin:15mm;@bottom-right{content:counter(page)}}"
        "body{font-family:'DejaVu Sans';font-size:9pt}table{border-collapse:collapse;width:100%}"
        "td{border-bottom:1px solid #ccc}</style></head><body>"
        f"<h1>{escape(text['title'])}</h1><p>{escape(content.reference)}</p>"
        f"<h2>{escape(text[f'zone.{content.zone}'])}</h2>"
        f"<p>{escape(text['probability'])}: {percent(content.probability, content.lang)}</p>"
        f"<h3>{escape(text['why'])}</h3>{bars}<h3>{escape(text['measurements'])}</h3>"
        f"<table>{rows}</table><p>{escape(text['disclaimer'])}</p></body></html>"
    )

"""One prediction as FHIR R4 resources, and many as one ``batch`` Bundle.

Models from ``fhir.resources.R4B`` (FHIR 4.3.0): R4B changed only the medication-definition,
evidence and subscription resources, so the DiagnosticReport, Observation, Device, Bundle and
CodeSystem written here read the same in R4 (4.0.1) — docs/integration.md lists the elements.

Every resource has an id of its own derived from the prediction, and every Bundle entry is a
``PUT`` to that id: sending a bundle twice, or again after an outcome is confirmed (the report
then ``amended``), updates the same records on the receiving server instead of duplicating them.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from datetime import datetime

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.device import Device
from fhir.resources.R4B.diagnosticreport import DiagnosticReport
from fhir.resources.R4B.observation import Observation

from pinkbreast.reports import codes
from pinkbreast.reports.content import ReportContent
from pinkbreast.reports.wording import probability, words
from pinkbreast.vocabulary import LABEL_OF_DIAGNOSIS

UCUM = "http://unitsofmeasure.org"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
SECTION = "http://terminology.hl7.org/CodeSystem/v2-0074"  # diagnostic service sections
FLAGS = {"low": ("L", "Low"), "high": ("H", "High")}


def identifier_system(base: str, kind: str) -> str:
    return f"{base.rstrip('/')}/sid/{kind}"


def report_resources(content: ReportContent, pdf: bytes, *, base: str) -> list:
    """The DiagnosticReport first, then its Observations and the model's Device."""
    device = model_device(content.model_version, base=base)
    observations = _observations(content, base, _device_id(content.model_version))
    return [_diagnostic_report(content, pdf, base, observations), *observations, device]


def batch_bundle(reports: Iterable[list], *, timestamp: datetime) -> Bundle:
    """A ``batch`` Bundle of every resource of ``reports`` (each a :func:`report_resources`),
    one ``PUT`` entry per resource; a model's Device appears once."""
    entries, seen = [], set()
    for resources in reports:
        for resource in resources:
            key = (resource.get_resource_type(), resource.id)
            if key in seen:
                continue
            seen.add(key)
            entries.append(
                {"resource": resource, "request": {"method": "PUT", "url": "/".join(key)}}
            )
    return Bundle.model_validate({"type": "batch", "timestamp": timestamp, "entry": entries})


# Resources are validated from plain values (``model_validate``): the models' fields are typed as
# their element classes, which a nested dict is checked and converted into.
def model_device(model_version: str, *, base: str) -> Device:
    return Device.model_validate(
        {
            "id": _device_id(model_version),
            "identifier": [{"system": identifier_system(base, "model"), "value": model_version}],
            "status": "active",
            "manufacturer": "Pink Breast",
            "deviceName": [{"name": "pinkbreast", "type": "model-name"}],
            "type": {"text": "Machine-learning decision-support model (breast FNA cytology)"},
            "version": [{"value": model_version}],
        }
    )


def _device_id(model_version: str) -> str:
    return _id(f"pinkbreast-model-{model_version}")


def _id(text: str) -> str:
    """A FHIR id (letters, digits, '-' and '.', at most 64)."""
    return re.sub(r"[^A-Za-z0-9.-]", "-", text)[:64]


def _code(base: str, system: str, code: str) -> dict:
    shown = codes.display(system, code)
    return {"coding": [{"system": codes.url(base, system), "code": code, "display": shown}]}


def _common(content: ReportContent, base: str) -> dict:
    """What every resource about this sample shares: status, subject and times."""
    return {
        "status": "amended" if content.amended else "final",
        "subject": _subject(content, base),
        "effectiveDateTime": content.sample_date or content.requested_at,
        "issued": content.last_changed,
    }


def _subject(content: ReportContent, base: str) -> dict:
    """The sample's opaque reference (never a name): the hospital's systems resolve it."""
    if content.sample_ref:
        return {"identifier": {"system": identifier_system(base, "sample-ref"),
                               "value": content.sample_ref}}  # fmt: skip
    return {"identifier": {"system": identifier_system(base, "prediction"),
                           "value": str(content.prediction_id)}}  # fmt: skip


def _observations(content: ReportContent, base: str, device_id: str) -> list[Observation]:
    prefix = f"pinkbreast-{content.prediction_id}"
    common = {**_common(content, base), "device": {"reference": f"Device/{device_id}"}}
    results = codes.RESULTS
    observations = [
        Observation.model_validate(
            {
                "id": f"{prefix}-probability",
                "code": _code(base, results, codes.PROBABILITY),
                "valueQuantity": _percent(content.probability),
                "component": [
                    {"code": _code(base, results, code), "valueQuantity": _percent(value)}
                    for code, value in (
                        (codes.THRESHOLD, content.threshold),
                        (codes.BAND_LOWER, content.band[0]),
                        (codes.BAND_UPPER, content.band[1]),
                    )
                ],
                **common,
            }
        ),
        Observation.model_validate(
            {
                "id": f"{prefix}-zone",
                "code": _code(base, results, codes.ZONE),
                "valueCodeableConcept": _code(base, results, content.zone),
                **common,
            }
        ),
    ]
    for m in content.measurements:
        measured = {
            "id": _id(f"{prefix}-{m.name}"),
            "code": _code(base, codes.MEASUREMENTS, m.name),
            "valueQuantity": {"value": m.value},  # WDBC documents no units
            "referenceRange": [
                {
                    "low": {"value": m.reference_min},
                    "high": {"value": m.reference_max},
                    "text": "Observed range in the 569 WDBC reference cases",
                }
            ],
            **common,
        }
        if m.flag:
            code, display = FLAGS[m.flag]
            measured["interpretation"] = [
                {"coding": [{"system": INTERPRETATION, "code": code, "display": display}]}
            ]
        observations.append(Observation.model_validate(measured))
    if content.outcome is not None:
        diagnosis = LABEL_OF_DIAGNOSIS[content.outcome.diagnosis]
        observations.append(
            Observation.model_validate(
                {
                    "id": f"{prefix}-confirmed-diagnosis",
                    "status": "final",
                    "subject": common["subject"],
                    "code": _code(base, results, codes.DIAGNOSIS),
                    "effectiveDateTime": content.outcome.confirmed_on,
                    "issued": content.outcome.recorded_at,
                    "valueCodeableConcept": _code(base, results, diagnosis),
                    "note": [{"text": content.outcome.note}] if content.outcome.note else None,
                }
            )
        )
    return observations


def _percent(share: float) -> dict:
    return {"value": round(100 * share, 4), "unit": "%", "system": UCUM, "code": "%"}


def _diagnostic_report(content, pdf: bytes, base: str, observations) -> DiagnosticReport:
    text = words(content.lang)
    return DiagnosticReport.model_validate({
        "id": f"pinkbreast-{content.prediction_id}",
        "identifier": [{"system": identifier_system(base, "prediction"),
                        "value": str(content.prediction_id)}],
        "category": [{"coding": [{"system": SECTION, "code": "CP",
                                  "display": "Cytopathology"}]}],
        "code": _code(base, codes.RESULTS, codes.REPORT_CODE),
        "performer": [{"identifier": {"system": identifier_system(base, "user"),
                                      "value": content.requested_by},
                       "display": content.requested_by}],
        "result": [{"reference": f"Observation/{o.id}"} for o in observations],
        "conclusion": _conclusion(content),
        "conclusionCode": [_code(base, codes.RESULTS, content.zone)],
        "presentedForm": [{
            "contentType": "application/pdf",
            "language": content.lang,
            "data": base64.b64encode(pdf),
            "size": len(pdf),
            "hash": base64.b64encode(hashlib.sha1(pdf).digest()),  # FHIR's Attachment.hash
            "title": f"{text['title']} · {content.reference}",
            "creation": content.last_changed,
        }],
        **_common(content, base),
    })  # fmt: skip


def _conclusion(content: ReportContent) -> str:
    """The report's verdict in one line, in the report's language."""
    text = words(content.lang)
    colon = " :" if content.lang == "fr" else ":"
    parts = [
        f"{text['zone']}{colon} {text[f'zone.{content.zone}'][2:]}",
        f"{text['probability']}{colon} {probability(content.probability, content.lang)}",
    ]
    if content.outcome is not None:
        parts.append(f"{text['outcome']}{colon} {text[f'outcome.{content.outcome.diagnosis}']}")
    image = content.image_line(text) + " " if content.image_sha256 else ""
    return ". ".join(parts) + ". " + image + text["disclaimer"]

"""The PDF report of one prediction (fpdf2: pure Python, fonts embedded, no network).

The same content and generation time give the same bytes: the creation date is the one passed
in, the file identifier is a hash of the document, and nothing else varies.
"""

from __future__ import annotations

from datetime import datetime

from fpdf import FPDF

from pinkbreast.reports.chart import TOWARDS_BENIGN, TOWARDS_MALIGNANT, draw_contributions
from pinkbreast.reports.content import ReportContent
from pinkbreast.reports.fonts import font_files
from pinkbreast.reports.table import draw_measurements
from pinkbreast.reports.wording import day, moment, percent, probability, words

FAMILY = "dejavu"
ZONE_COLOURS = {
    "malignant": TOWARDS_MALIGNANT,
    "indeterminate": (158, 101, 0),
    "benign": TOWARDS_BENIGN,
    "check_input": (74, 74, 74),
}


class _Report(FPDF):
    def __init__(self, content: ReportContent, generated_at: datetime):
        super().__init__(format="A4")
        self.content, self.generated_at = content, generated_at
        self.digest = content.sha256()
        self.set_creation_date(generated_at)
        self.set_title(f"{words(content.lang)['title']} · {content.reference}")
        self.set_lang(content.lang)
        self.set_creator(f"Pink Breast {content.software_version}")
        self.set_producer("fpdf2")
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=22)
        for style, path in font_files().items():
            self.add_font(FAMILY, style, str(path))

    def footer(self) -> None:
        text, content = words(self.content.lang), self.content
        self.set_y(-17)
        self.set_font(FAMILY, size=7)
        self.set_text_color(80, 80, 80)
        page = text["footer_page"].format(page=self.page_no(), pages="{nb}")
        generated = text["footer_generated"].format(
            when=moment(self.generated_at), software=content.software_version
        )
        self.cell(0, 4, f"{content.reference} · {page}", align="R", new_x="LMARGIN", new_y="NEXT")
        self.cell(
            0,
            4,
            text["footer_hash"].format(digest=self.digest),
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.cell(0, 4, generated)


def render_pdf(content: ReportContent, *, generated_at: datetime) -> bytes:
    """The report as PDF bytes; ``generated_at`` (aware) is printed and set as creation date."""
    pdf = _Report(content, generated_at)
    pdf.add_page()
    for section in (_heading, _verdict, _explanation, _outcome, _measurements, _disclaimer):
        section(pdf, content)
    return bytes(pdf.output())


def _heading(pdf: _Report, c: ReportContent) -> None:
    text = words(c.lang)
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 7, text["title"], align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    rows = [
        (text["sample"], c.reference),
        (text["sample_date"], day(c.sample_date) if c.sample_date else "—"),
        (text["prediction"], f"#{c.prediction_id} · " + text["requested"].format(
            user=c.requested_by, when=moment(c.requested_at))),
        (text["source"], text[f"source.{c.source}"]),
    ]  # fmt: skip
    for label, value in rows:
        pdf.set_font(FAMILY, "", 9)
        pdf.cell(45, 5, label)
        pdf.set_font(FAMILY, "B" if label == text["sample"] else "", 9)
        pdf.multi_cell(0, 5, value, align="L", new_x="LMARGIN", new_y="NEXT")
    if c.amended:
        _note(pdf, text["amended"])
    pdf.ln(3)


def _verdict(pdf: _Report, c: ReportContent) -> None:
    text, colour = words(c.lang), ZONE_COLOURS[c.zone]
    top = pdf.get_y()
    pdf.set_x(pdf.l_margin + 4)
    pdf.set_text_color(*colour)
    pdf.set_font(FAMILY, "B", 13)
    colon = " :" if c.lang == "fr" else ":"
    pdf.cell(
        0,
        8,
        f"{text['zone']}{colon} {text[f'zone.{c.zone}']}",
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(0, 0, 0)
    lines = [
        ("B", 11, f"{text['probability']}{colon} {probability(c.probability, c.lang)}"),
        ("", 9, text["operating"].format(
            threshold=percent(c.threshold, c.lang),
            lower=percent(c.band[0], c.lang),
            upper=percent(c.band[1], c.lang),
        )),
        ("", 9, text[f"zone_note.{c.zone}"]),
        ("B", 9, c.image_line(text)),
        ("", 8, text["model"].format(version=c.model_version, software=c.software_version)),
        ("", 8, c.evidence),
    ]  # fmt: skip
    for style, size, line in lines:
        if line:
            pdf.set_x(pdf.l_margin + 4)
            pdf.set_font(FAMILY, style, size)
            pdf.multi_cell(pdf.epw - 8, size * 0.5, line, align="L", new_x="LMARGIN", new_y="NEXT")
    bottom = pdf.get_y() + 2
    pdf.set_draw_color(*colour)
    pdf.set_line_width(0.6)
    pdf.rect(pdf.l_margin, top - 2, pdf.epw, bottom - top + 2)
    pdf.set_y(bottom + 4)


def _section_title(pdf: _Report, title: str) -> None:
    pdf.set_font(FAMILY, "B", 11)
    pdf.cell(0, 7, title, align="L", new_x="LMARGIN", new_y="NEXT")


def _note(pdf: _Report, line: str) -> None:
    """A line that explains rather than states: smaller, in grey."""
    pdf.set_font(FAMILY, "", 8)
    pdf.set_text_color(90, 90, 90)
    pdf.multi_cell(0, 4, line, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _explanation(pdf: _Report, c: ReportContent) -> None:
    text = words(c.lang)
    _section_title(pdf, text["why"])
    pdf.set_font(FAMILY, "", 8)
    if not c.contributions:
        pdf.multi_cell(0, 4, text["why_none"], align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        return
    base = percent(c.base_value, c.lang) if c.base_value is not None else "—"
    _note(pdf, text["why_note"].format(base=base))
    if c.explanation_method:
        _note(pdf, text["why_method"].format(method=c.explanation_method))
    pdf.ln(2)
    draw_contributions(pdf, c)
    pdf.ln(3)


def _outcome(pdf: _Report, c: ReportContent) -> None:
    text = words(c.lang)
    _section_title(pdf, text["outcome"])
    pdf.set_font(FAMILY, "", 9)
    if c.outcome is None:
        line = text["outcome_none"]
    else:
        line = text["outcome_line"].format(
            diagnosis=text[f"outcome.{c.outcome.diagnosis}"],
            date=day(c.outcome.confirmed_on),
            user=c.outcome.recorded_by,
            when=moment(c.outcome.recorded_at),
        )
        if c.outcome.note:
            line += f"\n{c.outcome.note}"
    pdf.multi_cell(0, 5, line, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _measurements(pdf: _Report, c: ReportContent) -> None:
    text = words(c.lang)
    _section_title(pdf, text["measurements"])
    _note(pdf, text["measurements_note"])
    pdf.ln(1)
    draw_measurements(pdf, c, FAMILY)
    pdf.ln(4)


def _disclaimer(pdf: _Report, c: ReportContent) -> None:
    pdf.set_draw_color(31, 36, 48)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.ln(2)
    pdf.set_font(FAMILY, "B", 8.5)
    pdf.multi_cell(0, 4.5, words(c.lang)["disclaimer"], align="L", new_x="LMARGIN", new_y="NEXT")

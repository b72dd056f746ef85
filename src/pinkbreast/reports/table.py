"""The 30 measurements as a table drawn cell by cell (fpdf2's table helper took most of a
report's time), its heading repeated on a new page, flagged rows in bold."""

from __future__ import annotations

from fpdf import FPDF

from pinkbreast.features import BY_NAME
from pinkbreast.reports.content import ReportContent
from pinkbreast.reports.wording import number, words

WIDTHS, ALIGNS = (80.0, 30.0, 45.0, 25.0), ("L", "R", "R", "L")
ROW = 4.8


def draw_measurements(pdf: FPDF, content: ReportContent, family: str) -> None:
    text = words(content.lang)
    heading = [text["measurement"], text["value"], text["range"], text["flag"]]
    pdf.set_draw_color(190, 190, 190)
    pdf.set_line_width(0.1)
    _row(pdf, heading, family, "B", (225, 225, 225))
    for index, m in enumerate(content.measurements):
        if pdf.will_page_break(ROW):
            pdf.add_page()
            _row(pdf, heading, family, "B", (225, 225, 225))
        low, high = number(m.reference_min, content.lang), number(m.reference_max, content.lang)
        cells = [
            BY_NAME[m.name].label(content.lang),
            number(m.value, content.lang),
            f"{low} – {high}",
            text[f"flag.{m.flag}"] if m.flag else "",
        ]
        fill = (246, 246, 246) if index % 2 else None
        _row(pdf, cells, family, "B" if m.flag else "", fill)


def _row(pdf: FPDF, cells: list[str], family: str, style: str, fill) -> None:
    pdf.set_font(family, style, 8)
    if fill:
        pdf.set_fill_color(*fill)
    for cell, width, align in zip(cells, WIDTHS, ALIGNS, strict=True):
        pdf.cell(width, ROW, cell, border="B", align=align, fill=fill is not None)
    pdf.ln(ROW)

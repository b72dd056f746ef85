"""The explanation figure drawn with PDF primitives: vector bars, no image, the same bytes
every time."""

from __future__ import annotations

from fpdf import FPDF

from pinkbreast.features import BY_NAME
from pinkbreast.reports.content import ReportContent
from pinkbreast.reports.wording import number, words

TOWARDS_MALIGNANT, TOWARDS_BENIGN = (176, 36, 93), (47, 111, 159)  # the result page's colours
ROW, LABEL_WIDTH, VALUE_WIDTH = 6.0, 78.0, 16.0


def draw_contributions(pdf: FPDF, content: ReportContent) -> None:
    """Horizontal bars from a zero axis: solid towards malignant, hatched towards benign
    (never colour alone), each labelled with the clinician's value and its points."""
    text = words(content.lang)
    towards_benign = max((-v for _, v in content.contributions if v < 0), default=0.0)
    towards_malignant = max((v for _, v in content.contributions if v > 0), default=0.0)
    left = pdf.l_margin + LABEL_WIDTH + (VALUE_WIDTH if towards_benign else 0)
    width = pdf.l_margin + pdf.epw - VALUE_WIDTH - left
    scale = width / ((towards_benign + towards_malignant) or 1.0)
    axis = left + towards_benign * scale  # the axis where the bars need it, not always centred
    values = {m.name: m.value for m in content.measurements}
    top = pdf.get_y()
    pdf.set_font(size=8)
    for index, (name, contribution) in enumerate(content.contributions):
        y = top + index * ROW
        label = f"{BY_NAME[name].label(content.lang)} = {number(values[name], content.lang)}"
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(LABEL_WIDTH - 2, ROW, label, align="R")
        length = abs(contribution) * scale
        x = axis if contribution > 0 else axis - length
        _bar(pdf, x, y + 1, length, ROW - 2, contribution > 0)
        pdf.set_xy(axis + length + 1 if contribution > 0 else axis - length - VALUE_WIDTH - 1, y)
        points = number(100 * contribution, content.lang, "+.1f")
        pdf.cell(VALUE_WIDTH, ROW, points, align="L" if contribution > 0 else "R")
    bottom = top + len(content.contributions) * ROW
    pdf.set_draw_color(31, 36, 48)
    pdf.set_line_width(0.3)
    pdf.line(axis, top, axis, bottom)
    pdf.set_font(size=7)
    pdf.set_xy(axis - 41, bottom)
    pdf.cell(40, 4, text["towards_benign"], align="R")
    pdf.set_xy(axis + 1, bottom)
    pdf.cell(40, 4, text["towards_malignant"], align="L", new_x="LMARGIN", new_y="NEXT")


def _bar(pdf: FPDF, x: float, y: float, width: float, height: float, malignant: bool) -> None:
    colour = TOWARDS_MALIGNANT if malignant else TOWARDS_BENIGN
    pdf.set_draw_color(*colour)
    pdf.set_line_width(0.2)
    if malignant:
        pdf.set_fill_color(*colour)
        pdf.rect(x, y, width, height, style="DF")
        return
    pdf.rect(x, y, width, height, style="D")
    with pdf.rect_clip(x, y, width, height):
        step, offset = 1.2, 0.0
        while offset < width + height:
            pdf.line(x + offset, y + height, x + offset - height, y)
            offset += step

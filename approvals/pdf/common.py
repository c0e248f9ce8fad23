"""Pieces shared by the approval-document and certificate renderers."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable

from website.pdf.fonts import check_coverage, register_font

RED = Color(0.80, 0.0, 0.0)
INK = Color(0.1, 0.1, 0.1)


@dataclass(frozen=True)
class RenderedPdf:
    """PDF bytes plus where the seal belongs (page index from 0, box in PDF points).

    Signing places the visible signature — the seal — exactly on ``seal_box`` of ``seal_page``.
    """

    data: bytes
    seal_page: int
    seal_box: tuple[int, int, int, int]
    seal_text: str
    seal_purpose: str = ""


def checked(text: str, context: str) -> str:
    """``text`` after the glyph check (MissingGlyphError names the field and character)."""
    check_coverage(text, context)
    return text


def para_text(text: str) -> str:
    """Escape text for a platypus Paragraph (names may contain & or <)."""
    return escape(text, quote=False)


class FittedLine(Flowable):
    """One centred line at ``size`` pt, squeezed horizontally when too wide — the way a long
    issuer mark (发文机关标志) is compressed rather than shrunk or wrapped."""

    def __init__(self, text: str, size: float, color: Color, *, space_after: float = 0):
        super().__init__()
        self.text = text
        self.size = size
        self.color = color
        self.space_after = space_after

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, self.size * 1.2 + self.space_after

    def draw(self):
        from reportlab.pdfbase.pdfmetrics import stringWidth

        font = register_font()
        natural = stringWidth(self.text, font, self.size)
        scale = min(100.0, 100.0 * self.width / natural) if natural else 100.0
        text = self.canv.beginText()
        text.setFont(font, self.size)
        text.setHorizScale(scale)
        text.setFillColor(self.color)
        text.setTextOrigin(
            (self.width - natural * scale / 100) / 2, self.space_after + 0.2 * self.size
        )
        text.textOut(self.text)
        self.canv.drawText(text)


class Rule(Flowable):
    """A horizontal rule across the text width (the red rule under the number, the 版记 rules)."""

    def __init__(
        self, color: Color, thickness: float, space_before: float = 0, space_after: float = 0
    ):
        super().__init__()
        self.color = color
        self.thickness = thickness
        self.space_before = space_before
        self.space_after = space_after

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, self.space_before + self.thickness + self.space_after

    def draw(self):
        self.canv.saveState()
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(self.thickness)
        y = self.space_after + self.thickness / 2
        self.canv.line(0, y, self.width, y)
        self.canv.restoreState()

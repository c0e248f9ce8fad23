"""The drawn official seal (公章): red ring, five-pointed star, name along the upper arc.

Drawn as vectors with blend mode Multiply so the issuer name and date printed beneath it stay
legible, as ink would. The same drawing is the visible appearance of the PAdES signature
(:func:`seal_pdf` renders it alone on a page the size of the seal).
"""

from __future__ import annotations

import functools
import io
import math

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from website.pdf.fonts import check_coverage, register_font

SEAL_RED = Color(0.86, 0.08, 0.10)
SEAL_DIAMETER = 42 * mm

# The name runs over this arc of the upper circle (degrees), centred on the top.
_ARC_DEGREES = 250.0


def draw_seal(
    canvas: Canvas,
    cx: float,
    cy: float,
    text: str,
    purpose: str = "",
    *,
    diameter: float = SEAL_DIAMETER,
    color: Color = SEAL_RED,
) -> None:
    """Draw the seal centred at (cx, cy) on ``canvas``.

    ``text`` (the authority's name) is set character by character along the upper arc, each
    glyph rotated to face the centre; ``purpose`` (e.g. 职称评审专用章) runs straight under the
    star. Raises MissingGlyphError before drawing anything if the font lacks a character.
    """
    check_coverage(text, "印章文字")
    check_coverage(purpose, "印章用途")
    font = register_font()
    radius = diameter / 2
    canvas.saveState()
    try:
        canvas.setBlendMode("Multiply")
    except AttributeError:  # pragma: no cover - reportlab < 3.6 lacks blend modes
        pass
    canvas.setStrokeColor(color)
    canvas.setFillColor(color)

    ring = radius * 0.055
    canvas.setLineWidth(ring)
    canvas.circle(cx, cy, radius - ring / 2, stroke=1, fill=0)

    _draw_star(canvas, cx, cy, radius * 0.30)
    _draw_arc_text(canvas, cx, cy, radius, text, font)

    if purpose:
        size = min(radius * 0.16, (radius * 1.1) / max(len(purpose), 1))
        canvas.setFont(font, size)
        canvas.drawCentredString(cx, cy - radius * 0.58, purpose)
    canvas.restoreState()


def _draw_star(canvas: Canvas, cx: float, cy: float, outer: float) -> None:
    inner = outer * math.sin(math.radians(18)) / math.sin(math.radians(126))
    path = canvas.beginPath()
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        angle = math.radians(90 + i * 36)
        x, y = cx + r * math.cos(angle), cy + r * math.sin(angle)
        if i == 0:
            path.moveTo(x, y)
        else:
            path.lineTo(x, y)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


def _draw_arc_text(
    canvas: Canvas, cx: float, cy: float, radius: float, text: str, font: str
) -> None:
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return
    # Longer names get a smaller face and a wider arc, as engravers do.
    arc = min(_ARC_DEGREES, 120 + 9 * len(chars))
    size = min(radius * 0.24, (2 * math.pi * radius * 0.72) * (arc / 360) / len(chars) * 0.95)
    baseline_radius = radius * 0.88 - size * 0.9
    step = arc / len(chars) if len(chars) > 1 else 0
    start = 90 + (arc - step) / 2 if len(chars) > 1 else 90
    for i, char in enumerate(chars):
        angle = start - i * step
        theta = math.radians(angle)
        canvas.saveState()
        canvas.translate(
            cx + baseline_radius * math.cos(theta), cy + baseline_radius * math.sin(theta)
        )
        canvas.rotate(angle - 90)
        canvas.setFont(font, size)
        canvas.drawString(-stringWidth(char, font, size) / 2, 0, char)
        canvas.restoreState()


@functools.lru_cache(maxsize=32)
def seal_pdf(text: str, purpose: str = "", diameter: float = SEAL_DIAMETER) -> bytes:
    """A one-page PDF exactly the seal's size holding only the seal (cached per text).

    Used as the PAdES signature's visible appearance, so the signature *is* the seal on the page.
    """
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(diameter, diameter), pageCompression=1)
    canvas.setTitle("公章")
    draw_seal(canvas, diameter / 2, diameter / 2, text, purpose, diameter=diameter)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()

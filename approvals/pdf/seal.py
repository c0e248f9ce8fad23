"""The drawn official seal (公章 / 专用章): red ring, star, the issuer's name along the upper arc,
an optional purpose line (e.g. 职称评审专用章).

Shapes: ``round`` (42 mm, five-pointed star in the centre, the usual 公章 and 评审专用章) and
``oval`` (45 × 30 mm, no star, the shape of many 专用章). The lettering is drawn as glyph
outlines, not as text: copying or searching the page never yields the seal's characters mixed
into the issuer name beneath. Blend mode Multiply keeps that name and the date legible, as ink
would. The same drawing is the PAdES signature's visible appearance (:func:`seal_pdf`).
"""

from __future__ import annotations

import functools
import io
import math

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from website.pdf.fonts import check_coverage, draw_outlines, string_width

SEAL_RED = Color(0.86, 0.08, 0.10)
SEAL_DIAMETER = 42 * mm
SEAL_SHAPES = {"round": (42 * mm, 42 * mm), "oval": (45 * mm, 30 * mm)}
SEAL_SHAPE_LABELS = {"round": "圆形（直径 42 毫米，五角星）", "oval": "椭圆形（45 × 30 毫米）"}

# The name runs over at most this arc of the upper ring (degrees), centred on the top.
_MAX_ARC = 240.0


def seal_size(shape: str = "round") -> tuple[float, float]:
    """Width and height in points of a seal of ``shape``."""
    return SEAL_SHAPES.get(shape, SEAL_SHAPES["round"])


def draw_seal(
    canvas: Canvas,
    cx: float,
    cy: float,
    text: str,
    purpose: str = "",
    *,
    shape: str = "round",
    scale: float = 1.0,
    color: Color = SEAL_RED,
) -> None:
    """Draw the seal centred at (cx, cy). Raises MissingGlyphError before drawing anything if
    no font has a character of ``text`` or ``purpose``."""
    check_coverage(text, "印章文字")
    check_coverage(purpose, "印章用途")
    width, height = seal_size(shape)
    a, b = width * scale / 2, height * scale / 2  # semi-axes
    canvas.saveState()
    canvas.setBlendMode("Multiply")
    canvas.setStrokeColor(color)
    canvas.setFillColor(color)
    ring = min(a, b) * 0.055
    canvas.setLineWidth(ring)
    canvas.ellipse(cx - a + ring / 2, cy - b + ring / 2, cx + a - ring / 2, cy + b - ring / 2)
    if shape == "oval":
        _draw_arc_text(canvas, cx, cy, a, b, text, arc_limit=220.0)
        if purpose:
            _draw_straight(canvas, cx, cy - b * 0.12, purpose, a * 1.25, b * 0.30)
    else:
        _draw_star(canvas, cx, cy, a * 0.30)
        _draw_arc_text(canvas, cx, cy, a, b, text, arc_limit=_MAX_ARC)
        if purpose:
            _draw_straight(canvas, cx, cy - a * 0.60, purpose, a * 1.05, a * 0.16)
    canvas.restoreState()


def _draw_straight(canvas, cx, baseline, text, max_width, max_size) -> None:
    size = max_size
    natural = string_width(text, size)
    if natural > max_width:
        size *= max_width / natural
    draw_outlines(canvas, cx, baseline, text, size, anchor="centre", stroke=0.04)


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
    canvas: Canvas, cx: float, cy: float, a: float, b: float, text: str, *, arc_limit: float
) -> None:
    """Set ``text`` along the upper part of the ellipse (a, b), each glyph upright towards the
    centre. Longer names take a wider arc and a smaller face, as engravers do."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return
    small = min(a, b)
    arc = min(arc_limit, 110 + 10 * len(chars))
    # Characters sit on a ring just inside the border; size from the space each one gets.
    ring_a, ring_b = a * 0.80, b * 0.80
    mean_radius = (ring_a + ring_b) / 2
    per_char = 2 * math.pi * mean_radius * (arc / 360) / len(chars)
    size = min(small * 0.27, per_char * 0.92)
    inset = size * 0.78  # from the glyph tops (near the ring) to their baseline
    count = len(chars)
    span = arc * (count - 1) / count  # from the first character's centre to the last's
    step = span / (count - 1) if count > 1 else 0.0
    first = 90 + span / 2
    for i, char in enumerate(chars):
        angle = math.radians(first - i * step)
        # A point on the ellipse and the direction of its outward normal.
        px, py = cx + (a * 0.86) * math.cos(angle), cy + (b * 0.86) * math.sin(angle)
        normal = math.atan2(a * math.sin(angle), b * math.cos(angle))
        canvas.saveState()
        canvas.translate(px - inset * math.cos(normal), py - inset * math.sin(normal))
        canvas.rotate(math.degrees(normal) - 90)
        draw_outlines(canvas, 0, 0, char, size, anchor="centre", stroke=0.05)
        canvas.restoreState()


@functools.lru_cache(maxsize=32)
def seal_pdf(text: str, purpose: str = "", shape: str = "round") -> bytes:
    """A one-page PDF exactly the seal's size holding only the seal (cached per text).

    Used as the PAdES signature's visible appearance, so the signature *is* the seal on the page.
    """
    width, height = seal_size(shape)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1)
    canvas.setTitle("公章")
    draw_seal(canvas, width / 2, height / 2, text, purpose, shape=shape)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def seal_png(text: str, purpose: str = "", shape: str = "round", dpi: int = 150) -> bytes:
    """The seal as a PNG (the admin's preview), rendered by poppler from :func:`seal_pdf`."""
    import subprocess
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "seal.pdf"
        source.write_bytes(seal_pdf(text, purpose, shape))
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(source), str(Path(tmp) / "s")],
            check=True,
            capture_output=True,
            timeout=30,
        )
        return (Path(tmp) / "s.png").read_bytes()

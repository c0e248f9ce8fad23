"""QR codes drawn as vector squares (sharp at any print resolution)."""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import black, white
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE_MODULES = 4


def qr_matrix(data: str, error_correction: int = ERROR_CORRECT_M) -> list[list[bool]]:
    """The module matrix (True = dark) of the smallest QR version holding ``data``, no border."""
    code = qrcode.QRCode(error_correction=error_correction, border=0)
    code.add_data(data, optimize=20)
    code.make(fit=True)
    return code.get_matrix()


def draw_qr(canvas: Canvas, x: float, y: float, size: float, data: str) -> int:
    """Draw a QR code for ``data``: the symbol is ``size`` points wide with its lower-left corner
    at (x, y); the quiet zone around it (4 modules) is painted white and must be left free.
    Returns the QR version's module count."""
    matrix = qr_matrix(data)
    count = len(matrix)
    module = size / count
    quiet = QUIET_ZONE_MODULES * module
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.rect(x - quiet, y - quiet, size + 2 * quiet, size + 2 * quiet, stroke=0, fill=1)
    canvas.setFillColor(black)
    origin_x = x
    top = y + size
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        col = 0
        # One rectangle per horizontal run of dark modules keeps the PDF small.
        while col < count:
            if row[col]:
                start = col
                while col < count and row[col]:
                    col += 1
                path.rect(
                    origin_x + start * module,
                    top - (row_index + 1) * module,
                    (col - start) * module,
                    module,
                )
            else:
                col += 1
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
    return count

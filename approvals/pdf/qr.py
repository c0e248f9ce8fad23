"""QR codes drawn as vector squares (sharp at any print resolution)."""

from __future__ import annotations

import re
from itertools import pairwise

import qrcode
from qrcode import util
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import black, white
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE_MODULES = 4


class _FastMaskQRCode(qrcode.QRCode):
    """``qrcode.QRCode`` choosing the same mask as qrcode does (the lowest penalty of ISO/IEC
    18004 §7.8.3, scored exactly as ``qrcode.util.lost_point``), about ten times faster.

    qrcode places the data eight times and scores each placement module by module in Python
    (about 12 ms of a certificate's 25 ms of rendering). Here the data is placed once with mask
    0; the other masks differ from it only on the data modules, by a fixed pattern per version,
    so each candidate is the first one's rows and columns as integers XOR that pattern, and
    the four penalty rules run on bit strings."""

    def best_mask_pattern(self) -> int:
        self.makeImpl(True, 0)
        n = self.modules_count
        rows = [_bits(row) for row in self.modules]
        cols = [_bits(col) for col in zip(*self.modules, strict=True)]
        flips = _mask_flips(self.version, n)
        best, pattern = 0, 0
        for i in range(8):
            row_flip, col_flip = flips[i]
            score = _penalty(
                [r ^ f for r, f in zip(rows, row_flip, strict=True)],
                [c ^ f for c, f in zip(cols, col_flip, strict=True)],
                n,
            )
            if i == 0 or score < best:
                best, pattern = score, i
        return pattern

    def map_data(self, data, mask_pattern):
        # The modules still empty now are the data modules (the same for every mask).
        if self.version not in _DATA_CELLS:
            _DATA_CELLS[self.version] = tuple(
                (r, c) for r, row in enumerate(self.modules) for c, v in enumerate(row) if v is None
            )
        super().map_data(data, mask_pattern)


_DATA_CELLS: dict[int, tuple[tuple[int, int], ...]] = {}
_FLIPS: dict[int, list[tuple[list[int], list[int]]]] = {}


def _mask_flips(version: int, n: int) -> list[tuple[list[int], list[int]]]:
    """Per mask: the row and column bits where it differs from mask 0 on the data modules."""
    if version not in _FLIPS:
        cells = _DATA_CELLS[version]
        first = util.mask_func(0)
        result = []
        for i in range(8):
            func = util.mask_func(i)
            row_bits, col_bits = [0] * n, [0] * n
            for r, c in cells:
                if func(r, c) != first(r, c):
                    row_bits[r] |= 1 << c
                    col_bits[c] |= 1 << r
            result.append((row_bits, col_bits))
        _FLIPS[version] = result
    return _FLIPS[version]


def _bits(line) -> int:
    value = 0
    for index, dark in enumerate(line):
        if dark:
            value |= 1 << index
    return value


_RUNS = re.compile(r"0{5,}|1{5,}")
# 1:1:3:1:1 finder-like pattern with 4 light modules after or before it; overlapping matches.
_FINDER = re.compile(r"(?=10111010000|00001011101)")


def _penalty(rows: list[int], cols: list[int], n: int) -> int:
    """qrcode.util.lost_point of the matrix whose rows and columns are these bit integers."""
    lines = [format(v, f"0{n}b") for v in rows] + [format(v, f"0{n}b") for v in cols]
    text = " ".join(lines)
    # Rule 1: each run of 5 or more same-coloured modules in a row or column, length − 2.
    score = sum(len(run) - 2 for run in _RUNS.findall(text))
    # Rule 2: 3 for each 2 × 2 block of one colour.
    full = (1 << n) - 1
    pair = (1 << (n - 1)) - 1
    blocks = 0
    for upper, lower in pairwise(rows):
        same = ~(upper ^ lower) & full
        blocks += (same & (same >> 1) & ~(upper ^ (upper >> 1)) & pair).bit_count()
    score += 3 * blocks
    # Rule 3: 40 for each finder-like pattern (the reversed string holds the mirrored pattern).
    score += 40 * len(_FINDER.findall(text))
    # Rule 4: 10 for each 5 % the dark share departs from 50 %.
    dark = sum(v.bit_count() for v in rows)
    percent = float(dark) / (n**2)
    score += int(abs(percent * 100 - 50) / 5) * 10
    return score


def qr_matrix(data: str, error_correction: int = ERROR_CORRECT_M) -> list[list[bool]]:
    """The module matrix (True = dark) of the smallest QR version holding ``data``, no border."""
    code = _FastMaskQRCode(error_correction=error_correction, border=0)
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

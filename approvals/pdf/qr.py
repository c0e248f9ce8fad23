"""QR codes drawn as vector squares (sharp at any print resolution)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import qrcode
from qrcode import util
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import black, white
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE_MODULES = 4


class _FastMaskQRCode(qrcode.QRCode):
    """``qrcode.QRCode`` choosing the same mask as qrcode does (the lowest penalty of ISO/IEC
    18004 §7.8.3, scored exactly as ``qrcode.util.lost_point``): the same symbol, 2.5 times
    faster.

    qrcode places the data nine times (each mask, then the chosen one) and scores each
    placement module by module in Python (about 12 ms of a certificate's 25 ms of rendering).
    Here the data is placed once with mask 0; the other masks differ from it only on the data
    modules, by a fixed pattern per version, so each candidate is the first one's rows and
    columns as integers XOR that pattern, the four penalty rules run on bits, and the chosen
    mask's symbol is the first placement with those modules flipped and its format written."""

    def make(self, fit=True):
        if fit or self.version is None:
            self.best_fit(start=self.version)
        pattern = self.best_mask_pattern()
        modules = self.modules
        for r, c in _mask_flips(self.version, self.modules_count)[pattern].cells:
            modules[r][c] = not modules[r][c]
        self.setup_type_info(False, pattern)
        if self.version >= 7:
            self.setup_type_number(False)

    def best_mask_pattern(self) -> int:
        self.makeImpl(True, 0)
        n = self.modules_count
        rows = [_bits(row) for row in self.modules]
        cols = [_bits(col) for col in zip(*self.modules, strict=True)]
        best, pattern = 0, 0
        for i, flip in enumerate(_mask_flips(self.version, n)):
            score = _penalty(
                [r ^ f for r, f in zip(rows, flip.rows, strict=True)],
                [c ^ f for c, f in zip(cols, flip.cols, strict=True)],
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


@dataclass(frozen=True)
class _Flip:
    """Where a mask differs from mask 0: data modules, as row bits, column bits and cells."""

    rows: list[int]
    cols: list[int]
    cells: list[tuple[int, int]]


_DATA_CELLS: dict[int, tuple[tuple[int, int], ...]] = {}
_FLIPS: dict[int, list[_Flip]] = {}


def _mask_flips(version: int, n: int) -> list[_Flip]:
    if version not in _FLIPS:
        first = util.mask_func(0)
        result = []
        for i in range(8):
            func = util.mask_func(i)
            flip = _Flip([0] * n, [0] * n, [])
            for r, c in _DATA_CELLS[version]:
                if func(r, c) != first(r, c):
                    flip.rows[r] |= 1 << c
                    flip.cols[c] |= 1 << r
                    flip.cells.append((r, c))
            result.append(flip)
        _FLIPS[version] = result
    return _FLIPS[version]


def _bits(line) -> int:
    value = 0
    for index, dark in enumerate(line):
        if dark:
            value |= 1 << index
    return value


# 1:1:3:1:1 finder-like pattern with 4 light modules after or before it. Neither overlaps
# itself, so str.count (non-overlapping) counts every occurrence of each.
_FINDERS = ("10111010000", "00001011101")


def _penalty(rows: list[int], cols: list[int], n: int) -> int:
    """qrcode.util.lost_point of the matrix whose rows and columns are these bit integers."""
    # Rule 1: each run of 5 or more same-coloured modules in a row or column scores its
    # length − 2 = (number of uniform 5-module windows in it, length − 4) + 2 for its start.
    full = (1 << n) - 1
    pair = (1 << (n - 1)) - 1
    score = 0
    for line in rows + cols:
        same = ~(line ^ (line >> 1)) & pair  # bit i: module i is the colour of module i + 1
        windows = same & (same >> 1) & (same >> 2) & (same >> 3)
        score += windows.bit_count() + 2 * (windows & ~(same << 1)).bit_count()
    blocks = 0
    for upper, lower in pairwise(rows):
        same = ~(upper ^ lower) & full
        blocks += (same & (same >> 1) & ~(upper ^ (upper >> 1)) & pair).bit_count()
    score += 3 * blocks
    # Rule 3: 40 for each finder-like pattern (the reversed string holds the mirrored pattern).
    text = " ".join([format(v, f"0{n}b") for v in rows] + [format(v, f"0{n}b") for v in cols])
    score += 40 * sum(text.count(pattern) for pattern in _FINDERS)
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

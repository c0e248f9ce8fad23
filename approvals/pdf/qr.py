"""QR codes drawn as vector squares (sharp at any print resolution)."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

import qrcode
from qrcode import LUT, base, exceptions, util
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
        if self.data_cache is None:
            self.data_cache = _create_data(self.version, self.error_correction, self.data_list)
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
        lines = _pack(
            [_bits(row) for row in self.modules]
            + [_bits(col) for col in zip(*self.modules, strict=True)],
            n,
        )
        best, pattern = 0, 0
        for i, flip in enumerate(_mask_flips(self.version, n)):
            score = _penalty(lines ^ flip.packed, n)
            if i == 0 or score < best:
                best, pattern = score, i
        return pattern

    def best_fit(self, start=None):
        # qrcode's own search for the smallest version, with the bits counted by _Bits.
        start = start or 1
        sizes = util.mode_sizes_for_version(start)
        bits = _Bits()
        for data in self.data_list:
            bits.put(data.mode, 4)
            bits.put(len(data), sizes[data.mode])
            bits.write(data)
        self.version = bisect_left(util.BIT_LIMIT_TABLE[self.error_correction], len(bits), start)
        if self.version == 41:
            raise exceptions.DataOverflowError()
        if sizes is not util.mode_sizes_for_version(self.version):
            self.best_fit(start=self.version)
        return self.version

    def map_data(self, data, mask_pattern):
        # qrcode's placement, with the bits of every data module (codeword bits, then light
        # ones, XOR the mask) computed at once as one integer instead of module by module.
        key = (self.version, mask_pattern)
        if key not in _PLACEMENTS:
            _PLACEMENTS[key] = _placement(self.modules, mask_pattern)
            _DATA_CELLS.setdefault(self.version, _PLACEMENTS[key][0])
        cells, mask = _PLACEMENTS[key]
        stream = int.from_bytes(bytes(data), "big")
        spare = len(cells) - 8 * len(data)
        stream = (stream << spare if spare >= 0 else stream >> -spare) ^ mask
        modules = self.modules
        for (r, c), bit in zip(cells, format(stream, f"0{len(cells)}b"), strict=True):
            modules[r][c] = bit == "1"


class _Bits:
    """qrcode's ``BitBuffer`` (``put``, ``put_bit``, ``len``) held in one integer: qrcode appends
    bit by bit to a list of bytes, a Python call per bit (about 1 ms of a certificate)."""

    __slots__ = ("length", "value")

    def __init__(self):
        self.value = 0
        self.length = 0

    def __len__(self) -> int:
        return self.length

    def put(self, num: int, length: int) -> None:
        self.value = (self.value << length) | (num & ((1 << length) - 1))
        self.length += length

    def put_bit(self, bit) -> None:
        self.put(1 if bit else 0, 1)

    def write(self, segment: util.QRData) -> None:
        """``segment.write(self)``; a byte segment's bytes in one step instead of one by one."""
        if segment.mode == util.MODE_8BIT_BYTE:
            self.put(int.from_bytes(segment.data, "big"), 8 * len(segment.data))
        else:
            segment.write(self)


def _create_data(version: int, error_correction: int, data_list) -> list[int]:
    """``qrcode.util.create_data``: the data codewords (terminated, padded) and their
    Reed–Solomon error correction, interleaved by block; the same list of bytes."""
    bits = _Bits()
    for data in data_list:
        bits.put(data.mode, 4)
        bits.put(len(data), util.length_in_bits(data.mode, version))
        bits.write(data)
    blocks = base.rs_blocks(version, error_correction)
    limit = sum(block.data_count * 8 for block in blocks)
    if len(bits) > limit:
        raise exceptions.DataOverflowError(
            f"Code length overflow. Data size ({len(bits)}) > size available ({limit})"
        )
    bits.put(0, min(limit - len(bits), 4))  # terminator
    bits.put(0, -len(bits) % 8)
    for i in range((limit - len(bits)) // 8):
        bits.put(util.PAD1 if i % 2 else util.PAD0, 8)
    codewords = bits.value.to_bytes(limit // 8, "big")
    data_blocks, ec_blocks = [], []
    offset = 0
    for block in blocks:
        data = codewords[offset : offset + block.data_count]
        offset += block.data_count
        data_blocks.append(data)
        ec_blocks.append(_rs_remainder(data, block.total_count - block.data_count))
    result = []
    for group in (data_blocks, ec_blocks):
        for i in range(max(len(b) for b in group)):
            result.extend(b[i] for b in group if i < len(b))
    return result


def _rs_remainder(data: bytes, count: int) -> bytes:
    """The ``count`` error-correction codewords of ``data``: the remainder of data·x^count by
    the generator polynomial, as a shift register of ``count`` bytes held in one integer with
    each feedback byte's multiple of the generator looked up (qrcode divides polynomials as
    lists, a new list per step)."""
    table = _generator_multiples(count)
    shift = 8 * (count - 1)
    mask = (1 << (8 * count)) - 1
    register = 0
    for byte in data:
        register = ((register << 8) & mask) ^ table[(register >> shift) ^ byte]
    return register.to_bytes(count, "big")


@cache
def _generator_multiples(count: int) -> list[int]:
    """For each byte f, f times the generator's coefficients after the leading 1 (GF(256)),
    packed big-endian into one integer."""
    if count in LUT.rsPoly_LUT:
        generator = LUT.rsPoly_LUT[count]
    else:
        poly = base.Polynomial([1], 0)
        for i in range(count):
            poly = poly * base.Polynomial([1, base.gexp(i)], 0)
        generator = list(poly)
    log, exp = base.LOG_TABLE, base.EXP_TABLE
    table = [0]
    for factor in range(1, 256):
        value = 0
        for coefficient in generator[1:]:
            value <<= 8
            if coefficient:
                value |= exp[(log[factor] + log[coefficient]) % 255]
        table.append(value)
    return table


@dataclass(frozen=True)
class _Flip:
    """Where a mask differs from mask 0: data modules, as row bits, column bits and cells."""

    rows: list[int]
    cols: list[int]
    cells: list[tuple[int, int]]
    packed: int = 0  # rows then columns, as _pack lays them out


_DATA_CELLS: dict[int, tuple[tuple[int, int], ...]] = {}
_PLACEMENTS: dict[tuple[int, int], tuple[tuple[tuple[int, int], ...], int]] = {}


def _placement(modules, mask_pattern: int) -> tuple[tuple[tuple[int, int], ...], int]:
    """The data modules (those still empty) in qrcode's placement order: two-column strips
    from the right edge, alternately upward and downward, skipping the vertical timing column;
    and the mask over them as bits, the first module's the most significant."""
    n = len(modules)
    cells = []
    upward = True
    for col in range(n - 1, 0, -2):
        if col <= 6:
            col -= 1
        for row in range(n - 1, -1, -1) if upward else range(n):
            cells.extend((row, c) for c in (col, col - 1) if modules[row][c] is None)
        upward = not upward
    func = util.mask_func(mask_pattern)
    mask = int("".join("1" if func(r, c) else "0" for r, c in cells), 2)
    return tuple(cells), mask


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
            result.append(_Flip(flip.rows, flip.cols, flip.cells, _pack(flip.rows + flip.cols, n)))
        _FLIPS[version] = result
    return _FLIPS[version]


_BIT_CHARS = bytes.maketrans(b"\x00\x01", b"01")


def _bits(line) -> int:
    """A row or column of booleans as an integer, module i being bit i."""
    return int(bytes(line[::-1]).translate(_BIT_CHARS), 2)


# 1:1:3:1:1 finder-like pattern with 4 light modules after or before it (qrcode's rule 3:
# every occurrence in a row or column; neither pattern overlaps itself).
_FINDERS = ("10111010000", "00001011101")


def _pack(lines: list[int], n: int) -> int:
    """Lines of ``n`` modules as one integer, line i at bit i·(n + 1): a light separator bit
    between neighbours keeps every window below inside one line."""
    packed = 0
    for i, line in enumerate(lines):
        packed |= line << (i * (n + 1))
    return packed


@cache
def _line_masks(n: int) -> tuple[int, int, int, int, int]:
    """For 2n packed lines (n rows, then n columns): every module; modules with a neighbour
    after them; the same in the rows that have a row below; the first modules of the 11-module
    windows; the rows' modules."""

    def repeated(bits: int, count: int) -> int:
        return _pack([bits] * count, n)

    return (
        repeated((1 << n) - 1, 2 * n),
        repeated((1 << (n - 1)) - 1, 2 * n),
        repeated((1 << (n - 1)) - 1, n - 1),
        repeated((1 << (n - 10)) - 1, 2 * n),
        repeated((1 << n) - 1, n),
    )


def _penalty(lines: int, n: int) -> int:
    """qrcode.util.lost_point of the matrix whose rows and columns are packed in ``lines``
    (:func:`_pack` of the n rows, then the n columns; module i of a line is its bit i)."""
    every, pair, pair_rows, starts, row_modules = _line_masks(n)
    # Rule 1: each run of 5 or more same-coloured modules in a row or column scores its
    # length − 2 = (number of uniform 5-module windows in it, length − 4) + 2 for its start.
    same = ~(lines ^ (lines >> 1)) & pair  # bit i: module i is the colour of module i + 1
    windows = same & (same >> 1) & (same >> 2) & (same >> 3)
    score = windows.bit_count() + 2 * (windows & ~(same << 1)).bit_count()
    # Rule 2: 3 for each 2 × 2 block of one colour (a row against the row below it).
    same = ~(lines ^ (lines >> (n + 1)))
    score += 3 * (same & (same >> 1) & ~(lines ^ (lines >> 1)) & pair_rows).bit_count()
    # Rule 3: 40 for each finder-like pattern; the string's first character is the window's
    # highest bit.
    inverse = lines ^ every
    for pattern in _FINDERS:
        match = starts
        for shift, char in enumerate(reversed(pattern)):
            match &= (lines if char == "1" else inverse) >> shift
        score += 40 * match.bit_count()
    # Rule 4: 10 for each 5 % the dark share departs from 50 %.
    dark = (lines & row_modules).bit_count()
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

"""Text set on the GB/T 9704 grid: lines of a fixed pitch, justified to the full measure, with
the Chinese line-breaking rules and without hanging punctuation.

reportlab's Paragraph lets a closing punctuation mark that may not start a line hang past the
right edge (a comma 2 mm outside the 版心). Here the line is broken as Chinese typesetters do
(推出): the character before the mark moves to the next line with it, and the shorter line is
justified by spreading the spare width over its gaps. An opening bracket never ends a line, and
a run of ASCII letters and digits (2024, TOUTUNHE) is never split.
"""

from __future__ import annotations

import re
from dataclasses import KW_ONLY, dataclass

from reportlab.platypus import Flowable

from website.pdf.fonts import FANGSONG, NO_LINE_START, runs, string_width

NO_LINE_END = "（《「『【〔“‘([{"
ASCENT, DESCENT = 0.88, 0.12
_UNIT = re.compile(r"[A-Za-z0-9.,:/%+\-]+|.", re.DOTALL)


@dataclass
class GridLine:
    text: str
    x: float  # left edge, from the frame's left
    spacing: float  # extra space after each character (justification)


def break_grid_lines(
    text: str,
    width: float,
    size: float,
    *,
    first_indent: float = 0.0,
    indent: float = 0.0,
    style: str = FANGSONG,
    justify: bool = True,
) -> list[GridLine]:
    """Lines of ``text`` in ``width``; the first starts at ``first_indent``, the others at
    ``indent``. Every line fits: nothing hangs past ``width``."""
    units = _UNIT.findall(text)
    lines: list[list[str]] = []
    current: list[str] = []
    used = 0.0

    def room(index: int) -> float:
        return width - (first_indent if index == 0 else indent)

    i = 0
    while i < len(units):
        unit = units[i]
        unit_width = string_width(unit, size, style)
        if not current or used + unit_width <= room(len(lines)) + 0.01:
            current.append(unit)
            used += unit_width
            i += 1
            continue
        # The line is full. Push back what may not end it or what the next line may not start
        # with: an opening bracket at the end, or the character before a closing mark.
        carry: list[str] = []
        if unit[0] in NO_LINE_START and len(current) > 1:
            carry.insert(0, current.pop())
        while len(current) > 1 and current[-1][-1] in NO_LINE_END:
            carry.insert(0, current.pop())
        lines.append(current)
        current = carry
        used = sum(string_width(u, size, style) for u in current)
    if current:
        lines.append(current)

    result = []
    for index, parts in enumerate(lines):
        line = "".join(parts)
        x = first_indent if index == 0 else indent
        spacing = 0.0
        last = index == len(lines) - 1
        if justify and not last and len(line) > 1:
            spare = room(index) - string_width(line, size, style)
            spacing = max(0.0, spare / (len(line) - 1))
        result.append(GridLine(line, x, spacing))
    return result


@dataclass(eq=False, repr=False)  # a flowable is an object of the story, not a value
class GridText(Flowable):
    """A paragraph on the grid: ``pitch`` per line, each glyph box centred in its line."""

    text: str
    size: float
    pitch: float
    _: KW_ONLY
    first_indent: float = 0.0
    indent: float = 0.0
    style: str = FANGSONG
    color: object = None
    justify: bool = True
    lines: list[GridLine] | None = None

    def __post_init__(self):
        super().__init__()
        self._width = None

    def _layout(self, width: float) -> list[GridLine]:
        if self.lines is None or self._width != width:
            if self.lines is None:
                self.lines = break_grid_lines(
                    self.text, width, self.size, first_indent=self.first_indent,
                    indent=self.indent, style=self.style, justify=self.justify,
                )  # fmt: skip
            self._width = width
        return self.lines

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = self.pitch * len(self._layout(avail_width))
        return self.width, self.height

    def split(self, avail_width, avail_height):
        lines = self._layout(avail_width)
        fit = int((avail_height + 0.01) // self.pitch)
        if fit <= 0 or fit >= len(lines):
            return []
        return [self._part(lines[:fit]), self._part(lines[fit:])]

    def _part(self, lines: list[GridLine]) -> GridText:
        return GridText("", self.size, self.pitch, style=self.style, color=self.color, lines=lines)

    def draw(self):
        canv = self.canv
        glyph = (ASCENT + DESCENT) * self.size
        for index, line in enumerate(self.lines or []):
            top = self.height - index * self.pitch
            baseline = top - (self.pitch - glyph) / 2 - ASCENT * self.size
            obj = canv.beginText(line.x, baseline)
            if self.color is not None:
                obj.setFillColor(self.color)
            obj.setCharSpace(line.spacing)
            for name, part in runs(line.text, self.style):
                obj.setFont(name, self.size)
                obj.textOut(part)
            canv.drawText(obj)

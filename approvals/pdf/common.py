"""Pieces shared by the approval-document and certificate renderers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.platypus import Paragraph

from website.pdf.fonts import FANGSONG, check_coverage, markup, string_width

RED = Color(0.80, 0.0, 0.0)
INK = Color(0.1, 0.1, 0.1)

# Punctuation that belongs to the word before it (never starts a line) or after it (never
# ends one) when a line is broken at word boundaries.
_CLOSING = "，。、：；！？）》」』】〕”’…·％)]"
_OPENING = "（《「『【〔“‘(["


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
    seal_shape: str = "round"


def checked(text: str, context: str) -> str:
    """``text`` after the glyph check (MissingGlyphError names the field and character)."""
    check_coverage(text, context)
    return text


class CellParagraph(Paragraph):
    """A platypus Paragraph that breaks its lines once per width: a table wraps every cell for
    its row heights, again for each page it is split across and again to draw it, each time
    breaking the same text at the same width (a third of a 1,000-row document's rendering)."""

    def wrap(self, availWidth, availHeight):
        laid_out = getattr(self, "_laid_out", None)
        if laid_out is not None and laid_out[0] == availWidth:
            _width, self.width, self.height, self.blPara, self._wrapWidths = laid_out
            return self.width, self.height
        result = super().wrap(availWidth, availHeight)
        self._laid_out = (availWidth, self.width, self.height, self.blPara, self._wrapWidths)
        return result


def para_text(text: str, style: str = FANGSONG) -> str:
    """Text for a platypus Paragraph: escaped, with characters the style's face lacks drawn
    from the fallback face."""
    return markup(text, style)


@functools.lru_cache(maxsize=512)
def words(text: str) -> tuple[str, ...]:
    """``text`` as jieba words, punctuation glued to its neighbour so a break between two of
    these pieces is always allowed (no comma at a line start, no bracket at a line end)."""
    import jieba

    _add_domain_words(jieba)
    pieces: list[str] = []
    pending_open = ""
    for token in jieba.lcut(text):
        if all(c in _OPENING for c in token):
            pending_open += token
        elif pieces and not pending_open and all(c in _CLOSING for c in token):
            pieces[-1] += token
        else:
            pieces.append(pending_open + token)
            pending_open = ""
    if pending_open:
        pieces.append(pending_open)
    return tuple(_glue_counts(pieces))


# 等48名同志, 〔2024〕12号, 9月10日: a number stays with its measure word and the 等 before it.
_MEASURES = ("名", "人", "年", "月", "日", "号", "项", "个", "位", "批", "次")


def _glue_counts(pieces: list[str]) -> list[str]:
    result: list[str] = []
    for piece in pieces:
        previous = result[-1] if result else ""
        if previous and previous[-1].isdigit() and piece.startswith(_MEASURES):
            result[-1] += piece
        elif previous and piece[:1].isdigit() and previous.endswith(("等", "第", "共")):
            result[-1] += piece
        else:
            result.append(piece)
    return result


# Terms of the trade a title or name must not be broken inside (jieba splits them).
DOMAIN_WORDS = (
    "工程系列", "经济系列", "会计系列", "卫生系列", "教师系列", "农业系列", "专业技术职务",
    "任职资格", "人力资源和社会保障局", "人力资源和社会保障厅", "评审委员会", "职称评审",
    "自治州", "自治区", "经济技术开发区", "专用章",
)  # fmt: skip


@functools.cache
def _add_domain_words(jieba) -> None:
    # Once per process: setLogLevel walks every logger's cache (a millisecond per call).
    jieba.setLogLevel(60)
    for word in DOMAIN_WORDS:
        jieba.add_word(word, freq=200000)


def break_lines(
    text: str, max_width: float, measure: Callable[[str], float], *, lines: int | None = None
) -> list[str]:
    """Break ``text`` at word boundaries into the fewest lines no wider than ``max_width``
    (or into exactly ``lines``), balanced: the widest line as narrow as possible.

    A single word wider than a line is broken between characters (a 30-character unit name
    without spaces must still fit)."""
    pieces: list[str] = []
    for word in words(text):
        if measure(word) <= max_width:
            pieces.append(word)
        else:
            chunk = ""
            for char in word:
                if chunk and measure(chunk + char) > max_width:
                    pieces.append(chunk)
                    chunk = ""
                chunk += char
            if chunk:
                pieces.append(chunk)
    if not pieces:
        return [""]
    count = len(pieces)
    # width[i][j]: the line made of pieces i..j-1.
    width = [[0.0] * (count + 1) for _ in range(count + 1)]
    for i in range(count):
        joined = ""
        for j in range(i + 1, count + 1):
            joined += pieces[j - 1]
            width[i][j] = measure(joined)
    targets = [lines] if lines else range(1, count + 1)
    for n in targets:
        n = min(n, count)
        # best[k][j]: the narrowest possible widest line for pieces[:j] in k lines.
        inf = float("inf")
        best = [[inf] * (count + 1) for _ in range(n + 1)]
        cut = [[0] * (count + 1) for _ in range(n + 1)]
        best[0][0] = 0.0
        for k in range(1, n + 1):
            for j in range(1, count + 1):
                for i in range(k - 1, j):
                    if best[k - 1][i] == inf:
                        continue
                    value = max(best[k - 1][i], width[i][j])
                    # Prefer equal lines; on a tie the later break (longer upper lines).
                    tie = abs(value - best[k][j]) <= 1e-6 and i > cut[k][j]
                    if value < best[k][j] - 1e-6 or tie:
                        best[k][j] = value
                        cut[k][j] = i
        if best[n][count] <= max_width + 1e-6 or lines:
            result = []
            j = count
            for k in range(n, 0, -1):
                i = cut[k][j]
                result.append("".join(pieces[i:j]))
                j = i
            return list(reversed(result))
    return ["".join(pieces)]


def fit_lines(
    text: str,
    max_width: float,
    size: float,
    style: str,
    *,
    max_lines: int,
    min_size: float,
) -> tuple[list[str], float]:
    """Lines and a size for ``text``: the largest size from ``size`` down to ``min_size`` at
    which it fits in at most ``max_lines`` balanced lines (at ``min_size``, as many as needed)."""
    step = 0.5
    current = size
    while True:
        measure = functools.partial(_measure, size=current, style=style)
        result = break_lines(text, max_width, measure)
        if len(result) <= max_lines or current <= min_size:
            return result, current
        current = max(min_size, current - step)


def _measure(text: str, *, size: float, style: str) -> float:
    return string_width(text, size, style)

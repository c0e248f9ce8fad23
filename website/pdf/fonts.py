"""The embedded Chinese font of every generated PDF, registered once per process."""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "UMingCN"
FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "ARPLUMingCN-GB2312.ttf"

# Characters that must not start a line in Chinese typesetting. reportlab's list lacks the
# full-width ，：；！？ and closing brackets, so text broke with a comma at the start of a line.
NO_LINE_START = "，。、：；！？）》」』】〕”’…—·％"

_lock = threading.Lock()
_font: TTFont | None = None


class MissingGlyphError(ValueError):
    """Text contains characters the embedded font cannot draw."""

    def __init__(self, characters: list[str], context: str = ""):
        self.characters = characters
        self.context = context
        shown = "、".join(f"“{c}”(U+{ord(c):04X})" for c in characters)
        where = f"{context}中" if context else ""
        super().__init__(
            f"{where}含有字体无法显示的字符：{shown}。请改用常用字或联系管理员补充字库。"
        )


def register_font() -> str:
    """Register the font with reportlab (≈0.3 s the first time, then free); return its name."""
    global _font
    if _font is None:
        with _lock:
            if _font is None:
                font = TTFont(FONT_NAME, str(FONT_PATH))
                pdfmetrics.registerFont(font)
                for bold in (0, 1):
                    for italic in (0, 1):
                        addMapping(FONT_NAME, bold, italic, FONT_NAME)
                _extend_line_breaking()
                _font = font
    return FONT_NAME


def _extend_line_breaking() -> None:
    from reportlab.lib import textsplit

    missing = "".join(c for c in NO_LINE_START if c not in textsplit.ALL_CANNOT_START)
    if missing:
        textsplit.ALL_CANNOT_START += missing


def missing_characters(text: str) -> list[str]:
    """Characters of `text` (whitespace aside) the embedded font has no glyph for, in order."""
    register_font()
    char_to_glyph = _font.face.charToGlyph  # type: ignore[union-attr]
    seen: list[str] = []
    for char in text:
        if char.isspace() or char in seen:
            continue
        if ord(char) not in char_to_glyph:
            seen.append(char)
    return seen


def check_coverage(text: str, context: str = "") -> None:
    """Raise MissingGlyphError naming every character the font lacks."""
    missing = missing_characters(text)
    if missing:
        raise MissingGlyphError(missing, context)

"""The Chinese fonts of every generated PDF: style faces with per-character fallback.

GB/T 9704 asks for 仿宋 (body), 小标宋 (title and issuer mark), 黑体 and 楷体 (headings). The
closest free, embeddable TrueType faces Debian ships are used for each style, and every character
a style face lacks is drawn from the Hanazono Mincho faces, which cover the CJK Unified Ideographs
with Extensions A–F (GB 18030-2022 implementation level 2 and beyond): a legal name such as
王頔, 李䶮 or 张𠅤 always prints, each glyph from a font that has it.

| style | face (Debian package) | licence |
| --- | --- | --- |
| 仿宋 body | AR PL UMing CN (fonts-arphic-uming): no free simplified 仿宋 exists in Debian; a light 宋 is the usual substitute | Arphic Public License |
| 小标宋 | AR PL UMing CN drawn with a thin outline stroke (a heavier 宋, as 小标宋 is) | Arphic Public License |
| 黑体 | WenQuanYi Zen Hei (fonts-wqy-zenhei) | GPL-2 with font embedding exception |
| 楷体 | AR PL UKai CN (fonts-arphic-ukai) | Arphic Public License |
| fallback | HanaMinA / HanaMinB (fonts-hanazono) | Hanazono Font License or OFL 1.1 |

All allow embedding and redistribution. The files are installed by the project's own commands
(``./dev``, ``.ci/run``) with apt and found at Debian's paths; a missing one is a clear error
naming the package. reportlab embeds TrueType outlines and subsets each font to the glyphs used.

reportlab writes a ToUnicode entry as four hex digits, which turns a character beyond the BMP
(𠅤 U+20164) into garbage when the text is copied or searched; :func:`_patch_to_unicode` writes
such characters as UTF-16 surrogate pairs, as the PDF specification asks.
"""

from __future__ import annotations

import io
import os
import threading
from dataclasses import dataclass
from html import escape
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(os.environ.get("PDF_FONT_DIR", "/usr/share/fonts/truetype"))

# Styles (GB/T 9704 names).
FANGSONG = "仿宋"
XIAOBIAOSONG = "小标宋"
HEITI = "黑体"
KAITI = "楷体"

# Characters that must not start a line in Chinese typesetting. reportlab's list lacks the
# full-width ，：；！？ and closing brackets, so text broke with a comma at the start of a line.
NO_LINE_START = "，。、：；！？）》」』】〕”’…—·％"


@dataclass(frozen=True)
class FontFile:
    """One TrueType face: its reportlab name, file (relative to FONT_DIR), index in a .ttc."""

    name: str
    path: str
    index: int
    package: str

    @property
    def file(self) -> Path:
        return FONT_DIR / self.path


UMING = FontFile("UMingCN", "arphic/uming.ttc", 0, "fonts-arphic-uming")
UKAI = FontFile("UKaiCN", "arphic/ukai.ttc", 0, "fonts-arphic-ukai")
ZENHEI = FontFile("WQYZenHei", "wqy/wqy-zenhei.ttc", 0, "fonts-wqy-zenhei")
HANAMIN_A = FontFile("HanaMinA", "hanazono/HanaMinA.ttf", 0, "fonts-hanazono")
HANAMIN_B = FontFile("HanaMinB", "hanazono/HanaMinB.ttf", 0, "fonts-hanazono")

STYLE_FACES = {FANGSONG: UMING, XIAOBIAOSONG: UMING, HEITI: ZENHEI, KAITI: UKAI}
FALLBACK_FACES = (HANAMIN_A, HANAMIN_B)
ALL_FACES = (UMING, UKAI, ZENHEI, HANAMIN_A, HANAMIN_B)
# 小标宋 is a heavy 宋: the body face's outlines plus a stroke of this fraction of the size.
EMBOLDEN = {XIAOBIAOSONG: 0.03}
FONT_NAME = UMING.name  # the body face, for callers that draw plain text

_lock = threading.Lock()
_fonts: dict[str, TTFont] = {}
# Per face, the characters its cmap maps to an empty glyph (AR PL UKai maps 䶮 and 46 other
# Extension A characters to blank glyphs): those are taken from the next face, never drawn blank.
_blank: dict[str, frozenset[int]] = {}


class FontsMissingError(RuntimeError):
    """A font file the PDFs need is not installed."""

    def __init__(self, missing: list[FontFile]):
        self.missing = missing
        files = "、".join(str(f.file) for f in missing)
        packages = " ".join(sorted({f.package for f in missing}))
        super().__init__(
            f"生成 PDF 所需的字体文件不存在：{files}。"
            f"请运行 ./dev test 或 ./dev run 安装，或执行 apt-get install {packages}。"
        )


class MissingGlyphError(ValueError):
    """Text contains characters no installed font can draw."""

    def __init__(self, characters: list[str], context: str = ""):
        self.characters = characters
        self.context = context
        shown = "、".join(f"“{c}”(U+{ord(c):04X})" for c in characters)
        where = f"{context}中" if context else ""
        super().__init__(
            f"{where}含有任何字体都无法显示的字符：{shown}。"
            "请核对该字符（是否为乱码或私用区字符），或联系管理员补充字库。"
        )


def register_fonts() -> dict[str, TTFont]:
    """Register every face with reportlab once per process (≈0.5 s); return them by name."""
    if len(_fonts) < len(ALL_FACES):
        with _lock:
            if len(_fonts) < len(ALL_FACES):
                missing = [f for f in ALL_FACES if not f.file.is_file()]
                if missing:
                    raise FontsMissingError(missing)
                for face in ALL_FACES:
                    font = TTFont(face.name, str(face.file), subfontIndex=face.index)
                    _subset_without_copying(font.face)
                    pdfmetrics.registerFont(font)
                    _blank[face.name] = _blank_characters(face)
                    for bold in (0, 1):
                        for italic in (0, 1):
                            addMapping(face.name, bold, italic, face.name)
                    _fonts[face.name] = font
                _extend_line_breaking()
                _patch_to_unicode()
                _compress_subsets_once()
    return _fonts


def register_font() -> str:
    """Register all faces; return the body face's name (for plain single-font drawing)."""
    register_fonts()
    return FONT_NAME


def font_name(style: str = FANGSONG) -> str:
    """The reportlab name of ``style``'s own face."""
    register_fonts()
    return STYLE_FACES[style].name


def _has(face: FontFile, code: int) -> bool:
    return code in register_fonts()[face.name].face.charToGlyph and code not in _blank[face.name]


def _blank_characters(face: FontFile) -> frozenset[int]:
    """Characters (whitespace aside) that ``face`` maps to a glyph without outlines."""
    from fontTools.ttLib import TTFont as ToolsFont

    with ToolsFont(str(face.file), fontNumber=face.index, lazy=True) as font:
        offsets = list(font["loca"])
        order = font.getGlyphOrder()
        cmap = font.getBestCmap()
    empty = {
        name
        for gid, name in enumerate(order)
        if gid + 1 < len(offsets) and offsets[gid + 1] == offsets[gid]
    }
    return frozenset(
        code for code, name in cmap.items() if name in empty and not chr(code).isspace()
    )


def face_for(char: str, style: str = FANGSONG) -> FontFile | None:
    """The face that draws ``char`` in ``style``: the style's own, else the first fallback."""
    code = ord(char)
    primary = STYLE_FACES[style]
    if _has(primary, code):
        return primary
    for face in FALLBACK_FACES:
        if _has(face, code):
            return face
    return None


def runs(text: str, style: str = FANGSONG) -> list[tuple[str, str]]:
    """``text`` cut into (font name, text) runs, each drawable by its font.

    Whitespace and characters no face has stay in the surrounding run (the coverage check
    rejects the latter before anything is drawn)."""
    result: list[tuple[str, str]] = []
    primary = STYLE_FACES[style].name
    for char in text:
        face = None if char.isspace() else face_for(char, style)
        name = face.name if face else (result[-1][0] if result else primary)
        if result and result[-1][0] == name:
            result[-1] = (name, result[-1][1] + char)
        else:
            result.append((name, char))
    return result


def missing_characters(text: str) -> list[str]:
    """Characters of ``text`` (whitespace aside) that no face can draw, in order, once each."""
    seen: list[str] = []
    for char in text:
        if char.isspace() or char in seen:
            continue
        code = ord(char)
        if not any(_has(face, code) for face in ALL_FACES):
            seen.append(char)
    return seen


def check_coverage(text: str, context: str = "") -> None:
    """Raise MissingGlyphError naming every character no face has."""
    missing = missing_characters(text)
    if missing:
        raise MissingGlyphError(missing, context)


def string_width(text: str, size: float, style: str = FANGSONG) -> float:
    """Width in points of ``text`` at ``size``, each run measured in the font that draws it."""
    return sum(pdfmetrics.stringWidth(part, name, size) for name, part in runs(text, style))


def markup(text: str, style: str = FANGSONG) -> str:
    """``text`` escaped for a platypus Paragraph, fallback runs wrapped in <font face=…>."""
    primary = STYLE_FACES[style].name
    parts = []
    for name, part in runs(text, style):
        escaped = escape(part, quote=False)
        parts.append(escaped if name == primary else f'<font face="{name}">{escaped}</font>')
    return "".join(parts)


def draw_text(
    canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    style: str = FANGSONG,
    *,
    anchor: str = "left",
    horizontal_scale: float = 100.0,
    color=None,
) -> float:
    """Draw ``text`` with its baseline at ``y``; ``anchor`` left / centre / right says where
    ``x`` is. Fallback characters come from their own font; 小标宋 gets its stroke.
    Returns the drawn width."""
    width = string_width(text, size, style) * horizontal_scale / 100
    if anchor == "centre":
        x -= width / 2
    elif anchor == "right":
        x -= width
    canvas.saveState()
    obj = canvas.beginText(x, y)
    obj.setHorizScale(horizontal_scale)
    if color is not None:
        obj.setFillColor(color)
        obj.setStrokeColor(color)
    embolden = EMBOLDEN.get(style)
    if embolden:
        obj.setTextRenderMode(2)  # fill and stroke
        canvas.setLineWidth(size * embolden)
        canvas.setLineJoin(1)
    for name, part in runs(text, style):
        obj.setFont(name, size)
        obj.textOut(part)
    canvas.drawText(obj)
    canvas.restoreState()
    return width


def _extend_line_breaking() -> None:
    from reportlab.lib import textsplit

    missing = "".join(c for c in NO_LINE_START if c not in textsplit.ALL_CANNOT_START)
    if missing:
        textsplit.ALL_CANNOT_START += missing


def _utf16_hex(code: int) -> str:
    data = chr(code).encode("utf-16-be")
    return data.hex().upper()


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with characters beyond the BMP as surrogate pairs."""
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
        ]
        + [f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset)]
        + [
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


def _patch_to_unicode() -> None:
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap


class _GlyphTable:
    """The font's glyf table as a view: slicing copies only the glyph asked for."""

    def __init__(self, view: memoryview):
        self._view = view

    def __getitem__(self, key: slice) -> bytes:
        return bytes(self._view[key])


def _subset_without_copying(face) -> None:
    """Make reportlab's subsetting read glyphs from the font in place: its ``makeSubset``
    copies the whole glyf table (10–30 MB for these CJK faces) for every PDF that uses the
    face, a few milliseconds per certificate, and only needs the few glyphs drawn."""
    whole = memoryview(face._ttf_data)
    table = face.get_table

    def get_table(tag):
        if tag == "glyf":
            pos, length = face.get_table_pos(tag)
            return _GlyphTable(whole[pos : pos + length])
        return table(tag)

    face.get_table = get_table
    make_subset = face.makeSubset

    def cached_subset(subset):
        # The same glyphs give the same bytes: the labels' face (黑体) is subset alike on every
        # certificate, built and compressed once (see _CachedZCompress).
        key = tuple(subset)
        data = _subsets.get((face, key))
        if data is None:
            data = make_subset(subset)
            if len(_subsets) >= 64:
                _subsets.clear()
                _compressed.clear()
            _subsets[(face, key)] = data
            _compressed[data] = None
        return data

    face.makeSubset = cached_subset


# Font subsets already built, by face and glyphs; their compressed bytes, by subset bytes.
_subsets: dict[tuple, bytes] = {}
_compressed: dict[bytes, bytes | None] = {}


class _CachedZCompress(pdfdoc.PDFStreamFilterZCompress):
    """reportlab's Flate filter, compressing a font subset it has compressed before only once
    (every other stream as before)."""

    def encode(self, text):
        if not isinstance(text, bytes):
            return super().encode(text)
        encoded = _compressed.get(text, _NOT_A_SUBSET)  # one lookup: another thread may clear
        if encoded is _NOT_A_SUBSET:
            return super().encode(text)
        if encoded is None:
            encoded = _compressed[text] = super().encode(text)
        return encoded


_NOT_A_SUBSET = object()


def _compress_subsets_once() -> None:
    pdfdoc.PDFZCompress = _CachedZCompress()


# --- glyph outlines (the seal's lettering: drawn, not text) ---------------------------------

_outline_lock = threading.Lock()
_outline_fonts: dict[str, object] = {}


def _outline_font(face: FontFile):
    """The fontTools view of ``face`` (read lazily: only the glyphs asked for are parsed)."""
    from fontTools.ttLib import TTFont as ToolsFont

    font = _outline_fonts.get(face.name)
    if font is None:
        # Read from memory, not from an open file: certificate workers are forked, and forked
        # processes reading one shared file descriptor would race on its offset.
        data = io.BytesIO(face.file.read_bytes())
        font = ToolsFont(data, fontNumber=face.index, lazy=True)
        _outline_fonts[face.name] = font
    return font


def draw_outlines(
    canvas, x: float, y: float, text: str, size: float, *, anchor: str = "left", stroke: float = 0.0
) -> float:
    """Draw ``text`` in the body face as filled glyph outlines (paths), baseline at ``y``, in the
    current fill colour: it looks like text but is not text, so copying or searching the page
    never picks it up (the seal's lettering over the issuer name). ``stroke`` (a fraction of
    ``size``) thickens the strokes. Returns the width."""
    from fontTools.pens.basePen import BasePen

    class Pen(BasePen):
        """Glyph outlines into a reportlab path in font units, snapped to a grid of 0.05 pt
        at the drawn size (invisible in print; short, repetitive numbers compress well)."""

        def __init__(self, glyph_set, path, grid):
            super().__init__(glyph_set)
            self.path, self.grid = path, grid

        def _snap(self, *points):
            return [round(v / self.grid) * self.grid for point in points for v in point]

        def _moveTo(self, point):
            self.path.moveTo(*self._snap(point))

        def _lineTo(self, point):
            self.path.lineTo(*self._snap(point))

        def _curveToOne(self, p1, p2, p3):
            self.path.curveTo(*self._snap(p1, p2, p3))

        def _closePath(self):
            self.path.close()

    check_coverage(text)
    width = string_width(text, size)
    if anchor == "centre":
        x -= width / 2
    elif anchor == "right":
        x -= width
    advance = 0.0
    with _outline_lock:
        for name, part in runs(text):
            face = next(f for f in ALL_FACES if f.name == name)
            font = _outline_font(face)
            scale = size / font["head"].unitsPerEm
            grid = max(1, int(0.05 / scale))
            glyph_set = font.getGlyphSet()
            cmap = font.getBestCmap()
            for char in part:
                glyph_name = cmap.get(ord(char))
                if glyph_name is not None:
                    canvas.saveState()
                    canvas.translate(x + advance, y)
                    canvas.scale(scale, scale)
                    path = canvas.beginPath()
                    glyph_set[glyph_name].draw(Pen(glyph_set, path, grid))
                    canvas.setLineWidth(size * stroke / scale)
                    canvas.setLineJoin(1)
                    canvas.drawPath(path, stroke=1 if stroke else 0, fill=1, fillMode=1)
                    canvas.restoreState()
                advance += pdfmetrics.stringWidth(char, name, size)
    return width


def unprintable(fields: list[tuple[str, str]]) -> list[str]:
    """One Chinese reason per field (label, value) holding a character no font can draw, e.g.
    “姓名中的“”(U+E000)任何字体都无法显示…”: checked at roster import and before a publicity is
    published, so a name that cannot be printed is found long before issuing."""
    reasons = []
    for label, value in fields:
        missing = missing_characters(value or "")
        if missing:
            shown = "、".join(f"“{c}”(U+{ord(c):04X})" for c in missing)
            reasons.append(
                f"{label}中的{shown}任何字体都无法显示，审批文件和证书无法印出，"
                "请核对该字符（是否为乱码或私用区字符）"
            )
    return reasons

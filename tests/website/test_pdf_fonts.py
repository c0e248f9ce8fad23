"""The PDFs' fonts: every legal name prints, each glyph from a font that has it, and the text
copied out of the PDF is the text put in — also beyond the BMP (Extension B and later)."""

import io

import pdfplumber
import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from website.pdf import fonts
from website.pdf.fonts import (
    FANGSONG,
    HEITI,
    KAITI,
    XIAOBIAOSONG,
    FontsMissingError,
    MissingGlyphError,
    check_coverage,
    draw_text,
    face_for,
    markup,
    missing_characters,
    register_font,
    runs,
)

# Real names' characters: outside GB 2312 (頔 喆 堃 珺 玥 赟 彧 祎 璟 垚 镕), Extension A (䶮),
# Extension B (𠅤 𪚥).
RARE = "頔喆堃珺玥赟彧祎璟垚镕䶮𠅤𪚥"
NAMES = ["王頔", "张喆", "刘堃", "李䶮", "赵𠅤", "钱𪚥", "欧阳玥珺", "周赟彧", "吴祎璟", "郑垚镕"]


def test_all_faces_are_installed_and_embeddable():
    registered = fonts.register_fonts()
    assert set(registered) == {"UMingCN", "UKaiCN", "WQYZenHei", "HanaMinA", "HanaMinB"}
    for font in registered.values():
        # reportlab refuses restricted-licence fonts (fsType bit 1); these all load.
        assert font.face.charToGlyph


def test_every_style_has_its_own_face():
    register_font()
    assert face_for("文", FANGSONG).name == "UMingCN"
    assert face_for("文", XIAOBIAOSONG).name == "UMingCN"
    assert face_for("文", HEITI).name == "WQYZenHei"
    assert face_for("文", KAITI).name == "UKaiCN"


def test_rare_name_characters_fall_back_per_character():
    register_font()
    assert missing_characters(RARE + "张三 李四·买买提") == []
    assert [name for name, _ in runs("王頔赵𠅤", FANGSONG)] == ["UMingCN", "HanaMinA"]
    assert [name for name, _ in runs("赵𠅤同志", FANGSONG)] == ["UMingCN", "HanaMinA", "UMingCN"]
    # 䶮 is mapped by AR PL UKai to a blank glyph: it must come from Hanazono, not print blank.
    assert face_for("䶮", KAITI).name.startswith("HanaMin")
    assert face_for("𪚥", FANGSONG).name.startswith("HanaMin")
    assert 'face="HanaMin' in markup("李䶮", KAITI)


def test_coverage_of_extensions_a_to_f():
    """GB 18030-2022 level 2 and 3 blocks: every code point of the URO up to U+9FEA, Extension
    A (to U+4DB5) and Extensions B–F is drawable (sampled every 7th code point for speed)."""
    register_font()
    blocks = {
        "URO": (0x4E00, 0x9FEA),
        "A": (0x3400, 0x4DB5),
        "B": (0x20000, 0x2A6D6),
        "C": (0x2A700, 0x2B734),
        "D": (0x2B740, 0x2B81D),
        "E": (0x2B820, 0x2CEA1),
        "F": (0x2CEB0, 0x2EBE0),
    }
    for label, (first, last) in blocks.items():
        sample = "".join(chr(c) for c in range(first, last + 1, 7))
        assert missing_characters(sample) == [], label


def test_character_no_font_has_is_named():
    assert missing_characters("王\ue000与刘\ue000，\U000f0000") == ["\ue000", "\U000f0000"]
    with pytest.raises(MissingGlyphError) as excinfo:
        check_coverage("王\ue000", context="姓名")
    assert "U+E000" in str(excinfo.value)
    assert str(excinfo.value).startswith("姓名中")


def _draw(text: str, style: str = FANGSONG) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    draw_text(pdf, 72, 700, text, 16, style)
    pdf.save()
    return buffer.getvalue()


@pytest.mark.parametrize("style", [FANGSONG, XIAOBIAOSONG, HEITI, KAITI])
def test_rare_names_extract_back_equal(style):
    """ToUnicode right: the text copied from the PDF is the name, beyond the BMP too."""
    text = "、".join(NAMES)
    data = _draw(text, style)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        extracted = "".join(c["text"] for c in pdf.pages[0].chars)
    assert extracted == text
    assert "".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split()) == text


def embedded_glyphs(data: bytes) -> dict[str, tuple[str, int]]:
    """For every character drawn on page 1: (font base name, contour count of its glyph in the
    embedded subset), found through the font's ToUnicode map and its embedded cmap."""
    import re

    from fontTools.ttLib import TTFont

    result = {}
    reader = PdfReader(io.BytesIO(data))
    for ref in reader.pages[0]["/Resources"]["/Font"].values():
        font = ref.get_object()
        if "/FontDescriptor" not in font:
            continue
        program = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
        tt = TTFont(io.BytesIO(program))
        cmap = next(t.cmap for t in tt["cmap"].tables)
        to_unicode = font["/ToUnicode"].get_object().get_data().decode().split("beginbfchar")[1]
        for code, utf16 in re.findall(r"<([0-9A-F]{2})> <([0-9A-F]+)>", to_unicode):
            char = bytes.fromhex(utf16).decode("utf-16-be")
            glyph = cmap.get(int(code, 16))
            contours = tt["glyf"][glyph].numberOfContours if glyph else 0
            result[char] = (str(font["/BaseFont"]).split("+", 1)[1], contours)
    return result


@pytest.mark.parametrize("style", [FANGSONG, KAITI, HEITI])
def test_each_glyph_comes_from_a_font_that_has_it(style):
    """No .notdef and no blank glyph: every drawn character maps, in the subset embedded for
    it, to a glyph with outlines — from Hanazono for the rare ones."""
    text = "".join(NAMES)
    glyphs = embedded_glyphs(_draw(text, style))
    for char in set(text):
        font, contours = glyphs[char]
        assert contours > 0, (char, font)
    for char in "𠅤𪚥" + ("䶮" if style == KAITI else ""):
        assert glyphs[char][0].startswith("HanaMin"), char


def test_only_used_glyphs_are_embedded():
    small = _draw("王頔")
    assert len(small) < 40_000  # two tiny subsets, not a 20 MB font


def test_paragraph_markup_draws_fallback_characters():
    buffer = io.BytesIO()
    style = ParagraphStyle("b", fontName=register_font(), fontSize=16, leading=28, wordWrap="CJK")
    SimpleDocTemplate(buffer).build([Paragraph(markup("、".join(NAMES) + "<&>"), style)])
    text = "".join(PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text().split())
    assert text == "、".join(NAMES) + "<&>"


def test_missing_font_file_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "FONT_DIR", tmp_path)
    monkeypatch.setattr(fonts, "_fonts", {})
    with pytest.raises(FontsMissingError) as excinfo:
        fonts.register_fonts()
    assert "fonts-hanazono" in str(excinfo.value) and "apt-get install" in str(excinfo.value)


def test_chinese_punctuation_never_starts_a_line():
    from reportlab.lib import textsplit

    register_font()
    for char in "，：；！？":
        assert char in textsplit.ALL_CANNOT_START

import io

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from website.pdf.fonts import (
    FONT_NAME,
    MissingGlyphError,
    check_coverage,
    missing_characters,
    register_font,
)


def test_font_is_embedded_and_text_extractable():
    name = register_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont(name, 16)
    pdf.drawString(72, 700, "关于开展2023年度职称评审工作的通知〔2023〕")
    pdf.save()
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    assert "职称评审工作的通知" in reader.pages[0].extract_text()
    fonts = reader.pages[0]["/Resources"]["/Font"]
    # reportlab embeds TrueType subsets of 256 glyphs as simple TrueType fonts.
    embedded = [f.get_object() for f in fonts.values() if "UMingCN" in f.get_object()["/BaseFont"]]
    assert embedded
    for font in embedded:
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # outlines embedded, not substituted by the viewer


def test_missing_characters_are_named():
    assert missing_characters("张三 李四·买买提") == []
    assert missing_characters("王頔与刘珺，王頔") == ["頔", "珺"]
    with pytest.raises(MissingGlyphError) as excinfo:
        check_coverage("王頔", context="姓名")
    assert "頔" in str(excinfo.value) and "U+9814" in str(excinfo.value)
    assert str(excinfo.value).startswith("姓名中")


def test_chinese_punctuation_never_starts_a_line():
    from reportlab.lib import textsplit

    register_font()
    for char in "，：；！？":
        assert char in textsplit.ALL_CANNOT_START
    assert FONT_NAME == "UMingCN"

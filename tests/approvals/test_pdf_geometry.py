"""Geometry of the rendered PDFs, read back with pdfplumber's character boxes: every glyph inside
the page and the 版心 (GB/T 9704-2012: 156 × 225 mm, top 37 mm, left 28 mm), no two glyphs
overlapping, the 22 × 28 grid, the element positions, the seal over the issuer name and date —
on the longest real values (a 47-character committee, a 60-character title, 500 persons with
40-character units)."""

from __future__ import annotations

import io
from collections import defaultdict

import pdfplumber
import pytest
from reportlab.lib.units import mm

from approvals.pdf.approval_document import render_approval_document
from approvals.pdf.certificate import render_certificate
from approvals.pdf.common import words

from . import pdf_samples

PAGE_W, PAGE_H = 595.2756, 841.8898
TEXT_LEFT, TEXT_RIGHT = 28 * mm, 184 * mm
TEXT_TOP, TEXT_BOTTOM = 37 * mm, 262 * mm  # from the top of the page
TOLERANCE = 0.6  # pt: glyph boxes are computed from the font's ascent/descent


def read_pages(data: bytes) -> list[list[dict]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [[c for c in page.chars if c["text"].strip()] for page in pdf.pages]


def page_number_chars(chars: list[dict]) -> list[dict]:
    return [c for c in chars if c["top"] > TEXT_BOTTOM]


def overlaps(chars: list[dict]) -> list[tuple[str, str]]:
    """Pairs of glyphs whose boxes overlap (more than rounding) — a sweep over tops."""
    ordered = sorted(chars, key=lambda c: c["top"])
    found = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b["top"] >= a["bottom"] - 0.3:
                break
            if min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > 0.3:
                found.append((a["text"], b["text"]))
    return found


@pytest.fixture(scope="module")
def longest():
    doc = pdf_samples.longest_document(500)
    rendered = render_approval_document(doc)
    return doc, rendered, read_pages(rendered.data)


@pytest.fixture(scope="module")
def short():
    doc = pdf_samples.approval_document(3)
    rendered = render_approval_document(doc)
    return doc, rendered, read_pages(rendered.data)


@pytest.mark.parametrize("fixture", ["short", "longest"])
def test_every_glyph_inside_the_page_and_the_text_block(request, fixture):
    _doc, _rendered, pages = request.getfixturevalue(fixture)
    for number, chars in enumerate(pages, 1):
        assert chars, f"page {number} is empty"
        for c in chars:
            assert 0 <= c["x0"] and c["x1"] <= PAGE_W and 0 <= c["top"] and c["bottom"] <= PAGE_H
        numbers = page_number_chars(chars)
        assert "".join(c["text"] for c in numbers) == f"—{number}—"
        for c in chars:
            if c in numbers:
                continue
            where = f"page {number} {c['text']!r} at {c['x0']:.1f},{c['top']:.1f}"
            assert c["x0"] >= TEXT_LEFT - TOLERANCE, where
            assert c["x1"] <= TEXT_RIGHT + TOLERANCE, where
            assert c["top"] >= TEXT_TOP - TOLERANCE, where
            assert c["bottom"] <= TEXT_BOTTOM + TOLERANCE, where


@pytest.mark.parametrize("fixture", ["short", "longest"])
def test_no_two_glyphs_overlap(request, fixture):
    _doc, _rendered, pages = request.getfixturevalue(fixture)
    for number, chars in enumerate(pages, 1):
        assert overlaps(chars) == [], f"page {number}"


def test_page_numbers_right_on_odd_left_on_even_7mm_below_the_text_block(longest):
    _doc, _rendered, pages = longest
    for number, chars in enumerate(pages, 1):
        digits = page_number_chars(chars)
        top = min(c["top"] for c in digits)
        assert abs(top - (TEXT_BOTTOM + 7 * mm)) < 2.5  # the dashes' top, 7 mm below
        if number % 2:
            assert abs(max(c["x1"] for c in digits) - (TEXT_RIGHT - 14)) < 1  # one character in
        else:
            assert abs(min(c["x0"] for c in digits) - (TEXT_LEFT + 14)) < 1


def test_body_is_22_lines_of_28_characters():
    text = "经评审委员会评审通过并经公示无异议现批准下列同志具备相应专业技术职务任职资格" * 6
    doc = pdf_samples.approval_document(1, body=[text] * 3)
    pages = read_pages(render_approval_document(doc).data)
    body = [
        c for page in pages[:1] for c in page if c["text"] in text and abs(c["size"] - 15.79) < 0.1
    ]
    lines = defaultdict(list)
    for c in body:
        lines[round(c["top"], 1)].append(c)
    tops = sorted(lines)
    full = [lines[t] for t in tops if len(lines[t]) == 28]
    assert len(full) >= 3  # full lines hold exactly 28 characters …
    assert all(len(lines[t]) <= 28 for t in tops)
    for line in full:  # … and fill the 版心 from edge to edge
        assert abs(min(c["x0"] for c in line) - TEXT_LEFT) < 0.5
        assert abs(max(c["x1"] for c in line) - TEXT_RIGHT) < 0.5
    pitches = [b - a for a, b in zip(tops, tops[1:], strict=False)]
    line = 225 * mm / 22  # 22 lines in 225 mm
    assert len(pitches) >= 6
    assert all(abs(p - line) < 0.15 or p > 1.5 * line for p in pitches), pitches


def test_masthead_positions(short):
    """Mark 35 mm below the top of the 版心, red; the number 空二行 under it; title 2号."""
    doc, _rendered, pages = short
    chars = pages[0]
    mark = [c for c in chars if c["non_stroking_color"] and c["non_stroking_color"][0] > 0.7
            and c["non_stroking_color"][1] < 0.1]  # fmt: skip
    assert "".join(c["text"] for c in mark) == doc.issuer_mark
    assert abs(min(c["top"] for c in mark) - (TEXT_TOP + 35 * mm)) < 3.5
    mark_bottom = max(c["bottom"] for c in mark)
    number = [c for c in chars if c["text"] in "新经开人社〔2024〕12号" and c["top"] > mark_bottom
              and abs(c["size"] - 15.79) < 0.1][:12]  # fmt: skip
    gap = min(c["top"] for c in number) - mark_bottom
    line = 225 * mm / 22
    assert 2 * line <= gap <= 3 * line  # 空二行
    title = [c for c in chars if abs(c["size"] - 22) < 0.1]
    assert "".join(c["text"] for c in title) == doc.title
    # The title 空二行 below the red rule (4 mm under the number).
    gap = min(c["top"] for c in title) - (max(c["bottom"] for c in number) + 4 * mm)
    assert 2 * line <= gap <= 3 * line


def test_attachment_note_numbers_are_half_width_and_names_aligned():
    doc = pdf_samples.approval_document(
        3,
        attachments=[
            "2024年度工程系列中级专业技术职务任职资格评审委员会评审结果汇总表及有关说明材料",
            "申报材料目录",
        ],
    )
    pages = read_pages(render_approval_document(doc).data)
    chars = [c for page in pages[:2] for c in page]
    text = "".join(c["text"] for c in chars)
    assert "附件：1.2024年度" in text and "2.申报材料目录" in text and "3.取得专业技术职务" in text
    assert "．" not in text  # no full-width numbering
    # A wrapped attachment name continues under its first character (§7.3.4).
    first = chars[text.index("附件：1.") + len("附件：1.")]  # the name's first character
    assert first["text"] == "2"
    line_two = [c for c in chars if first["bottom"] < c["top"] < first["bottom"] + 40]
    assert abs(min(c["x0"] for c in line_two) - first["x0"]) < 0.6


def test_long_title_breaks_at_word_boundaries_into_balanced_lines(longest):
    doc, _rendered, pages = longest
    title = [c for c in pages[0] if abs(c["size"] - 22) < 0.1]
    lines = defaultdict(str)
    for c in sorted(title, key=lambda c: (round(c["top"]), c["x0"])):
        lines[round(c["top"])] += c["text"]
    texts = list(lines.values())
    assert "".join(texts) == doc.title
    assert len(texts) >= 3
    # Every break falls between two words of the title.
    boundaries, position = set(), 0
    for word in words(doc.title):
        position += len(word)
        boundaries.add(position)
    position = 0
    for text in texts[:-1]:
        position += len(text)
        assert position in boundaries, texts
    lengths = [len(t) for t in texts]
    assert max(lengths) - min(lengths) <= 4, texts  # balanced
    # Centred.
    for top in lines:
        row = [c for c in title if round(c["top"]) == top]
        left, right = min(c["x0"] for c in row) - TEXT_LEFT, TEXT_RIGHT - max(c["x1"] for c in row)
        assert abs(left - right) < 1.5


@pytest.mark.parametrize("fixture", ["short", "longest"])
def test_seal_lies_over_issuer_name_and_date(request, fixture):
    doc, rendered, pages = request.getfixturevalue(fixture)
    x0, y0, x1, y1 = rendered.seal_box
    top, bottom = PAGE_H - y1, PAGE_H - y0
    chars = pages[rendered.seal_page]
    date = "2024年9月10日"

    def inside(c):
        return c["x0"] >= x0 and c["x1"] <= x1 and c["top"] >= top and c["bottom"] <= bottom

    date_chars = [c for c in chars if c["text"] in date and abs(c["size"] - 15.79) < 0.1]
    date_chars = [c for c in date_chars if c["top"] > max(d["top"] for d in date_chars) - 1]
    assert "".join(c["text"] for c in date_chars) == date
    assert all(inside(c) for c in date_chars)
    # The name's last line sits just above the date, under the seal.
    name_line = [c for c in chars if c["bottom"] <= min(d["top"] for d in date_chars) + 0.5
                 and c["top"] > min(d["top"] for d in date_chars) - 225 * mm / 22 - 1]  # fmt: skip
    assert name_line and doc.issuer_name.endswith("".join(c["text"] for c in name_line))
    assert sum(inside(c) for c in name_line) >= 3
    # Inside the page and clear of the page number.
    assert 0 < x0 and x1 < PAGE_W and bottom < TEXT_BOTTOM


def test_imprint_on_the_last_page_at_the_foot(longest):
    doc, _rendered, pages = longest
    last = pages[-1]
    text = "".join(c["text"] for c in last)
    assert "2024年9月10日印发" in text
    assert doc.issuer_name.replace("、", "") in text.replace("、", "")
    imprint = [c for c in last if abs(c["size"] - 14) < 0.1 and c["top"] < TEXT_BOTTOM]
    assert max(c["bottom"] for c in imprint) > TEXT_BOTTOM - 20 * mm  # at the foot
    for page in pages[:-1]:
        assert "印发" not in "".join(c["text"] for c in page)


def test_every_person_and_certificate_number_is_listed_once(longest):
    doc, _rendered, pages = longest
    text = "".join(c["text"] for page in pages for c in page)
    for person in doc.persons:
        assert text.count(person["certificate_number"]) == 1, person["certificate_number"]
    for name in pdf_samples.RARE_NAMES:
        assert name in text


def test_longest_document_stays_small(longest):
    _doc, rendered, pages = longest
    assert len(pages) <= 40
    assert len(rendered.data) < 400_000  # only used glyphs are embedded


@pytest.fixture(scope="module")
def certificate():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (295, 413), (200, 220, 240)).save(buffer, "JPEG")
    data = pdf_samples.longest_certificate(photo=buffer.getvalue())
    rendered = render_certificate(data)
    with pdfplumber.open(io.BytesIO(rendered.data)) as pdf:
        page = pdf.pages[0]
        return data, rendered, [c for c in page.chars if c["text"].strip()], page.images


def test_certificate_glyphs_inside_the_inner_border_and_not_overlapping(certificate):
    _data, _rendered, chars, _images = certificate
    for c in chars:
        assert c["x0"] >= 15 * mm and c["x1"] <= PAGE_W - 15 * mm, c["text"]
        assert c["top"] >= 15 * mm and c["bottom"] <= PAGE_H - 15 * mm, c["text"]
    assert overlaps(chars) == []


def test_certificate_prints_long_values_whole(certificate):
    data, _rendered, chars, _images = certificate
    text = "".join(c["text"] for c in chars)
    for value in (data.name, data.unit, data.committee, data.certificate_number):
        assert value in text, value
    assert f"发证机关：{data.issuer_name}" in text
    # Wrapped, not shrunk into illegibility: only the verification small print is small.
    body = [c for c in chars if c["top"] < PAGE_H - 60 * mm]
    assert min(c["size"] for c in body) >= 11


def test_certificate_photo_clear_of_text_and_star_clear_of_date(certificate):
    data, rendered, chars, images = certificate
    (photo,) = images
    for c in chars:
        clear = (c["x1"] <= photo["x0"] or c["x0"] >= photo["x1"] or c["bottom"] <= photo["top"]
                 or c["top"] >= photo["bottom"])  # fmt: skip
        assert clear, c["text"]
    x0, y0, x1, y1 = rendered.seal_box
    # The seal inside the inner border.
    assert x0 > 15 * mm and x1 < PAGE_W - 15 * mm and y0 > 15 * mm and y1 < PAGE_H - 15 * mm
    cy = PAGE_H - (y0 + y1) / 2  # the seal (and star) centre, from the top
    star = 0.30 * (x1 - x0) / 2
    date = [c for c in chars if c["top"] > cy and abs(c["size"] - 14) < 0.1]
    date = [c for c in date if c["top"] > max(d["top"] for d in date) - 1]
    assert "".join(c["text"] for c in date).endswith("2024年9月10日")
    assert min(c["top"] for c in date) >= cy + star * 0.8  # the star's lower points stay above
    assert all(x0 <= c["x0"] and c["x1"] <= x1 for c in date if c["text"].isdigit())


def test_seal_lettering_is_not_text(certificate, short):
    """The seal's characters are outlines: the page text holds the issuer name once, in order."""
    data, _rendered, chars, _images = certificate
    text = "".join(c["text"] for c in chars)
    assert "职称评审专用章" not in text
    _doc, rendered, pages = short
    text = "".join(c["text"] for c in pages[rendered.seal_page])
    assert "职称评审专用章" not in text
    assert text.count(pdf_samples.SEAL) == 0

"""Line breaking of titles, marks and names: at word boundaries, balanced, punctuation kept
with its word, and the grid text never hanging past the measure."""

from __future__ import annotations

from approvals.pdf.common import break_lines, words
from approvals.pdf.grid import break_grid_lines
from website.pdf.fonts import string_width


def chars(text: str) -> float:
    return 22.0 * len(text)


def test_words_keep_counts_terms_and_punctuation_together():
    pieces = words("关于批准吴杰等48名同志具备工程系列中级专业技术职务任职资格的通知")
    assert "等48名" in pieces and "工程系列" in pieces and "任职资格" in pieces
    assert "吴杰" in pieces
    pieces = words("经开区（头屯河区）人社局，各企业。")
    assert "（头屯河区）" in pieces
    assert not any(p[0] in "，。）" for p in pieces)


def test_title_breaks_at_word_boundaries_into_balanced_lines():
    title = "关于批准吴杰等48名同志具备工程系列中级专业技术职务任职资格的通知"
    lines = break_lines(title, 20 * 22.0, chars)
    assert "".join(lines) == title and len(lines) == 2
    assert lines == ["关于批准吴杰等48名同志具备工程系列", "中级专业技术职务任职资格的通知"]
    assert all(chars(line) <= 20 * 22.0 for line in lines)


def test_a_word_longer_than_the_line_is_still_broken():
    lines = break_lines("新疆生产建设兵团第十二师二二一团某某公司", 5 * 22.0, chars)
    assert all(chars(line) <= 5 * 22.0 for line in lines)
    assert "".join(lines) == "新疆生产建设兵团第十二师二二一团某某公司"


def test_grid_lines_never_hang_punctuation_past_the_measure():
    size = 15.79
    width = 28 * size
    text = "经评审委员会评审通过并经公示无异议现批准下列同志具备相应专业技术职务任职资，格。" * 3
    lines = break_grid_lines(text, width, size, first_indent=2 * size)
    assert "".join(line.text for line in lines) == text
    for line in lines:
        assert not line.text.startswith(("，", "。"))
        drawn = string_width(line.text, size) + line.spacing * (len(line.text) - 1)
        assert line.x + drawn <= width + 0.01
    # Full lines are justified to the measure; the last is not.
    assert lines[0].spacing >= 0 and lines[-1].spacing == 0


def test_grid_lines_keep_numbers_and_opening_brackets():
    size = 15.79
    text = "甲" * 25 + "2024年（乙）" + "丙" * 30
    lines = break_grid_lines(text, 28 * size, size)
    assert "".join(line.text for line in lines) == text
    assert not any(line.text.endswith("（") for line in lines)
    assert any("2024" in line.text for line in lines)  # never 20 / 24

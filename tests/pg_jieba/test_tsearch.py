"""The tsvector and tsquery texts of pg_jieba (pure functions: no database needed)."""

import re

from pg_jieba.tsearch import (
    EVERYTHING,
    MAX_POSITION,
    NOTHING,
    autocomplete_query,
    combine,
    negate,
    plain_query,
    quote,
    substring_query,
    vector_text,
)


def entries(literal: str) -> dict[str, list[str]]:
    """'lexeme':1A,2B ... as {lexeme: ["1A", "2B"]}."""
    return {
        lexeme.replace("''", "'"): positions.split(",")
        for lexeme, positions in re.findall(r"'((?:[^']|'')*)':([0-9A-D,]+)", literal)
    }


def test_words_share_one_position_and_bigrams_are_consecutive():
    found = entries(vector_text([("乌鲁木齐市职称评审", "A")]))
    # jieba's words, all at the first position, where no phrase can run through them.
    assert found["乌鲁木齐市"] == ["1A"] and found["职称"][0] == "1A"
    # Bigrams from position 3 on, one after the other: 乌鲁 鲁木 木齐 齐市 市职 …
    assert found["乌鲁"] == ["3A"] and found["鲁木"] == ["4A"] and found["木齐"] == ["5A"]
    assert found["审"] == ["11A"]


def test_texts_keep_their_weights_and_are_apart():
    found = entries(vector_text([("评审", "A"), ("评审费", "C")]))
    assert found["评审"] == ["1A", "3A", "7C", "9C"]  # word and bigram of each text
    assert found["审费"] == ["10C"]


def test_autocomplete_vectors_have_no_words_and_quotes_are_escaped():
    literal = vector_text([("O'Neil 乌鲁木齐", "D")], words=False)
    assert "乌鲁木齐" not in entries(literal)
    assert "'neil':2D" in literal
    assert quote("o'neil") == "'o''neil'" and quote("a\\b") == "'a\\\\b'"


def test_positions_wrap_below_the_limit():
    literal = vector_text([("甲乙" * (MAX_POSITION // 2 + 10), "B")], words=False)
    positions = [int(p[:-1]) for ps in entries(literal).values() for p in ps]
    assert max(positions) <= MAX_POSITION and min(positions) == 1


def test_query_words_with_a_substring_fallback():
    # A dictionary word of two characters is its word; an unknown one also its bigrams.
    assert plain_query("职称", "and") == "'职称'"
    assert plain_query("鲁木齐", "and") == "('鲁木齐' | ('鲁木' <-> '木齐'))"
    assert plain_query("职称 评审", "or") == "('职称' | '评审')"
    assert plain_query("，。", "and") is NOTHING
    assert substring_query("职") == "'职':*"
    assert substring_query("PDF格式") == "('pdf' <-> '格式')"


def test_constants_fold():
    assert combine(["'a'", NOTHING], "and") is NOTHING
    assert combine(["'a'", NOTHING], "or") == "'a'"
    assert combine([EVERYTHING, "'a'"], "or") is EVERYTHING
    assert negate(NOTHING) is EVERYTHING and negate("'a'") == "!('a')"


def test_autocomplete_prefixes_the_last_latin_word():
    assert autocomplete_query("乌鲁 pd", "and") == "('乌鲁' & 'pd':*)"
    assert (
        autocomplete_query("新经开人社〔2024", "and")
        == "(('新经' <-> '经开' <-> '开人' <-> '人社') & '2024':*)"
    )

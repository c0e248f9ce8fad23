from whoosh_jieba.analyzer import (
    FIELD_SEPARATOR,
    CharAnalyzer,
    WordAnalyzer,
    add_words,
    char_tokens,
    configured_words,
    index_words,
    query_char_groups,
    query_words,
)


def words(text):
    return [w for w, _s, _e in index_words(text)]


def test_document_number_keeps_digits_and_drops_brackets():
    tokens = words("和地职称办〔2023〕1号")
    assert "2023" in tokens and "1" in tokens and "职称" in tokens
    assert "〔" not in tokens and "〕" not in tokens


def test_mixed_latin_is_lower_cased_and_search_mode_adds_inner_words():
    tokens = words("申报材料PDF格式，工程师")
    assert "pdf" in tokens
    assert {"申报", "申报材料", "工程师"} <= set(tokens)
    assert "，" not in tokens


def test_words_added_at_run_time_are_one_word_for_queries_and_indexing():
    # Made-up characters run no other test uses: the dictionary is process-wide.
    word = "甲乙丙丁戊"
    assert query_words(word) != [word]
    assert word not in words(word)  # cached now: add_words must clear the cache
    add_words([word])
    assert query_words(word) == [word]
    assert word in words(word)


def test_configured_words_come_from_the_setting(settings):
    settings.WHOOSH_JIEBA_WORDS = ["某词"]
    assert configured_words() == ["某词"]
    del settings.WHOOSH_JIEBA_WORDS
    assert configured_words() == []


def test_query_words_drop_punctuation_and_duplicates():
    assert query_words("！！！。，、") == []
    assert query_words("答辩 答辩") == ["答辩"]


def test_char_tokens_are_bigrams_and_latin_runs():
    assert char_tokens("PDF格式2024年度") == ["pdf", "格式", "式", "2024", "年度", "度"]
    assert char_tokens("1号") == ["1", "号"]


def test_query_char_groups_make_phrases_and_prefixes():
    assert query_char_groups("乌鲁木齐") == [("phrase", ["乌鲁", "鲁木", "木齐"])]
    assert query_char_groups("2024年度") == [("phrase", ["2024", "年度"])]
    assert query_char_groups("〔2023〕1号") == [("phrase", ["2023", "1"]), ("prefix", ["号"])]
    assert query_char_groups("！！") == []


def test_char_positions_are_consecutive_with_a_gap_between_fields():
    # Whoosh reuses one Token object: read each position as it is yielded.
    positions = [t.pos for t in CharAnalyzer()(f"职称{FIELD_SEPARATOR}评审", positions=True)]
    assert positions[1] == positions[0] + 1
    assert positions[2] - positions[1] > 1


def test_word_analyzer_yields_jieba_words():
    tokens = [t.text for t in WordAnalyzer()("继续教育申报材料")]
    assert {"继续", "教育", "继续教育", "申报", "材料"} <= set(tokens)

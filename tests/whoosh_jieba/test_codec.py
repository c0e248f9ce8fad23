"""The compact posting blocks (``whoosh_jieba.codec``) and the direct text fields
(``whoosh_jieba.fields``) write exactly what Whoosh's W3 codec and TEXT fields write: the same
terms, postings (through Whoosh's matcher API), term statistics and field lengths, the same
search results; an index mixing segments of both codecs answers as one."""

import pytest
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import TEXT
from whoosh.filedb.filestore import RamStorage

from tests.whoosh_jieba.test_bulk import _queries, build_index
from whoosh_jieba.analyzer import FIELD_SEPARATOR, CharAnalyzer, WordAnalyzer
from whoosh_jieba.codec import CompactCodec, CompactLeafMatcher
from whoosh_jieba.fields import CharTEXT, WordTEXT
from whoosh_jieba.scoring import CachedLengthBM25F
from whoosh_jieba.store import build_schema


def _terms(reader):
    return [(field, text) for field, text in reader.all_terms() if field.endswith(("__t", "__c"))]


def _walk(m):
    """Every posting through the matcher API: (id, weight, value)."""
    out = []
    while m.is_active():
        out.append((m.id(), m.weight(), m.value()))
        m.next()
    return out


def _whoosh_schema():
    """build_schema() with Whoosh's own TEXT fields."""
    schema = build_schema()
    schema.remove("*__t")
    schema.remove("*__c")
    schema.add("*__t", TEXT(analyzer=WordAnalyzer(), phrase=False), glob=True)
    schema.add("*__c", TEXT(analyzer=CharAnalyzer(), phrase=True), glob=True)
    return schema


TEXTS = [
    "关于开展2024年度乌鲁木齐市职称评审工作的通知",
    f"PDF格式2024年度{FIELD_SEPARATOR}和地职称办〔2023〕1号 职称 职称 评审",
    "a  b  c 1 22 333 Latin words, 乌鲁木齐乌鲁木齐。",
    "",
    "。，！",
]


@pytest.mark.parametrize("text", TEXTS)
def test_fields_index_as_text(text):
    for fast, plain in (
        (WordTEXT(analyzer=WordAnalyzer(), phrase=False), TEXT(WordAnalyzer(), phrase=False)),
        (CharTEXT(analyzer=CharAnalyzer(), phrase=True), TEXT(CharAnalyzer(), phrase=True)),
    ):
        assert sorted(fast.index(text)) == sorted(plain.index(text))
    # Several fields joined (the catch-all): cut part by part, the same words.
    joined = FIELD_SEPARATOR.join(TEXTS)
    plain = TEXT(analyzer=WordAnalyzer(), phrase=False)
    assert sorted(WordTEXT(analyzer=WordAnalyzer()).index(joined)) == sorted(plain.index(joined))


def test_same_postings_as_w3():
    w3 = build_index(W3Codec(), _whoosh_schema())
    compact = build_index(CompactCodec())
    with w3.reader() as r3, compact.reader() as rc:
        terms = _terms(r3)
        assert terms == _terms(rc)
        blocks = 0
        for (segment3, _o3), (segmentc, _oc) in zip(
            r3.leaf_readers(), rc.leaf_readers(), strict=True
        ):
            for field, text in terms:
                if (field, text) not in segment3:
                    continue
                info3, infoc = segment3.term_info(field, text), segmentc.term_info(field, text)
                assert (info3.weight(), info3.doc_frequency(), info3.min_length()) == (
                    infoc.weight(),
                    infoc.doc_frequency(),
                    infoc.min_length(),
                )
                assert (info3.max_length(), info3.max_weight()) == (
                    infoc.max_length(),
                    infoc.max_weight(),
                )
                m3, mc = segment3.postings(field, text), segmentc.postings(field, text)
                blocks += isinstance(mc, CompactLeafMatcher)
                assert _walk(m3) == _walk(mc), (field, text)
                if isinstance(mc, CompactLeafMatcher):
                    m3, mc = segment3.postings(field, text), segmentc.postings(field, text)
                    while m3.is_active():
                        assert (m3.block_min_length(), m3.block_max_length()) == (
                            mc.block_min_length(),
                            mc.block_max_length(),
                        )
                        assert m3.block_max_weight() == mc.block_max_weight()
                        m3._next_block()
                        mc._next_block()
            for field in ("ix_all__t", "ix_all__c", "ix_boost2_0__t"):
                assert [segment3.doc_field_length(d, field) for d in range(400)] == [
                    segmentc.doc_field_length(d, field) for d in range(400)
                ]
        assert blocks > 100


def test_skip_to_as_w3():
    w3, compact = build_index(W3Codec()), build_index(CompactCodec())
    with w3.reader() as r3, compact.reader() as rc:
        segment3, segmentc = r3.leaf_readers()[1][0], rc.leaf_readers()[1][0]
        for field, text in (("ix_all__c", "职称"), ("ix_all__t", "评审"), ("ix_all__c", "木齐")):
            for target in (0, 5, 127, 128, 129, 200, 255, 256, 390, 399):
                m3, mc = segment3.postings(field, text), segmentc.postings(field, text)
                m3.skip_to(target)
                mc.skip_to(target)
                assert _walk(m3) == _walk(mc), (field, text, target)


def test_same_search_results_and_mixed_segments():
    w3, compact = build_index(W3Codec()), build_index(CompactCodec())
    # One index with a segment of each codec, merged later by a compact writer.
    mixed = RamStorage().create_index(build_schema())
    for codec in (W3Codec(), CompactCodec()):
        with w3.searcher() as source, mixed.writer(codec=codec) as writer:
            for fields in source.all_stored_fields():
                writer.add_document(**fields, ix_all__t="职称评审", ix_all__c="职称评审")
    with mixed.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 2
        assert len(searcher.search(wq.Phrase("ix_all__c", ["职称", "称评"]), limit=None)) == (
            2 * w3.doc_count()
        )
    with mixed.writer(codec=CompactCodec()) as writer:
        writer.optimize = True
    with mixed.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 1
        assert len(searcher.search(wq.Term("ix_all__t", "职称评审"), limit=None)) == (
            2 * w3.doc_count()
        )
    with (
        w3.searcher(weighting=CachedLengthBM25F()) as s3,
        compact.searcher(weighting=CachedLengthBM25F()) as sc,
    ):
        for q in _queries():
            for limit in (None, 10):
                assert list(s3.search(q, limit=limit).top_n) == list(
                    sc.search(q, limit=limit).top_n
                ), q

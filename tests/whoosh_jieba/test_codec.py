"""The compact posting blocks (``whoosh_jieba.codec``) hold exactly what Whoosh's W3 blocks
hold: the same postings through Whoosh's matcher API, the same search results, and an index
mixing segments of both codecs answers as one."""

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import RamStorage

from tests.whoosh_jieba.test_bulk import _queries, build_index
from whoosh_jieba.codec import CompactCodec, CompactLeafMatcher
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


def test_same_postings_as_w3():
    w3, compact = build_index(W3Codec()), build_index(CompactCodec())
    with w3.reader() as r3, compact.reader() as rc:
        terms = _terms(r3)
        assert terms == _terms(rc)
        blocks = 0
        for segment3, segmentc in zip(r3.leaf_readers(), rc.leaf_readers(), strict=True):
            for field, text in terms:
                if (field, text) not in segment3[0]:
                    continue
                m3 = segment3[0].postings(field, text)
                mc = segmentc[0].postings(field, text)
                blocks += isinstance(mc, CompactLeafMatcher)
                assert _walk(m3) == _walk(mc), (field, text)
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
                writer.add_document(
                    **fields, ix_all__t="职称评审", ix_all__c="职称评审"
                )
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

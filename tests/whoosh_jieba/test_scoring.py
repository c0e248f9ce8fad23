"""The cached-length BM25F scores exactly as Whoosh's own BM25F (same hits, order, scores)."""

from whoosh import query as wq
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.scoring import BM25F

from whoosh_jieba.scoring import CachedLengthBM25F


def _index():
    ix = RamStorage().create_index(Schema(key=ID(stored=True), body=TEXT, title=TEXT))
    words = ["职称", "评审", "公示", "答辩", "会计", "工程师"]
    # Three commits without merging: three segments, so segment-local document numbers and
    # documents lacking a field (length default 1) are both exercised.
    for segment in range(3):
        writer = ix.writer()
        for n in range(12):
            body = " ".join(words[: (n + segment) % len(words) + 1] * (n % 4 + 1))
            doc = {"key": f"{segment}-{n}", "body": body}
            if n % 3:
                doc["title"] = words[n % len(words)]
            writer.add_document(**doc)
        writer.commit(merge=False)
    return ix


def test_scores_and_order_equal_whoosh_bm25f():
    ix = _index()
    assert len(ix.reader().leaf_readers()) == 3
    queries = [
        wq.Term("body", "评审"),
        wq.Or([wq.Term("body", "公示"), wq.Term("title", "会计", boost=2.0)]),
        wq.And([wq.Term("body", "职称"), wq.Term("body", "答辩")]),
    ]
    with (
        ix.searcher(weighting=BM25F()) as plain,
        ix.searcher(weighting=CachedLengthBM25F()) as cached,
    ):
        for q in queries:
            expected = [(hit.score, hit["key"]) for hit in plain.search(q, limit=None)]
            got = [(hit.score, hit["key"]) for hit in cached.search(q, limit=None)]
            assert expected, q
            assert got == expected
            # The cached lengths really are used (and reused) on the second search.
            cached.search(q, limit=None)
        lengths = [
            sub.reader().__dict__.get("_whoosh_jieba_field_lengths", {})
            for sub, _ in cached.subsearchers
        ]
        assert all("body" in cache for cache in lengths)

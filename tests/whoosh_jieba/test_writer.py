"""The rebuild's writer (``whoosh_jieba.writer.BulkSegmentWriter``) writes the index Whoosh's
``SegmentWriter`` writes for the same documents: the same terms of every field, term
statistics, postings (ids, weights, values, block statistics), field lengths, stored fields and
columns, and so the same search results and scores."""

import datetime
import random
import shutil
import tempfile

import pytest
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.writing import SegmentWriter

from tests.whoosh_jieba.test_bulk import WORDS, _queries
from tests.whoosh_jieba.test_codec import _walk
from whoosh_jieba.analyzer import FIELD_SEPARATOR
from whoosh_jieba.codec import CompactCodec, CompactLeafMatcher
from whoosh_jieba.scoring import CachedLengthBM25F
from whoosh_jieba.store import build_schema
from whoosh_jieba.writer import BulkSegmentWriter, SegmentWorkers


def _documents(count, seed=5):
    rng = random.Random(seed)
    for n in range(count):
        body = "".join(rng.choice(WORDS) for _ in range(rng.randint(0, 40)))
        title = "".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
        doc = {
            "ix_id": f"page:{n}",
            "ix_pk": str(n),
            "ix_ct": "wagtailcore.page" if n % 3 else "notices.templatepage wagtailcore.page",
            "ix_null": "owner__fi" if n % 5 == 0 else "",
            "title__t": title,
            "title__c": title,
            "body__t": body,
            "body__c": body,
            "ix_all__t": FIELD_SEPARATOR.join([title, body, f"和地职称办〔2023〕{n}号 PDF"]),
            "ix_all__c": FIELD_SEPARATOR.join([title, body, f"和地职称办〔2023〕{n}号 PDF"]),
            "ix_boost2_0__t": title,
            "id__fi": n,
            "depth__fi": 3 + n % 4,
            "live__fb": bool(n % 7),
            "first_published_at__fd": datetime.datetime(2020, 1, 1) + datetime.timedelta(hours=n),
            "path__fs": f"00010002{n:04d}",
            # A list with a repeated value: two postings of one document for one term.
            "tags__fi": [n % 3, 7, 7] if n % 4 == 0 else [n % 11],
        }
        if n % 6 == 0:
            doc.pop("body__t")
            doc.pop("body__c")
        yield doc


def _build(writer_class, counts=(700, 350)):
    ix = RamStorage().create_index(build_schema())
    docs = list(_documents(sum(counts)))
    start = 0
    for count in counts:
        writer = writer_class(ix, codec=CompactCodec())
        for doc in docs[start : start + count]:
            writer.add_document(**doc)
        writer.commit(merge=False)
        start += count
    return ix


def _block_stats(m):
    out = []
    if isinstance(m, CompactLeafMatcher):
        while m.is_active():
            out.append((m.block_min_length(), m.block_max_length(), m.block_max_weight()))
            m._next_block()
    return out


def test_same_index_as_whooshs_writer():
    plain, bulk = _build(SegmentWriter), _build(BulkSegmentWriter)
    with plain.reader() as rp, bulk.reader() as rb:
        terms = list(rp.all_terms())
        assert terms == list(rb.all_terms())
        assert {field for field, _text in terms} >= {
            "ix_all__t",
            "ix_all__c",
            "id__fi",
            "tags__fi",
            "first_published_at__fd",
            "live__fb",
            "path__fs",
            "ix_ct",
        }
        leaves = list(zip(rp.leaf_readers(), rb.leaf_readers(), strict=True))
        assert len(leaves) == 2
        blocks = 0
        for (segp, _op), (segb, _ob) in leaves:
            assert segp.doc_count_all() == segb.doc_count_all()
            for field, text in terms:
                if (field, text) not in segp:
                    assert (field, text) not in segb
                    continue
                ip, ib = segp.term_info(field, text), segb.term_info(field, text)
                assert (
                    ip.weight(),
                    ip.doc_frequency(),
                    ip.min_length(),
                    ip.max_length(),
                    ip.max_weight(),
                    ip.min_id(),
                    ip.max_id(),
                ) == (
                    ib.weight(),
                    ib.doc_frequency(),
                    ib.min_length(),
                    ib.max_length(),
                    ib.max_weight(),
                    ib.min_id(),
                    ib.max_id(),
                ), (field, text)
                assert _walk(segp.postings(field, text)) == _walk(segb.postings(field, text))
                stats = _block_stats(segb.postings(field, text))
                blocks += len(stats)
                assert _block_stats(segp.postings(field, text)) == stats
            for field in segp.schema.scorable_names():
                assert segp.field_length(field) == segb.field_length(field)
                assert [segp.doc_field_length(d, field) for d in range(segp.doc_count_all())] == [
                    segb.doc_field_length(d, field) for d in range(segb.doc_count_all())
                ]
        assert blocks > 100
        assert list(rp.all_stored_fields()) == list(rb.all_stored_fields())
        for field in ("id__fi", "first_published_at__fd", "path__fs", "depth__fi"):
            assert list(rp.column_reader(field)) == list(rb.column_reader(field))
    with (
        plain.searcher(weighting=CachedLengthBM25F()) as sp,
        bulk.searcher(weighting=CachedLengthBM25F()) as sb,
    ):
        for q in _queries():
            assert list(sp.search(q, limit=None).top_n) == list(sb.search(q, limit=None).top_n)


@pytest.mark.parametrize("merger", [SegmentWriter, BulkSegmentWriter])
def test_segments_merge_as_whooshs(merger):
    """The bulk writer's segments merge into one as Whoosh's do, with Whoosh's writer or
    with the bulk writer (Whoosh's merge feeds its pool a posting at a time)."""
    bulk = _build(BulkSegmentWriter)
    plain = _build(SegmentWriter)
    for ix, writer_class in ((bulk, merger), (plain, SegmentWriter)):
        writer = writer_class(ix, codec=CompactCodec())
        writer.commit(optimize=True)
    assert _postings_of(bulk) == _postings_of(plain)
    with plain.searcher() as sp, bulk.searcher() as sb:
        assert len(sb.leaf_searchers()) == 1
        for q in _queries():
            assert list(sp.search(q, limit=None).top_n) == list(sb.search(q, limit=None).top_n)


def _postings_of(ix):
    """Every term's postings over the whole index (global document numbers) and its
    statistics: what a search sees, however the documents are cut into segments."""
    with ix.reader() as reader:
        return {
            (field, text): (
                reader.doc_frequency(field, text),
                reader.frequency(field, text),
                _walk(reader.postings(field, text)),
            )
            for field, text in reader.all_terms()
        }


def test_worker_processes_write_the_same_index():
    """Documents shared between worker processes, each writing its own segments, give the
    documents, numbers, postings and results of one writer."""
    docs = list(_documents(1100))
    one = RamStorage().create_index(build_schema())
    writer = BulkSegmentWriter(one)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()

    shared = FileStorage(tempfile.mkdtemp()).create_index(build_schema())
    # Three processes, a share of 400: runs of 400, 400 and 300 documents; the second worker
    # also cuts its share into two segments (a tiny memory limit).
    workers = SegmentWorkers(shared, 3, share=400, segment_bytes=3_000_000)
    for start in range(0, len(docs), 150):
        workers.add(docs[start : start + 150])
    workers.commit()
    try:
        with shared.reader() as reader:
            assert len(list(reader.leaf_readers())) > 3
            assert list(reader.all_stored_fields()) == docs_stored(one)
            for field in reader.schema.scorable_names():
                with one.reader() as single:
                    assert reader.field_length(field) == single.field_length(field)
        assert _postings_of(shared) == _postings_of(one)
        with (
            one.searcher(weighting=CachedLengthBM25F()) as s1,
            shared.searcher(weighting=CachedLengthBM25F()) as s2,
        ):
            for q in _queries():
                assert list(s1.search(q, limit=None).top_n) == list(s2.search(q, limit=None).top_n)
    finally:
        shutil.rmtree(shared.storage.folder, ignore_errors=True)


def docs_stored(ix):
    with ix.reader() as reader:
        return list(reader.all_stored_fields())


def test_a_failing_worker_fails_the_commit():
    shared = FileStorage(tempfile.mkdtemp()).create_index(build_schema())
    try:
        workers = SegmentWorkers(shared, 2, share=1, segment_bytes=1 << 30)
        workers.add([{"ix_id": "a"}, {"no_such_field": "b"}])
        with pytest.raises(RuntimeError, match="no_such_field"):
            workers.commit()
        assert shared.doc_count_all() == 0
    finally:
        shutil.rmtree(shared.storage.folder, ignore_errors=True)

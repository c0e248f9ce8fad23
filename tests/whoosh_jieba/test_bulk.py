"""Bulk evaluation (``whoosh_jieba.bulk``) gives exactly Whoosh's matches, scores and order:
compared, float for float, with Whoosh's own collector on an index of several segments with
deleted documents, written with Whoosh's W3 codec and with ``whoosh_jieba.codec``."""

import random

import pytest
from whoosh import collectors
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import RamStorage

from whoosh_jieba import bulk
from whoosh_jieba.analyzer import char_tokens
from whoosh_jieba.codec import CompactCodec
from whoosh_jieba.queries import KnownPhrase, Within
from whoosh_jieba.results import top_results
from whoosh_jieba.scoring import CachedLengthBM25F
from whoosh_jieba.store import build_schema

WORDS = "职称 评审 职称评审 乌鲁木齐 鲁木齐 继续教育 公示 新疆 评审费 会计 木齐".split()


def build_index(codec, schema=None):
    ix = RamStorage().create_index(schema or build_schema())
    rng = random.Random(11)
    # Three segments (segment-local document numbers), blocks of several postings (the
    # writer's default block is 128 postings: 400 documents give a few blocks per common
    # term), a boost field, and deletions in the first segment.
    for segment in range(3):
        writer = ix.writer(codec=codec)
        for n in range(400):
            text = "".join(rng.choice(WORDS) for _ in range(rng.randint(1, 14)))
            title = "".join(rng.choice(WORDS) for _ in range(rng.randint(0, 3)))
            writer.add_document(
                ix_id=f"{segment}-{n}",
                ix_pk=f"{segment}-{n}",
                ix_ct="page" if n % 3 else "page other",
                ix_all__t=text,
                ix_all__c=text,
                ix_boost2_0__t=title,
            )
        writer.commit(merge=False)
    writer = ix.writer(codec=codec)
    for n in range(0, 400, 7):
        writer.delete_by_term("ix_id", f"0-{n}")
    writer.commit(merge=False)
    return ix


@pytest.fixture(scope="module", params=["w3", "compact"])
def ix(request):
    return build_index(W3Codec() if request.param == "w3" else CompactCodec())


def _whoosh(searcher, q, context):
    """Every match of ``q`` as Whoosh's collector ranks and scores it."""
    collector = collectors.UnlimitedCollector()
    searcher.search_with_collector(q, collector, context=context)
    return list(collector.results().top_n)


def _word_query(word):
    """The shape the compiler gives a query word: the word in two fields, its substring."""
    bigrams = char_tokens(word)[:-1]
    parts = [wq.Term("ix_all__t", word), wq.Term("ix_boost2_0__t", word, boost=2.0)]
    if len(bigrams) > 1:
        parts.append(KnownPhrase("ix_all__c", bigrams, known=("ix_all__t", word), boost=0.5))
    return wq.Or(parts)


def _queries():
    yield wq.Term("ix_all__t", "评审")
    yield wq.Term("ix_all__t", "职称", boost=1.5)
    yield wq.Term("ix_all__t", "没有的词")
    yield wq.Or([wq.Term("ix_all__t", "公示"), wq.Term("ix_boost2_0__t", "公示", boost=2.0)])
    yield wq.And([wq.Term("ix_all__t", "新疆"), wq.Term("ix_all__t", "会计")])
    yield wq.Phrase("ix_all__c", ["乌鲁", "鲁木", "木齐"])
    yield wq.Phrase("ix_all__c", ["审职", "职称"], boost=0.5)
    for word in ("职称评审", "乌鲁木齐", "鲁木齐", "继续教育", "审职称"):
        yield _word_query(word)
    yield wq.And([_word_query("新疆"), _word_query("乌鲁木齐")])
    yield wq.Or([_word_query("评审费"), _word_query("继续教育")], boost=3.0)
    broad = wq.Term("ix_ct", "page")
    yield Within(_word_query("职称评审"), broad)
    yield Within(_word_query("乌鲁木齐"), wq.Or([broad, wq.Term("ix_ct", "other")]))


def test_bulk_scores_equal_whooshs(ix):
    """Same documents, same float scores, same order as Whoosh's collector (with the binary
    matcher trees Whoosh uses on an index of more than 5,000 documents)."""
    with ix.searcher(weighting=CachedLengthBM25F()) as searcher:
        assert len(searcher.leaf_searchers()) == 3
        context = searcher.context(needs_current=True)
        nonempty = 0
        for q in _queries():
            expected = _whoosh(searcher, q, context)
            scores = bulk.evaluate(searcher, q, context)
            assert scores is not None, q
            assert bulk.top(scores, None) == expected, q
            assert bulk.top(scores, 7) == expected[:7], q
            nonempty += bool(expected)
        assert nonempty >= 10


def test_equal_scores_rank_by_document_number(ix):
    """Ties (many documents share a score on a one-word title) keep Whoosh's order."""
    with ix.searcher(weighting=CachedLengthBM25F()) as searcher:
        context = searcher.context(needs_current=True)
        q = wq.Term("ix_boost2_0__t", "公示")
        expected = _whoosh(searcher, q, context)
        assert len({score for score, _docnum in expected}) < len(expected)
        scores = bulk.evaluate(searcher, q, context)
        for limit in (1, 3, 10, len(expected) - 1):
            assert bulk.top(scores, limit) == expected[:limit]


def test_narrow_filter_and_unknown_matchers_use_whoosh(ix):
    """A filter allowing few documents (Whoosh's matcher skips to them) and matchers this
    module does not reproduce (a prefix's preloaded union) are left to Whoosh, and
    ``top_results`` still gives Whoosh's answer."""
    with ix.searcher(weighting=CachedLengthBM25F()) as searcher:
        narrow = wq.Or([wq.Term("ix_id", f"1-{n}") for n in range(0, 400, 50)])
        prefix = wq.Prefix("ix_all__c", "审")
        for q in (Within(_word_query("职称评审"), narrow), prefix):
            assert bulk.evaluate(searcher, q) is None
            hits, count = top_results(searcher, q, 5)
            expected = _whoosh(searcher, q, searcher.context())
            assert count == len(expected) > 0
            assert hits == expected[:5]


def test_top_results_answer_as_whoosh_default_search(ix):
    """Through ``top_results`` with Whoosh's default context (on this small index Whoosh
    preloads a union of three clauses: Whoosh's collector answers) and on the binary trees
    (bulk answers): the same first ranks and counts as ``searcher.search``."""
    with ix.searcher(weighting=CachedLengthBM25F()) as searcher:
        for q in _queries():
            results = searcher.search(q, limit=None)
            hits, count = top_results(searcher, q, 5)
            assert count == len(results)
            assert hits == list(results.top_n)[:5], q

"""KnownPhrase and Within find exactly what Whoosh's Phrase and ``filter=`` find, with the same
scores and order, over several segments and deleted documents."""

import random

from whoosh import query as wq
from whoosh.filedb.filestore import RamStorage

from whoosh_jieba.analyzer import char_tokens
from whoosh_jieba.queries import KnownPhrase, Within
from whoosh_jieba.scoring import CachedLengthBM25F
from whoosh_jieba.store import build_schema

WORDS = "职称 评审 职称评审 乌鲁木齐 鲁木齐 继续教育 公示 新疆 评审费 会计".split()


def _index():
    ix = RamStorage().create_index(build_schema())
    rng = random.Random(7)
    # Three segments, and deletions in the first: segment-local numbers and deleted postings.
    for segment in range(3):
        writer = ix.writer()
        for n in range(60):
            text = "".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12)))
            writer.add_document(
                ix_id=f"{segment}-{n}",
                ix_pk=f"{segment}-{n}",
                ix_ct="page",
                ix_all__t=text,
                ix_all__c=text,
            )
        writer.commit(merge=False)
    writer = ix.writer()
    for n in range(0, 60, 7):
        writer.delete_by_term("ix_id", f"0-{n}")
    writer.commit(merge=False)
    return ix


def _hits(searcher, q, **kwargs):
    return [(round(score, 12), docnum) for score, docnum in searcher.search(q, **kwargs).top_n]


def _phrases(word):
    bigrams = char_tokens(word)[:-1]
    plain = wq.Phrase("ix_all__c", bigrams, boost=0.5)
    known = KnownPhrase("ix_all__c", bigrams, known=("ix_all__t", word), boost=0.5)
    return plain, known


def test_known_phrase_equals_phrase():
    ix = _index()
    assert len(ix.reader().leaf_readers()) >= 3
    with ix.searcher(weighting=CachedLengthBM25F()) as searcher:
        for word in ("职称评审", "乌鲁木齐", "鲁木齐", "继续教育", "审职称", "新疆会计"):
            plain, known = _phrases(word)
            expected = _hits(searcher, plain, limit=None)
            assert _hits(searcher, known, limit=None) == expected, word
            # Inside the compiled shape: the word term or its substring.
            term = wq.Term("ix_all__t", word)
            assert _hits(searcher, wq.Or([term, known]), limit=None) == _hits(
                searcher, wq.Or([term, plain]), limit=None
            )
            assert sorted(searcher.docs_for_query(known)) == sorted(searcher.docs_for_query(plain))
        assert any(_hits(searcher, _phrases(w)[1], limit=None) for w in ("职称评审", "鲁木齐"))


def test_known_phrase_trusts_the_word_field():
    """A document whose word field holds the word counts as containing the phrase without its
    positions being read (what makes it fast): here the word field says so, the bigram field
    does not, and the document is found."""
    ix = RamStorage().create_index(build_schema())
    with ix.writer() as writer:
        writer.add_document(ix_id="a", ix_pk="a", ix_all__t="职称评审", ix_all__c="职称评 职评审")
    plain, known = _phrases("职称评审")
    with ix.searcher() as searcher:
        assert not _hits(searcher, plain, limit=None)
        assert len(_hits(searcher, known, limit=None)) == 1


def test_within_equals_filter():
    ix = _index()
    with ix.searcher(weighting=CachedLengthBM25F()) as searcher:
        allowed = wq.Or([wq.Term("ix_id", f"{s}-{n}") for s in range(3) for n in range(0, 60, 5)])
        for word in ("职称评审", "公示", "乌鲁木齐"):
            q = wq.Or([wq.Term("ix_all__t", word), _phrases(word)[1]])
            docs = set(searcher.docs_for_query(allowed))
            expected = [hit for hit in _hits(searcher, q, limit=None) if hit[1] in docs]
            assert _hits(searcher, Within(q, allowed), limit=None) == expected
            assert _hits(searcher, Within(q, allowed), limit=5) == expected[:5]
        assert not _hits(searcher, Within(wq.Term("ix_all__t", "公示"), wq.NullQuery), limit=None)


def test_top_results_count_every_match():
    """The first ranks and the count come from one pass, and the count is all matches even
    where Whoosh's own top-N search stops counting early (it prunes once the heap is full)."""
    from whoosh_jieba.results import top_results

    ix = _index()
    with ix.searcher(weighting=CachedLengthBM25F()) as searcher:
        allowed = wq.Term("ix_ct", "page")
        for word in ("职称评审", "乌鲁木齐", "公示"):
            q = Within(wq.Or([wq.Term("ix_all__t", word), _phrases(word)[1]]), allowed)
            everything = _hits(searcher, q, limit=None)
            assert len(everything) > 5
            hits, count = top_results(searcher, q, 5)
            assert count == len(everything)
            assert [(round(s, 12), d) for s, d in hits] == everything[:5]

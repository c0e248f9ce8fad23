"""Two Whoosh queries that give the same results as Whoosh's own with less work.

``KnownPhrase`` is the bigram substring phrase of a query word (see ``compiler._chars_query``)
that skips the position check on documents whose word field already holds the word: jieba cut
that word out of the same text, so the substring is there. The phrase check (decoding every
candidate's positions) was most of a search's time on a common word such as 职称评审.

``Within`` is a query restricted to a fixed set of documents (a search's filter). Whoosh's own
``filter=`` looks at every match of the query and drops those outside the set, so a search for
the few approval documents walked every page matching the words; ``Within`` intersects the
two, and the text matcher skips straight to the allowed documents.
"""

from __future__ import annotations

import copy

from whoosh import matching
from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher, RequireMatcher
from whoosh.query.spans import Span, SpanNear2

from . import bulk

#: What ``spans()`` reports for a document accepted without reading its positions. Nothing in
#: this backend reads spans (highlighting works on the text, not the index).
_KNOWN_SPANS = [Span(0)]

#: A phrase is matched on whole posting lists when its rarest word is in at least 1/3 of the
#: segment's documents (and the search is not filtered to fewer).
EAGER_SHARE = 3


class _KnownSpanNear2Matcher(SpanNear2.SpanNear2Matcher):
    def __init__(self, ms, known: frozenset[int], slop=1, ordered=True, mindist=1):
        # Set before the parent's __init__, which already looks for the first match.
        self._known = known
        super().__init__(ms, slop=slop, ordered=ordered, mindist=mindist)

    def copy(self):
        return self.__class__(
            [m.copy() for m in self.ms],
            self._known,
            slop=self.slop,
            ordered=self.ordered,
            mindist=self.mindist,
        )

    def _get_spans(self):
        if self.child.id() in self._known:
            return _KNOWN_SPANS
        return super()._get_spans()


class KnownPhrase(wq.Phrase):
    """``Phrase(fieldname, words)`` where every document holding the term ``known`` (a
    (field, text) pair) is known to contain the phrase: those match without a position check.

    Same documents, same scores as the plain phrase (a phrase's score is its terms' scores,
    never its positions); only correct when ``known`` implies the phrase, which the compiler
    guarantees (a CJK word in ``X__t`` is a run of consecutive bigrams in ``X__c``).
    """

    def __init__(self, fieldname, words, known: tuple[str, str], boost=1.0):
        super().__init__(fieldname, words, boost=boost)
        self.known = known

    def __eq__(self, other):
        return super().__eq__(other) and getattr(other, "known", None) == self.known

    def __hash__(self):
        return super().__hash__() ^ hash(self.known)

    def __repr__(self):
        return f"KnownPhrase({self.fieldname!r}, {self.words!r}, known={self.known!r}, boost={self.boost:f})"

    def normalize(self):
        normalized = super().normalize()
        if isinstance(normalized, wq.Phrase) and not isinstance(normalized, KnownPhrase):
            return KnownPhrase(
                normalized.fieldname, normalized.words, self.known, boost=normalized.boost
            )
        return normalized

    def matcher(self, searcher, context=None):
        schema, reader = searcher.schema, searcher.reader()
        field, text = self.known
        if self.fieldname not in schema or field not in schema or not searcher.is_atomic():
            return super().matcher(searcher, context)
        field_c = schema[self.fieldname]
        words = [field_c.to_bytes(word) for word in self.words]
        if any((self.fieldname, word) not in reader for word in words):
            return matching.NullMatcher()
        btext = schema[field].to_bytes(text)
        known = (
            frozenset(bulk.posting_ids(reader.postings(field, btext)))
            if (field, btext) in reader
            else frozenset()
        )
        # As Term.matcher: the context's weighting (None in an unscored search).
        weighting = searcher.weighting if context is None else context.weighting
        ms = [searcher.postings(self.fieldname, word, weighting=weighting) for word in words]
        # Whole posting lists pay off when the rarest word is in a large share of the
        # documents and no narrow filter (Within) lets the matcher skip most of them; else
        # Whoosh's skipping matcher reads less.
        total = reader.doc_count_all()
        allowed = getattr(context, "within_docs", None)
        rarest = min(reader.doc_frequency(self.fieldname, word) for word in words)
        m = None
        if rarest * EAGER_SHARE >= total and (allowed is None or allowed * EAGER_SHARE >= total):
            scores = bulk.phrase_scores(ms, searcher, known)
            if scores is not None:
                if not scores:
                    return matching.NullMatcher()
                ids = sorted(scores)
                m = matching.ListMatcher(ids, weights=[scores[docnum] for docnum in ids])
        if m is None:
            m = _KnownSpanNear2Matcher(ms, known, slop=self.slop, mindist=1)
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m


class _WithinMatcher(RequireMatcher):
    # A plain id list has no block quality: never let a collector try to skip on it.
    def supports_block_quality(self):
        return False


def _kept_on_reader(searcher, name: str, filter_query, compute):
    """``compute()`` for ``filter_query``, kept on the segment's reader under ``name`` (a reader
    sees a fixed segment, and most searches share their filters); at most 64 kept per name."""
    cache = searcher.reader().__dict__.setdefault(name, {})
    key = repr(filter_query)
    found = cache.get(key)
    if found is None:
        if len(cache) > 64:
            cache.clear()
        found = cache[key] = compute()
    return found


def segment_docs(searcher, filter_query) -> list[int]:
    """The sorted document numbers of one segment's searcher passing ``filter_query``."""
    return _kept_on_reader(
        searcher,
        "_whoosh_jieba_filter_docs",
        filter_query,
        lambda: sorted(filter_query.docs(searcher)),
    )


def segment_doc_set(searcher, filter_query, docs: list[int]) -> frozenset[int]:
    """``segment_docs`` as a set, kept beside it."""
    return _kept_on_reader(
        searcher, "_whoosh_jieba_filter_sets", filter_query, lambda: frozenset(docs)
    )


class Within(wq.Query):
    """``query``'s matches that also match ``filter_query``, scored by ``query`` alone."""

    def __init__(self, query, filter_query):
        self.query = query
        self.filter_query = filter_query

    def __repr__(self):
        return f"Within({self.query!r}, {self.filter_query!r})"

    def __eq__(self, other):
        return (
            type(other) is type(self)
            and other.query == self.query
            and other.filter_query == self.filter_query
        )

    def __hash__(self):
        return hash((type(self).__name__, self.query, self.filter_query))

    def children(self):
        return [self.query]

    def matcher(self, searcher, context=None):
        docs = segment_docs(searcher, self.filter_query)
        if not docs:
            return matching.NullMatcher()
        inner = copy.copy(context) if context is not None else searcher.context()
        inner.within_docs = len(docs)
        scored = self.query.matcher(searcher, inner)
        if not scored.is_active():
            return matching.NullMatcher()
        if len(docs) * 2 >= searcher.reader().doc_count_all():
            # A filter letting most documents through: checking each match against a set
            # costs less than stepping an intersection.
            return FilterMatcher(scored, segment_doc_set(searcher, self.filter_query, docs))
        return _WithinMatcher(scored, matching.ListMatcher(docs))

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

from whoosh import matching
from whoosh import query as wq
from whoosh.matching.wrappers import RequireMatcher
from whoosh.query.spans import Span, SpanNear2

#: What ``spans()`` reports for a document accepted without reading its positions. Nothing in
#: this backend reads spans (highlighting works on the text, not the index).
_KNOWN_SPANS = [Span(0)]


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
        if self.fieldname not in schema or field not in schema:
            return super().matcher(searcher, context)
        field_c = schema[self.fieldname]
        words = [field_c.to_bytes(word) for word in self.words]
        if any((self.fieldname, word) not in reader for word in words):
            return matching.NullMatcher()
        btext = schema[field].to_bytes(text)
        known = (
            frozenset(reader.postings(field, btext).all_ids())
            if (field, btext) in reader
            else frozenset()
        )
        m = _KnownSpanNear2Matcher(
            [wq.Term(self.fieldname, word).matcher(searcher, context) for word in words],
            known,
            slop=self.slop,
            mindist=1,
        )
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m


class _WithinMatcher(RequireMatcher):
    # A plain id list has no block quality: never let a collector try to skip on it.
    def supports_block_quality(self):
        return False


def segment_docs(searcher, filter_query) -> list[int]:
    """The sorted document numbers of one segment's searcher passing ``filter_query``, kept
    on its reader (a reader sees a fixed segment, and most searches share their filters)."""
    reader = searcher.reader()
    cache = reader.__dict__.setdefault("_whoosh_jieba_filter_docs", {})
    key = repr(filter_query)
    docs = cache.get(key)
    if docs is None:
        if len(cache) > 64:
            cache.clear()
        docs = cache[key] = sorted(filter_query.docs(searcher))
    return docs


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
        scored = self.query.matcher(searcher, context)
        if not scored.is_active():
            return matching.NullMatcher()
        return _WithinMatcher(scored, matching.ListMatcher(docs))

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
            frozenset(reader.postings(field, btext).all_ids())
            if (field, btext) in reader
            else frozenset()
        )
        weighting = (context.weighting if context is not None else None) or searcher.weighting
        # Whole posting lists pay off when the rarest word is in a large share of the
        # documents and no narrow filter (Within) lets the matcher skip most of them; else
        # Whoosh's skipping matcher reads less.
        total = reader.doc_count_all()
        allowed = getattr(context, "within_docs", None)
        rarest = min(reader.doc_frequency(self.fieldname, word) for word in words)
        eager = None
        if rarest * EAGER_SHARE >= total and (allowed is None or allowed * EAGER_SHARE >= total):
            eager = _eager_phrase(searcher, self.fieldname, words, known, weighting)
        if eager is not None:
            ids, scores = eager
            if not ids:
                return matching.NullMatcher()
            m = matching.ListMatcher(ids, weights=scores)
        else:
            m = _KnownSpanNear2Matcher(
                [wq.Term(self.fieldname, word).matcher(searcher, context) for word in words],
                known,
                slop=self.slop,
                mindist=1,
            )
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m


def _postings(searcher, fieldname: str, word: bytes, weighting):
    """A term's postings in one segment as (ids, weights, encoded values, scorer), read a
    block at a time (a matcher stepping posting by posting in Python was most of a phrase
    search); None when the codec is not the one whose blocks this reads."""
    from whoosh.codec.whoosh3 import W3LeafMatcher

    leaf = searcher.postings(fieldname, word, weighting=weighting)
    deleted = None
    if isinstance(leaf, FilterMatcher):
        deleted = leaf._ids
        leaf = leaf.child
    if not isinstance(leaf, W3LeafMatcher):
        return None
    ids: list[int] = []
    weights: list[float] = []
    values: list = []
    while leaf.is_active():
        leaf._read_ids()
        leaf._read_weights()
        leaf._read_values()
        ids.extend(leaf._ids)
        weights.extend(leaf._weights)
        values.extend(leaf._values)
        leaf._next_block()
    if deleted:
        keep = [i for i, docnum in enumerate(ids) if docnum not in deleted]
        ids = [ids[i] for i in keep]
        weights = [weights[i] for i in keep]
        values = [values[i] for i in keep]
    return ids, weights, values, leaf.scorer


def _eager_phrase(searcher, fieldname: str, words: list[bytes], known, weighting):
    """(sorted docnums, scores) of the consecutive-words phrase in one segment, computed on
    whole posting lists: candidates by set intersection, positions decoded only for those the
    ``known`` documents do not already vouch for. Scores are what Whoosh's phrase matcher
    gives: the sum of the terms' scores in its binary-tree order. None: use the matcher."""
    postings = [_postings(searcher, fieldname, word, weighting) for word in words]
    if any(p is None or not (hasattr(p[3], "_score") and hasattr(p[3], "dfl")) for p in postings):
        return None
    candidates = set(postings[0][0])
    for ids, _w, _v, _s in postings[1:]:
        candidates.intersection_update(ids)
    if not candidates:
        return [], []
    decode = searcher.schema[fieldname].format.decode_positions
    rows = []  # per term: docnum -> (weight, value)
    for ids, weights, values, _scorer in postings:
        rows.append(
            {
                docnum: (weights[i], values[i])
                for i, docnum in enumerate(ids)
                if docnum in candidates
            }
        )
    matched = []
    for docnum in sorted(candidates):
        if docnum in known or _consecutive([decode(row[docnum][1]) for row in rows]):
            matched.append(docnum)
    scorers = [p[3] for p in postings]
    scores = []
    for docnum in matched:
        term_scores = [
            scorer._score(row[docnum][0], scorer.dfl(docnum))
            for scorer, row in zip(scorers, rows, strict=True)
        ]
        scores.append(_tree_sum(term_scores))
    return matched, scores


def _consecutive(positions: list[list[int]]) -> bool:
    """Whether some p has p + i in positions[i] for every i (the words one after another)."""
    later = [set(p) for p in positions[1:]]
    return any(all(p + i + 1 in s for i, s in enumerate(later)) for p in positions[0])


def _tree_sum(values: list[float]) -> float:
    """The sum in the order of Whoosh's make_binary_tree of intersection matchers."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return _tree_sum(values[:half]) + _tree_sum(values[half:])


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


def segment_doc_set(searcher, filter_query, docs: list[int]) -> frozenset[int]:
    """``segment_docs`` as a set, kept beside it."""
    reader = searcher.reader()
    cache = reader.__dict__.setdefault("_whoosh_jieba_filter_sets", {})
    key = repr(filter_query)
    found = cache.get(key)
    if found is None:
        if len(cache) > 64:
            cache.clear()
        found = cache[key] = frozenset(docs)
    return found


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

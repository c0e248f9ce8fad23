"""The count and the best matches of a query from whole posting lists, with Whoosh's scores.

Whoosh answers a search by stepping a tree of matchers one document at a time in Python:
every match of 职称评审 (a thousand) or 乌鲁木齐 (nine thousand) costs a dozen method calls per
term, about 10 µs a match, for a page that shows ten. Here the same matcher tree is built by
Whoosh (so the query's structure, boosts and term statistics are Whoosh's own) and then
evaluated a posting list at a time: each leaf's blocks are decoded in one go and scored with a
comprehension, unions and intersections work on dictionaries of scores.

The result is the same as Whoosh's collector gives, bit for bit: every score is computed with
the same floating-point operations on the same operands (BM25F's formula with the document's
part precomputed per field, sums in the matcher tree's pairing; IEEE addition and
multiplication are commutative, so only the pairing matters), and the ranking is Whoosh's
(score descending, then document number). A matcher this module does not know (a prefix
query's preloaded union, a numeric range, …) makes :func:`evaluate` return None, and the caller
uses Whoosh's own collector.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from itertools import accumulate
from pickle import loads

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.formats import Positions
from whoosh.matching import (
    FilterMatcher,
    IntersectionMatcher,
    ListMatcher,
    NullMatcherClass,
    RequireMatcher,
    UnionMatcher,
    WrappingMatcher,
)
from whoosh.query.spans import SpanNear2
from whoosh.scoring import BM25FScorer, WeightLengthScorer
from whoosh.system import _INT_SIZE

from .codec import BlockValues, CompactLeafMatcher, block_arrays

_BLOCK_LEAVES = (W3LeafMatcher, CompactLeafMatcher)


#: A required set (``queries.Within``) of fewer than 1/NARROW_SHARE of the documents is
#: left to Whoosh's skipping matcher.
NARROW_SHARE = 16


class Unsupported(Exception):
    """A matcher whose scores this module cannot reproduce exactly."""


def evaluate(searcher, query, context=None) -> dict[int, float] | None:
    """Every match of ``query`` on ``searcher`` (all segments) as {document number: score},
    the scores Whoosh's collector computes; None when the query needs Whoosh's own matchers."""
    context = context if context is not None else searcher.context()
    found: dict[int, float] = {}
    for subsearcher, offset in searcher.leaf_searchers():
        matcher = query.matcher(subsearcher, context)
        try:
            scores = _scores(matcher, subsearcher)
        except Unsupported:
            return None
        if offset:
            scores = {docnum + offset: score for docnum, score in scores.items()}
        found.update(scores)
    return found


def top(scores: dict[int, float], limit: int | None) -> list[tuple[float, int]]:
    """(score, docnum) of the ``limit`` best matches (all with None) in Whoosh's order: score
    descending, a lower document number first among equal scores."""
    if limit is None or limit >= len(scores):
        ranked = sorted(scores.items(), key=_rank_key)
    elif limit <= 0:
        return []
    else:
        # The limit-th best score (plain floats: a C-level heap), then only the documents
        # scoring at least that, ranked.
        threshold = heapq.nlargest(limit, scores.values())[-1]
        ranked = sorted(
            ((docnum, score) for docnum, score in scores.items() if score >= threshold),
            key=_rank_key,
        )[:limit]
    return [(score, docnum) for docnum, score in ranked]


def _rank_key(item):
    return (-item[1], item[0])


# Matchers ---------------------------------------------------------------------------------


def _scores(m, searcher) -> dict[int, float]:
    cls = type(m)
    if cls in _BLOCK_LEAVES or cls is ListMatcher:
        ids, weights, _values = _postings(m, values=False)
        return dict(zip(ids, _leaf_scores(m, ids, weights, searcher), strict=True))
    if cls is NullMatcherClass:
        return {}
    if cls is UnionMatcher:
        a, b = _scores(m.a, searcher), _scores(m.b, searcher)
        if len(a) < len(b):
            a, b = b, a
        get = a.get
        out = dict(a)
        for docnum, score in b.items():
            other = get(docnum)
            out[docnum] = score if other is None else other + score
        return out
    if cls is IntersectionMatcher:
        a, b = _scores(m.a, searcher), _scores(m.b, searcher)
        if len(a) > len(b):
            a, b = b, a
        return {docnum: score + b[docnum] for docnum, score in a.items() if docnum in b}
    if cls is WrappingMatcher:
        return _boosted(_scores(m.child, searcher), m.boost)
    if cls is FilterMatcher:
        return _boosted(_filtered(_scores(m.child, searcher), m._ids, m._exclude), m.boost)
    if issubclass(cls, RequireMatcher) and type(m.child) is IntersectionMatcher:
        allowed = _scores(m.b, searcher)
        if len(allowed) * NARROW_SHARE < searcher.doc_count_all():
            # A few allowed documents: Whoosh's matcher skips to them and reads less.
            raise Unsupported("narrow filter")
        scored = _scores(m.a, searcher)
        return _boosted(_filtered(scored, allowed, False), m.boost)
    if isinstance(m, SpanNear2.SpanNear2Matcher) and (m.slop, m.ordered, m.mindist) == (
        1,
        True,
        1,
    ):
        return _boosted(_phrase(m, searcher), m.boost)
    raise Unsupported(cls.__name__)


def _boosted(scores: dict[int, float], boost: float) -> dict[int, float]:
    # WrappingMatcher.score() is child.score() * boost; times 1.0 changes nothing.
    if boost == 1.0:
        return scores
    return {docnum: score * boost for docnum, score in scores.items()}


def _filtered(scores: dict[int, float], ids, exclude: bool) -> dict[int, float]:
    if exclude:
        if not ids:
            return scores
        return {docnum: score for docnum, score in scores.items() if docnum not in ids}
    return {docnum: score for docnum, score in scores.items() if docnum in ids}


def _postings(m, values: bool):
    """(ids, weights, values or None) of a leaf matcher from its first posting, whatever
    the matcher has already stepped past."""
    if type(m) is ListMatcher:
        ids = list(m._ids)
        if m._all_weights:
            weights = [m._all_weights] * len(ids)
        elif m._weights:
            weights = list(m._weights)
        else:
            weights = [1.0] * len(ids)
        return (
            ids,
            weights,
            (_ChainedValues([(0, list(m._values))]) if values and m._values is not None else None),
        )
    if type(m) not in _BLOCK_LEAVES or m._byteids:
        raise Unsupported(type(m).__name__)
    ids: list[int] = []
    weights: list[float] = []
    blocks = []
    m.reset()
    while True:
        block_ids, block_weights, block_values = block_arrays(m, values)
        if values:
            blocks.append((len(ids), block_values))
        ids.extend(block_ids)
        weights.extend(block_weights)
        if m._lastblock:
            break
        m._goto(m._nextoffset)
    # Leave the matcher as Whoosh would find it: at its first posting.
    m.reset()
    return ids, weights, (_ChainedValues(blocks) if values else None)


class _ChainedValues:
    """The values of several blocks as one sequence, each block's left as it was read."""

    def __init__(self, blocks):
        self._starts = [start for start, _values in blocks]
        self._blocks = [block for _start, block in blocks]

    def __getitem__(self, i: int):
        k = bisect_right(self._starts, i) - 1
        return self._blocks[k][i - self._starts[k]]

    def all(self) -> list:
        """Every value, in order."""
        out: list = []
        for block in self._blocks:
            out.extend(block.all() if isinstance(block, BlockValues) else block)
        return out


def _leaf_scores(m, ids, weights, searcher) -> list[float]:
    scorer = m._scorer if type(m) is ListMatcher else m.scorer
    if scorer is None:
        # ListMatcher.score() without a scorer is the posting's weight.
        return list(weights)
    if type(scorer) is BM25FScorer:
        idf, k1_plus_1 = scorer.idf, scorer.K1 + 1
        norms = _bm25_norms(searcher, scorer)
        # bm25(): idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))), the
        # document's part K1 * (...) read from the precomputed list.
        return [idf * ((w * k1_plus_1) / (w + norms[d])) for d, w in zip(ids, weights, strict=True)]
    if isinstance(scorer, WeightLengthScorer) and hasattr(scorer, "dfl"):
        score, dfl = scorer._score, scorer.dfl
        return [score(w, dfl(d)) for d, w in zip(ids, weights, strict=True)]
    raise Unsupported(type(scorer).__name__)


def _bm25_norms(searcher, scorer) -> list[float]:
    """``K1 * ((1 - B) + B * fl / avgfl)`` of every document of the segment, kept on the
    segment reader per field and parameters (a reader's field lengths never change)."""
    reader = searcher.reader()
    b, k1, avgfl, dfl = scorer.B, scorer.K1, scorer.avgfl, scorer.dfl
    fieldname = getattr(scorer, "whoosh_jieba_field", None)
    cache = reader.__dict__.setdefault("_whoosh_jieba_bm25_norms", {})
    key = (fieldname, b, k1, avgfl)
    norms = cache.get(key) if fieldname is not None else None
    if norms is None:
        # A document without the field may have no length; it has no posting to score.
        lengths = [dfl(d) for d in range(reader.doc_count_all())]
        norms = [None if fl is None else k1 * ((1 - b) + b * fl / avgfl) for fl in lengths]
        if fieldname is not None:
            cache[key] = norms
    return norms


def _phrase(m, searcher) -> dict[int, float]:
    return _phrase_scores(m.ms, searcher, getattr(m, "_known", frozenset()))


def phrase_scores(ms, searcher, known=frozenset()) -> dict[int, float] | None:
    """{docnum: score} of the phrase whose words' matchers are ``ms`` (one segment), as
    Whoosh's SpanNear2 (slop 1, ordered) scores it; documents in ``known`` are taken as
    holding the phrase without reading their positions. None: not a leaf this module reads."""
    try:
        return _phrase_scores(ms, searcher, known)
    except Unsupported:
        return None


def _phrase_scores(ms, searcher, known) -> dict[int, float]:
    """The documents holding every word, those whose positions line up (or that ``known``
    vouches for), scored as the intersection tree of the words' matchers."""
    decode = None
    terms = []  # per word: {docnum: score}, its ids in order, their encoded positions
    for word in ms:
        deleted = None
        leaf = word
        if type(word) is FilterMatcher and word._exclude and word.boost == 1.0:
            deleted, leaf = word._ids, word.child
        ids, weights, values = _postings(leaf, values=True)
        if values is None:
            raise Unsupported("phrase without positions")
        if decode is None:
            field_format = leaf._format if type(leaf) is ListMatcher else leaf.format
            decode = (
                _decode_positions
                if type(field_format) is Positions
                else field_format.decode_positions
            )
        by_doc = dict(zip(ids, _leaf_scores(leaf, ids, weights, searcher), strict=True))
        if deleted:
            by_doc = _filtered(by_doc, deleted, True)
        terms.append((by_doc, ids, values))
    candidates = set(terms[0][0])
    for by_doc, _ids, _values in terms[1:]:
        candidates.intersection_update(by_doc)
    unknown = candidates.difference(known)
    if len(unknown) * 8 > len(terms[0][1]):
        # Many positions to read: every value of each word by document, in one pass.
        by_value = [dict(zip(ids, values.all(), strict=True)) for _s, ids, values in terms]
        if len(by_value) == 2:
            first, second = by_value
            candidates.difference_update(
                docnum
                for docnum in unknown
                if not _follows(decode(first[docnum]), decode(second[docnum]))
            )
        else:
            candidates.difference_update(
                docnum
                for docnum in unknown
                if not _consecutive([decode(values[docnum]) for values in by_value])
            )
    elif unknown:
        candidates.difference_update(
            docnum
            for docnum in unknown
            if not _consecutive(
                [decode(values[bisect_left(ids, docnum)]) for _by_doc, ids, values in terms]
            )
        )
    maps = [by_doc for by_doc, _ids, _values in terms]
    if len(maps) == 2:
        a, b = maps
        return {docnum: a[docnum] + b[docnum] for docnum in candidates}
    if len(maps) == 3:
        # make_binary_tree([a, b, c]) pairs a with (b, c).
        a, b, c = maps
        return {docnum: a[docnum] + (b[docnum] + c[docnum]) for docnum in candidates}
    return {docnum: _tree_sum([s[docnum] for s in maps]) for docnum in candidates}


def posting_ids(m) -> list[int]:
    """The document numbers of a term's postings (a leaf matcher from the codec), in order."""
    if type(m) in _BLOCK_LEAVES and not m._byteids:
        ids: list[int] = []
        m.reset()
        while True:
            ids.extend(block_arrays(m, False)[0])
            if m._lastblock:
                break
            m._goto(m._nextoffset)
        m.reset()
        return ids
    return list(m.all_ids())


def _decode_positions(value: bytes):
    """``Positions.decode_positions`` without its Python loop: the pickled deltas after the
    count, summed."""
    if not value.endswith(b"."):
        value += b"."
    return accumulate(loads(value[_INT_SIZE:]))


def _follows(first, second) -> bool:
    """Whether some position of ``second`` is right after one of ``first``."""
    after = set(second)
    return any(p + 1 in after for p in first)


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

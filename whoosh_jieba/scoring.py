"""BM25F with the per-document field lengths read once per index segment, not once per hit.

Whoosh's BM25F asks the segment reader for a document's field length on every scored hit (a
column read and a byte decode each time); on a broad query over 10,000 pages that was an
eighth of the query time. The lengths are the same for every query on one segment reader
(a searcher sees a fixed version of the index), so they are decoded into a list on first use
and kept on the reader. Scores are unchanged: the list holds exactly what
``doc_field_length(docnum, field, 1)`` returns, the default Whoosh's scorer uses.
"""

from __future__ import annotations

from whoosh.scoring import BM25F, WeightLengthScorer


def field_lengths(searcher, fieldname: str) -> list[int]:
    """Every document's length in ``fieldname`` on this (segment) searcher's reader."""
    reader = searcher.reader()
    cache = reader.__dict__.setdefault("_whoosh_jieba_field_lengths", {})
    lengths = cache.get(fieldname)
    if lengths is None:
        length_of = reader.doc_field_length
        lengths = cache[fieldname] = [
            length_of(docnum, fieldname, 1) for docnum in range(reader.doc_count_all())
        ]
    return lengths


def spread_field_lengths(searcher) -> None:
    """Decode on every segment the fields' lengths that some segment has decoded already.

    A query decodes a field's lengths only on the segments holding one of its terms; after a
    warm-up query, this reads the same fields everywhere, so later queries find them all.
    """
    leaves = [leaf for leaf, _offset in searcher.leaf_searchers()]
    decoded = set()
    for leaf in leaves:
        decoded.update(leaf.reader().__dict__.get("_whoosh_jieba_field_lengths", {}))
    for leaf in leaves:
        for fieldname in decoded:
            field_lengths(leaf, fieldname)


class CachedLengthBM25F(BM25F):
    """Whoosh's BM25F (same parameters, same scores) with cached field lengths."""

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, WeightLengthScorer) and hasattr(scorer, "dfl"):
            scorer.dfl = field_lengths(searcher, fieldname).__getitem__
            # Lets bulk scoring keep per-field figures on the reader (``bulk._bm25_norms``).
            scorer.whoosh_jieba_field = fieldname
        return scorer

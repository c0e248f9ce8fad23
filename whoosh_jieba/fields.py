"""Whoosh TEXT fields for the two analyzers that index a string without Whoosh's token stream.

``TEXT.index()`` runs the analyzer as a generator of ``Token`` objects and the field format
collects them one attribute at a time: several Python calls per word, most of indexing after
jieba. These fields take the words straight from ``analyzer.index_words`` /
``analyzer.CharTokenizer.split`` and yield exactly what ``TEXT.index()`` yields for them (the
same terms, frequencies, weights and encoded values; tests compare the two), so an index
written with them is the index Whoosh would write. Anything other than a plain string goes
through ``TEXT.index()``.
"""

from __future__ import annotations

from functools import lru_cache
from operator import sub
from pickle import dumps

from whoosh.fields import TEXT
from whoosh.formats import Positions
from whoosh.system import pack_uint

from .analyzer import FIELD_SEPARATOR, CharTokenizer, WordTokenizer, index_words


class WordTEXT(TEXT):
    """A ``TEXT(analyzer=WordAnalyzer(), phrase=False)`` field (term frequencies only)."""

    def index(self, value, **kwargs):
        if type(value) is not str or kwargs or type(self.analyzer) is not WordTokenizer:
            yield from super().index(value, **kwargs)
            return
        freqs: dict[str, int] = {}
        # jieba cuts at the separator anyway (it is blank), so the joined fields' words are
        # each field's words, already cut (and cached) for the field itself.
        for part in value.split(FIELD_SEPARATOR):
            for word, _start, _end in index_words(part):
                freqs[word] = freqs.get(word, 0) + 1
        # Frequency.word_values: the weight is the sum of the tokens' boosts (1.0 each)
        # times the field boost, the value the packed frequency.
        field_boost = self.format.field_boost
        for word, freq in freqs.items():
            yield word.encode("utf-8"), freq, float(freq) * field_boost, pack_uint(freq)


class CharTEXT(TEXT):
    """A ``TEXT(analyzer=CharAnalyzer(), phrase=True)`` field (positions)."""

    def index(self, value, **kwargs):
        if type(value) is not str or kwargs or type(self.analyzer) is not CharTokenizer:
            yield from super().index(value, **kwargs)
            return
        fmt = self.format
        field_boost = fmt.field_boost
        encode = fmt.encode if type(fmt) is not Positions else None
        single = _single_position
        for text, poslist in CharTokenizer.positions(value).items():
            count = len(poslist)
            if encode is not None:
                encoded = encode(poslist)
            elif count == 1:
                encoded = single(poslist[0])
            else:
                # Positions.encode: the count, then the pickled gaps between positions.
                gaps = [poslist[0], *map(sub, poslist[1:], poslist)]
                encoded = pack_uint(count) + dumps(gaps, 2)
            yield text.encode("utf-8"), count, float(count) * field_boost, encoded


@lru_cache(maxsize=8192)
def _single_position(pos: int) -> bytes:
    """``Positions.encode([pos])``: most bigrams occur once in a text, at one of few
    positions, so the same few thousand values come back over and over."""
    return pack_uint(1) + dumps([pos], 2)

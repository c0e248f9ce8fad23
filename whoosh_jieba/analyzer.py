"""Chinese text analysis for the Whoosh index.

Two analyzers work side by side:

- ``WordAnalyzer`` cuts text into words with jieba (search mode, which also emits the shorter
  dictionary words inside a long one: 申报材料 → 申报, 材料, 申报材料). Unlike jieba's own
  ``ChineseAnalyzer`` it keeps digits and single Latin letters (the 1 of 〔2023〕1号), applies no
  stop list (和 in 和地职称办 is part of a name) and no English stemming.
- ``CharAnalyzer`` emits overlapping CJK character bigrams and Latin/digit words, with
  consecutive positions. A phrase query over these tokens is an exact substring match, so a
  person's name or a place (乌鲁木齐 inside 乌鲁木齐市) is found even when jieba segments the
  indexed text differently from the query.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

import jieba
from whoosh.analysis import Token, Tokenizer

#: Joins the texts of several fields into one catch-all field; the char tokenizer leaves a gap in
#: the positions there so that a phrase never spans two fields.
FIELD_SEPARATOR = "\u2029"
_POSITION_GAP = 100

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD_RE = re.compile(rf"[{_CJK}]|[0-9a-z]+", re.IGNORECASE)
_KEEP_RE = re.compile(rf"[{_CJK}0-9a-z]", re.IGNORECASE)
_CJK_RE = re.compile(rf"[{_CJK}]")

_jieba_lock = threading.Lock()
_jieba_ready = False


def ensure_jieba() -> None:
    """Load jieba's dictionary once per process (about 0.6 s) and add the site's own words.

    The words come from the ``WHOOSH_JIEBA_WORDS`` setting (a list of strings): terms of the
    site's field that jieba's general dictionary lacks. They are added before the first cut,
    so indexing and querying segment them the same way in every process.
    """
    global _jieba_ready
    if _jieba_ready:
        return
    with _jieba_lock:
        if _jieba_ready:
            return
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _add_words(configured_words())
        _jieba_ready = True


def configured_words() -> list[str]:
    """The extra dictionary words of the ``WHOOSH_JIEBA_WORDS`` setting (none if unset)."""
    from django.conf import settings

    if not settings.configured:
        return []
    return list(getattr(settings, "WHOOSH_JIEBA_WORDS", ()))


def _add_words(words) -> None:
    for word in words:
        jieba.add_word(word, freq=20000)


def add_words(words) -> None:
    """Add dictionary words at run time (as ``WHOOSH_JIEBA_WORDS`` does at start-up).

    Text indexed before the call keeps its old cut: rebuild the index (``update_index``) after
    adding words to a filled index.
    """
    ensure_jieba()
    with _jieba_lock:
        _add_words(words)
        index_words.cache_clear()


def is_cjk(text: str) -> bool:
    """Whether the text contains at least one CJK ideograph."""
    return bool(_CJK_RE.search(text))


_ALL_CJK_RE = re.compile(rf"[{_CJK}]+")


def is_all_cjk(text: str) -> bool:
    """Whether the text is made of CJK ideographs only (one run of bigrams in ``char_tokens``)."""
    return bool(_ALL_CJK_RE.fullmatch(text))


def _keep(word: str) -> bool:
    return bool(_KEEP_RE.search(word))


@lru_cache(maxsize=512)
def index_words(text: str) -> tuple[tuple[str, int, int], ...]:
    """jieba search-mode words of ``text`` as (lower-case word, start, end), punctuation dropped.

    Cached: one document feeds the same text to its own field, the catch-all and a boost
    field, and jieba is the slowest step of indexing.
    """
    ensure_jieba()
    return tuple(
        (word.lower(), start, end)
        for word, start, end in jieba.tokenize(text, mode="search")
        if _keep(word) and not word.isspace()
    )


def query_words(text: str) -> list[str]:
    """The words of a query: jieba's precise cut (the longest dictionary words), lower-cased,
    punctuation and blanks dropped, duplicates removed in order."""
    ensure_jieba()
    seen: dict[str, None] = {}
    for word in jieba.cut(text):
        word = word.strip().lower()
        if word and _keep(word):
            seen.setdefault(word, None)
    return list(seen)


def _runs(text: str) -> list[tuple[bool, str]]:
    """Maximal runs of CJK characters (True) and single Latin/digit words (False)."""
    runs: list[tuple[bool, str]] = []
    for match in _WORD_RE.finditer(text):
        token = match.group(0).lower()
        cjk = not token.isascii()
        if cjk and runs and runs[-1][0] and runs[-1][2] == match.start():
            runs[-1] = (True, runs[-1][1] + token, match.end())
        else:
            runs.append((cjk, token, match.end()))
    return [(cjk, token) for cjk, token, _end in runs]


@lru_cache(maxsize=512)
def _char_tokens(text: str) -> tuple[str, ...]:
    tokens: list[str] = []
    for cjk, run in _runs(text):
        if cjk:
            tokens.extend(run[i : i + 2] for i in range(len(run)))
        else:
            tokens.append(run)
    return tuple(tokens)


def covered_by_words(word: str) -> bool:
    """Whether the word index alone is enough for ``word``: Latin/digit words, and dictionary
    words of two or three characters, which jieba's search mode also emits from inside every
    longer word it cuts. Such a query word skips the bigram substring fallback, which keeps
    common words (职称, 评审) fast; the price is a miss where jieba's cut straddles the word."""
    ensure_jieba()
    if word.isascii():
        return True
    return 2 <= len(word) <= 3 and bool(jieba.dt.FREQ.get(word))


def char_tokens(text: str) -> list[str]:
    """Overlapping CJK bigrams (the last character of a run alone) and Latin/digit words.

    "PDF格式2024年度" → pdf, 格式, 式, 2024, 年度, 度. A substring of two or more CJK characters
    is then a phrase of consecutive bigrams; one character is a prefix of a bigram (or the
    character alone at the end of a run). Bigrams keep posting lists short, so these phrase
    queries stay fast where single characters (职 in every page) would not.
    """
    return list(_char_tokens(text))


def query_char_groups(text: str) -> list[tuple[str, list[str]]]:
    """A query string as groups for the bigram field: ("phrase", tokens) for runs that must be
    consecutive, ("prefix", [char]) for a lone CJK character (any bigram starting with it)."""
    groups: list[tuple[str, list[str]]] = []
    current: list[str] = []
    for cjk, run in _runs(text):
        if cjk and len(run) == 1:
            if current:
                groups.append(("phrase", current))
                current = []
            groups.append(("prefix", [run]))
        elif cjk:
            current.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            current.append(run)
    if current:
        groups.append(("phrase", current))
    return groups


class _SplittingTokenizer(Tokenizer):
    """Whoosh's tokenizer protocol once: a value passed with ``tokenize=False`` is one token;
    otherwise subclasses yield ``(text, pos, start, end)`` from :meth:`split` (``start``/``end``
    are character offsets, or None where they are not recorded)."""

    def split(self, value: str, start_pos: int):
        raise NotImplementedError

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        for text, pos, start, end in self.split(value, start_pos):
            token.text = text
            token.boost = 1.0
            if keeporiginal:
                token.original = text
            token.stopped = False
            if positions:
                token.pos = pos
            if chars and start is not None:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class WordTokenizer(_SplittingTokenizer):
    """Whoosh tokenizer over :func:`index_words`."""

    def split(self, value: str, start_pos: int):
        # Queries go through query_words(); at index time use the search-mode words.
        for pos, (word, start, end) in enumerate(index_words(value)):
            yield word, start_pos + pos, start, end


class CharTokenizer(_SplittingTokenizer):
    """Whoosh tokenizer over :func:`char_tokens`, with a position gap between joined fields.
    (Character offsets are not recorded: nothing highlights from the index.)"""

    def split(self, value: str, start_pos: int):
        pos = start_pos
        for part_index, part in enumerate(value.split(FIELD_SEPARATOR)):
            if part_index:
                pos += _POSITION_GAP
            for text in char_tokens(part):
                yield text, pos, None, None
                pos += 1

    @staticmethod
    def positions(value: str) -> dict[str, list[int]]:
        """Every token of ``split(value, 0)`` with its positions, in the order first seen
        (what indexing needs, without a generator step per token)."""
        positions: dict[str, list[int]] = {}
        get = positions.get
        pos = 0
        for part_index, part in enumerate(value.split(FIELD_SEPARATOR)):
            if part_index:
                pos += _POSITION_GAP
            tokens = _char_tokens(part)
            for pos, text in enumerate(tokens, pos):  # noqa: B020 - pos goes on after the loop
                found = get(text)
                if found is None:
                    positions[text] = [pos]
                else:
                    found.append(pos)
            if tokens:
                pos += 1
        return positions


def WordAnalyzer():  # noqa: N802 - Whoosh's analyzers are factory functions with class-like names
    """The jieba word analyzer for ``*__t`` fields."""
    return WordTokenizer()


def CharAnalyzer():  # noqa: N802
    """The character analyzer for ``*__c`` (phrase, substring, autocomplete) fields."""
    return CharTokenizer()

"""tsvector and tsquery texts from the jieba analyzer's tokens (no PostgreSQL parser involved).

The texts are cast with ``::tsvector`` / ``::tsquery``, which take lexemes verbatim: what
matches does not depend on the database's locale or text-search configuration.

Layout of a vector: for each indexed text, its jieba words all at one position, then a gap,
then its character tokens (``char_tokens``: CJK bigrams and Latin/digit words) at consecutive
positions, then a gap. A substring query is a phrase of bigrams (``'乌鲁' <-> '鲁木' <-> '木齐'``),
which only the consecutive character tokens can satisfy; the words sit alone, so no phrase runs
through them. Positions wrap below PostgreSQL's limit (16383) so that phrases still match in
very long texts (a name deep in a roster).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from whoosh_jieba.analyzer import (
    FIELD_SEPARATOR,
    char_tokens,
    covered_by_words,
    index_words,
    query_char_groups,
    query_words,
)

MAX_POSITION = 16383
_GAP = 2
# PostgreSQL refuses lexemes of 2 KB and more, and tsvectors of 1 MB and more.
_MAX_LEXEME_BYTES = 1000
_MAX_VECTOR_BYTES = 900_000
# Punctuation inside an autocomplete piece (the brackets of 新经开人社〔2024〕7号) is not
# indexed between the characters: the parts around it each match as typed.
_PUNCTUATION = re.compile(r"[^\w]+")


def quote(lexeme: str) -> str:
    """A lexeme as a tsvector/tsquery literal token."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


class _Vector:
    """Lexemes with their (position, weight) pairs, in the order first seen."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[int, str]] = {}
        self.position = 1
        self.size = 0

    def add(self, lexeme: str, position: int, weight: str) -> None:
        encoded = len(lexeme.encode())
        if encoded > _MAX_LEXEME_BYTES:
            return
        positions = self.entries.get(lexeme)
        if positions is None:
            if self.size + encoded + 8 > _MAX_VECTOR_BYTES:
                return
            positions = self.entries[lexeme] = {}
            self.size += encoded + 8
        if position not in positions:
            positions[position] = weight
            self.size += 2
        elif weight < positions[position]:  # A is the heaviest weight
            positions[position] = weight

    def advance(self, step: int = 1) -> int:
        """The current position, then move on (wrapping below the limit)."""
        current = self.position
        self.position += step
        if self.position > MAX_POSITION:
            self.position = 1
        return current

    def literal(self) -> str:
        return " ".join(
            quote(lexeme) + ":" + ",".join(f"{pos}{weight}" for pos, weight in positions.items())
            for lexeme, positions in self.entries.items()
        )


def vector_text(texts: Iterable[tuple[str, str]], words: bool = True) -> str:
    """The tsvector literal of (text, weight) pairs (weight: "A" to "D").

    ``words`` adds each text's jieba search-mode words; without it (autocomplete) only the
    character tokens are indexed.
    """
    vector = _Vector()
    for text, weight in texts:
        text = text.strip()
        if not text:
            continue
        if words:
            word_position = vector.advance(_GAP)
            for word, _start, _end in index_words(text):
                vector.add(word, word_position, weight)
        for part in text.split(FIELD_SEPARATOR):
            for token in char_tokens(part):
                vector.add(token, vector.advance(), weight)
            vector.advance(_GAP)
    return vector.literal()


@dataclass(frozen=True)
class _Constant:
    """A query that needs no tsquery: it matches every row or none."""

    matches: bool


EVERYTHING = _Constant(True)
NOTHING = _Constant(False)

#: A compiled query: tsquery text, or EVERYTHING / NOTHING.
Compiled = str | _Constant


def substring_query(text: str) -> Compiled:
    """``text`` as a substring of the character tokens (a phrase of bigrams; a lone CJK
    character is a prefix of a bigram)."""
    parts = []
    for kind, tokens in query_char_groups(text):
        if kind == "prefix":
            parts.append(quote(tokens[0]) + ":*")
        elif len(tokens) == 1:
            parts.append(quote(tokens[0]))
        else:
            parts.append("(" + " <-> ".join(quote(token) for token in tokens) + ")")
    return " & ".join(parts) if parts else NOTHING


def word_query(word: str) -> str:
    """One query word: the jieba word itself, or (where jieba's cut of the indexed text may
    differ) its characters as a substring."""
    exact = quote(word)
    if covered_by_words(word):
        return exact
    chars = substring_query(word)
    if chars is NOTHING or chars == exact:
        return exact
    return f"({exact} | {chars})"


def combine(parts: list[Compiled], operator: str) -> Compiled:
    """Parts joined with "and" / "or", constants folded."""
    absorbing, neutral = (NOTHING, EVERYTHING) if operator == "and" else (EVERYTHING, NOTHING)
    if absorbing in parts:
        return absorbing
    texts = [part for part in parts if part is not neutral]
    if not texts:
        return neutral
    joiner = " & " if operator == "and" else " | "
    return texts[0] if len(texts) == 1 else "(" + joiner.join(texts) + ")"


def negate(part: Compiled) -> Compiled:
    if part is EVERYTHING:
        return NOTHING
    if part is NOTHING:
        return EVERYTHING
    return f"!({part})"


def plain_query(text: str, operator: str) -> Compiled:
    """A typed query: every jieba word of it (``and``) or any (``or``)."""
    words = query_words(text)
    if not words:
        return NOTHING
    return combine([word_query(word) for word in words], operator)


def autocomplete_query(text: str, operator: str) -> Compiled:
    """Partial words: each piece as a substring, the last Latin or digit run as a prefix
    (autocomplete "pd" finds PDF)."""
    pieces = [piece for piece in text.split() if char_tokens(piece)]
    if not pieces:
        return NOTHING
    per_piece: list[Compiled] = []
    for index, piece in enumerate(pieces):
        parts = [part for part in _PUNCTUATION.split(piece) if char_tokens(part)]
        queries: list[Compiled] = []
        for n, part in enumerate(parts):
            tokens = char_tokens(part)
            if index == len(pieces) - 1 and n == len(parts) - 1 and tokens[-1].isascii():
                head = part[: part.lower().rfind(tokens[-1])]
                tail = quote(tokens[-1]) + ":*"
                queries.append(
                    combine([substring_query(head), tail], "and") if char_tokens(head) else tail
                )
            else:
                queries.append(substring_query(part))
        per_piece.append(combine(queries, "and"))
    return combine(per_piece, operator)

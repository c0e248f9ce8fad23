"""Whoosh's W3 codec with posting blocks that decode without pickle or zlib.

Whoosh writes each block of 128 postings as a zlib-compressed pickle of tuples (ids, weights,
encoded positions) after a pickled header; reading a common word's postings was mostly
``pickle.loads`` and ``zlib.decompress`` (a third of a search for 乌鲁木齐). Here a block is a
fixed header and raw machine arrays: document numbers (``array('I')``), weights
(``array('f')``, or none when all are 1) and, for fields with positions, the encoded values
one after another with their end offsets. Reading is ``array.frombytes``; writing is
``tobytes``, which also takes the pickling out of indexing.

Everything else is Whoosh's W3 (term dictionary, stored fields, lengths, inlined postings of
rare terms). A posting list starts with its own magic bytes, so a matcher reads a W3 list
(an index built before) as before; the codec is recorded in each segment, so segments
written by either codec can sit in one index. Weights are stored as Whoosh stores them
(32-bit floats), so scores are unchanged.
"""

from __future__ import annotations

import struct
import sys
from array import array
from bisect import bisect_left
from itertools import accumulate
from operator import lt

from whoosh.codec.base import OutOfOrderError
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3LeafMatcher,
    W3PerDocReader,
    W3PostingsWriter,
    _lenfield,
)
from whoosh.matching import ListMatcher
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length, length_to_byte

MAGIC = b"ZCj1"
#: Postings in the block, last document number, highest weight, min/max length bytes, flags.
_HEADER = struct.Struct("<IIdBBB")
_WEIGHTS = 1  # the block stores its weights (else every weight is 1.0)
_VALUES = 2  # the block stores encoded values (positions)
_SWAP = sys.byteorder != "little"


def _to_bytes(values: array) -> bytes:
    if _SWAP:
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def _from_bytes(typecode: str, data) -> array:
    values = array(typecode)
    values.frombytes(data)
    if _SWAP:
        values.byteswap()
    return values


class BlockValues:
    """The encoded values of a block as a read-only sequence, cut from the block's bytes
    only when one is asked for (a phrase reads the positions of few documents): by the end
    offsets stored with them, or every ``size`` bytes for a fixed-size format."""

    __slots__ = ("_data", "_ends", "_size", "_count")

    def __init__(self, data: bytes, count: int, ends: array | None = None, size: int = 0):
        self._data = data
        self._count = count
        self._ends = ends
        self._size = size

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i: int) -> bytes:
        if i < 0:
            i += self._count
        if not 0 <= i < self._count:
            raise IndexError(i)
        if self._ends is None:
            return self._data[i * self._size : (i + 1) * self._size]
        start = self._ends[i - 1] if i else 0
        return self._data[start : self._ends[i]]

    def all(self) -> list[bytes]:
        """Every value, in order."""
        data = self._data
        if self._ends is None:
            size = self._size
            return [data[i : i + size] for i in range(0, size * self._count, size)]
        ends = self._ends
        return [data[start:end] for start, end in zip([0, *ends[:-1]], ends, strict=True)]


class CompactPostingsWriter(W3PostingsWriter):
    def add_posting(self, id_, weight, vbytes, length=None):
        # W3's, without its per-posting type assertions (the field writer below is the only
        # caller, with what Whoosh's pool holds).
        if self._byteids:
            return super().add_posting(id_, weight, vbytes, length)
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def add_posting_arrays(
        self, ids: array, weights: array, data: bytes, ends: array, field_lengths: list
    ) -> None:
        """Add a whole posting list at once (``writer.BulkSegmentWriter``): the blocks and
        statistics ``add_posting`` would build posting by posting, sliced from arrays.
        The values are ``data`` cut at ``ends`` (each value's end offset; an empty value is
        none); ``field_lengths`` holds the field's length per document number."""
        count = len(ids)
        known = len(field_lengths)
        if self._byteids or count < self._inlinelimit or self._ids:
            starts = [0, *ends[:-1]]
            for i in range(count):
                docnum = ids[i]
                self.add_posting(
                    docnum,
                    weights[i],
                    bytes(data[starts[i] : ends[i]]),
                    field_lengths[docnum] if docnum < known else None,
                )
            return
        limit = self._blocklimit
        fixedsize = self._format.fixed_value_size()
        variable = fixedsize is None or fixedsize < 0
        for start in range(0, count, limit):
            stop = min(start + limit, count)
            block_ids = ids[start:stop]
            block_weights = weights[start:stop]
            self._ids = array("I", block_ids)
            self._weights = array("f", block_weights)
            top = max(block_weights)
            self._maxweight = top if top > 0 else 0
            present = [
                length
                for length in (field_lengths[i] if i < known else None for i in block_ids)
                if length
            ]
            self._minlength = min(present) if present else None
            self._maxlength = max(present) if present else 0
            base = ends[start - 1] if start else 0
            block_ends = ends[start:stop]
            if block_ends[-1] == base:
                self._write_block(last=stop == count)  # no values
            elif block_ends[0] > base and all(map(lt, block_ends, block_ends[1:])):
                # A value for every posting: the block's bytes as they are.
                offsets = None
                if fixedsize == 0:
                    self._write_block(last=stop == count)  # values a format without any
                    continue
                if variable:
                    offsets = array("I", [end - base for end in block_ends]) if base else block_ends
                self._write_body(
                    last=stop == count, values=data[base : block_ends[-1]], ends=offsets
                )
            else:
                # Some postings without a value: add_posting's list, and its checks.
                cuts = [base, *block_ends]
                self._values = [
                    bytes(data[a:b]) for a, b in zip(cuts, cuts[1:], strict=False) if b > a
                ]
                self._write_block(last=stop == count)

    def _write_block(self, last=False):
        if self._byteids:
            # Vector postings (terms as ids): Whoosh's own block format.
            return super()._write_block(last)
        values = self._values
        if not values:
            return self._write_body(last, None, None)
        if len(values) != len(self._ids):
            raise ValueError("every posting of a block needs a value, or none")
        fixedsize = self._format.fixed_value_size()
        if fixedsize == 0:
            return self._write_body(last, None, None)  # W3: a format without values
        ends = None
        if fixedsize is None or fixedsize < 0:
            ends = array("I", accumulate(map(len, values)))
        return self._write_body(last, b"".join(values), ends)

    def _write_body(self, last: bool, values, ends: array | None) -> None:
        """Write the buffered block (ids, weights, statistics) with ``values``, the block's
        values one after another (None for none), and their end offsets (None for a
        fixed-size format)."""
        postfile = self._postfile
        if not self._blockcount:
            postfile.write(MAGIC)
        self._terminfo.add_block(self)
        ids, weights = self._ids, self._weights
        flags = 0
        parts = [_to_bytes(ids)]
        if weights.count(1.0) != len(weights):
            flags |= _WEIGHTS
            parts.append(_to_bytes(weights))
        if values:
            flags |= _VALUES
            if ends is not None:
                parts.append(_to_bytes(ends))
            parts.append(values)
        header = _HEADER.pack(
            len(ids),
            ids[-1],
            self._maxweight,
            length_to_byte(self._minlength),
            length_to_byte(self._maxlength),
            flags,
        )
        body = header + b"".join(parts)
        postfile.write_int(-len(body) if last else len(body))
        postfile.write(body)
        self._blockcount += 1
        self._new_block()


class CompactLeafMatcher(W3LeafMatcher):
    """Reads a posting list of either format: this codec's blocks, or W3's (its magic)."""

    def _read_header(self):
        postfile = self._postfile
        postfile.seek(self._startoffset)
        magic = postfile.read(4)
        if magic == MAGIC:
            self._compact = True
        elif magic == WHOOSH3_HEADER_MAGIC:
            self._compact = False
        else:
            raise Exception(f"Block tag error {magic!r}")
        self._baseoffset = postfile.tell()

    def _goto(self, position):
        if not self._compact:
            return super()._goto(position)
        postfile = self._postfile
        self._data = None
        self._ids = None
        self._weights = None
        self._values = None
        self._i = 0
        length = postfile.get_int(position)
        if length < 0:
            self._lastblock = True
            length = -length
        start = position + _INT_SIZE
        self._nextoffset = start + length
        (
            self._blocklength,
            self._maxid,
            self._maxweight,
            mnlen,
            mxlen,
            self._flags,
        ) = _HEADER.unpack(postfile.get(start, _HEADER.size))
        self._dataoffset = start + _HEADER.size
        self._compression = 0
        self._minlength = byte_to_length(mnlen)
        self._maxlength = byte_to_length(mxlen)

    def _read_compact(self):
        count = self._blocklength
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        size = 4 * count
        ids = _from_bytes("I", data[:size])
        offset = size
        if self._flags & _WEIGHTS:
            weights = _from_bytes("f", data[offset : offset + size])
            offset += size
        else:
            weights = [1.0] * count
        fixedsize = self._fixedsize
        if self._flags & _VALUES and fixedsize:
            values = BlockValues(bytes(data[offset:]), count, size=fixedsize)
        elif self._flags & _VALUES:
            ends = _from_bytes("I", data[offset : offset + size])
            offset += size
            values = BlockValues(bytes(data[offset:]), count, ends=ends)
        elif fixedsize == 0:
            values = (None,) * count
        else:
            values = (b"",) * count
        self._data = (ids, weights, values)
        self._ids, self._weights, self._values = self._data

    def _read_data(self):
        if not self._compact:
            return super()._read_data()
        self._read_compact()

    # A compact block is read whole (one slice of the file); each of W3's lazy readers then
    # finds all three lists set.
    def _read_ids(self):
        self._read_compact() if self._compact else super()._read_ids()

    def _read_weights(self):
        self._read_compact() if self._compact else super()._read_weights()

    def _read_values(self):
        self._read_compact() if self._compact else super()._read_values()

    def skip_to(self, targetid):
        if not self._compact:
            return super().skip_to(targetid)
        if not self.is_active():
            from whoosh.matching import ReadTooFar

            raise ReadTooFar
        if targetid <= self.id():
            return
        if targetid > self._maxid:
            self._skip_to_block(lambda: targetid > self._maxid)
        if self.is_active():
            # Within a block, a binary search over the decoded ids.
            if self._ids is None:
                self._read_ids()
            i = bisect_left(self._ids, targetid, self._i)
            if i >= self._blocklength:
                self._next_block()
            else:
                self._i = i


def block_arrays(m, values: bool):
    """(ids, weights, values or None) of the current block of a W3 or compact leaf matcher,
    decoded in bulk (Whoosh's ``_read_ids`` steps a generator per posting)."""
    if not getattr(m, "_compact", False):
        if m._data is None:
            m._read_data()
        ids, weights, block_values = m._data
        count = m._blocklength
        ids = list(accumulate(ids))
        if weights is None:
            weights = [1.0] * count
        elif isinstance(weights, float):
            weights = [weights] * count
        if not values:
            return ids, weights, None
        fixedsize = m._fixedsize
        if fixedsize == 0:
            block_values = (None,) * count
        elif fixedsize:
            block_values = BlockValues(block_values, count, size=fixedsize)
        return ids, weights, block_values
    if m._data is None:
        m._read_compact()
    ids, weights, block_values = m._data
    return ids, weights, (block_values if values else None)


class CompactFieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        """Whoosh's ``FieldWriter.add_postings`` (sorted (fieldname, btext, docnum, weight,
        value) postings to terms), reading each field's document lengths once into a list
        instead of from the length column for every posting."""
        lastfn = lasttext = None
        field_lengths: list = []
        add = None
        for fieldname, btext, docnum, weight, value in items:
            if fieldname != lastfn:
                if lastfn is not None and fieldname < lastfn:
                    raise OutOfOrderError(f"Field {lastfn!r} .. {fieldname!r}")
                if lasttext is not None:
                    self.finish_term()
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                lastfn, lasttext = fieldname, None
                field_lengths = _field_lengths(lengths, fieldname)
            elif lasttext and btext < lasttext:
                raise OutOfOrderError(f"Term {fieldname}:{lasttext!r} .. {fieldname}:{btext!r}")
            if docnum == -1:
                # Spelling words (Whoosh writes none of them either).
                continue
            if btext != lasttext:
                if lasttext is not None:
                    self.finish_term()
                self.start_term(btext)
                lasttext = btext
                add = self._postwriter.add_posting
            add(
                docnum,
                weight,
                b"" if value is None else value,
                field_lengths[docnum] if docnum < len(field_lengths) else None,
            )
        if lasttext is not None:
            self.finish_term()
        if lastfn is not None:
            self.finish_field()


def _field_lengths(lengths, fieldname: str) -> list:
    """``lengths.doc_field_length(docnum, fieldname)`` for every document, as Whoosh's
    field writer asks it posting by posting (0 without a length reader)."""
    if not lengths:
        return []
    count = lengths.doc_count_all()
    if isinstance(lengths, W3PerDocReader):
        # The whole length column at once (W3PerDocReader.doc_field_length, per document:
        # no column reads 0, a zero byte None).
        column = lengths._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return [0] * count
        return [byte_to_length(b) if b else None for b in column]
    length_of = lengths.doc_field_length
    return [length_of(docnum, fieldname) for docnum in range(count)]


class CompactCodec(W3Codec):
    """W3 with :class:`CompactPostingsWriter` blocks (see the module's docstring)."""

    def field_writer(self, storage, segment):
        return CompactFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return CompactPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return ListMatcher(
                ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo
            )
        offset, length = terminfo.extent()
        return CompactLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)

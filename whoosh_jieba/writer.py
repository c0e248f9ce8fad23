"""A segment writer for rebuilds: postings grouped by term in memory, written a block at a time.

Whoosh's ``SegmentWriter`` sends every posting through a generic external-sort pool: a tuple
per posting, pickled to run files once the pool passes its memory limit, merged back with
``heapq.merge`` and handed to the field writer one posting at a time. On a rebuild of 10,000
pages (5 million postings) that pool and the per-posting writer were more than half of
``update_index``.

:class:`BulkSegmentWriter` keeps each field's terms in a dictionary of compact arrays (document
numbers, weights, encoded values) as documents are added; document numbers grow, so each
posting list is already in order and only the terms need sorting when the segment is written.
The blocks are then cut from those arrays and written by :class:`~.codec.CompactPostingsWriter`
itself (:meth:`~.codec.CompactPostingsWriter.add_posting_arrays`), so the segment holds the
bytes, term statistics and field lengths Whoosh's writer would write for the same documents
(``tests/whoosh_jieba/test_writer.py`` compares them). Stored fields, columns and lengths go
through Whoosh's own per-document writer as before.

The pool lives in memory: ``pool_size()`` estimates its bytes so a caller can commit a
segment and start another one (the rebuild does, past ``limitmb``).
"""

from __future__ import annotations

import multiprocessing
import traceback
from array import array
from itertools import accumulate

from whoosh.writing import SegmentWriter

from .codec import CompactCodec, CompactFieldWriter, _field_lengths
from .fields import CharTEXT, WordTEXT

#: Rough bytes a new term costs in the pool (the key, its dictionary slot, four arrays).
_TERM_COST = 400
#: Rough bytes a posting costs (document number, weight, end offset and a short value).
_POSTING_COST = 24


def _new_postings() -> tuple[array, array, bytearray, array]:
    """One term's postings in a segment: document numbers, weights, the values one after
    another and each value's end offset, in document order."""
    return array("I"), array("d"), bytearray(), array("I")


def _postings(postings, unsorted: bool) -> tuple[array, array, bytearray, array]:
    """A term's (document numbers, weights, values, value ends) in Whoosh's pool order."""
    if not unsorted:
        return postings
    # A field may give one document the same term twice (a list value with a repeated
    # number); Whoosh's pool sorts those postings by (docnum, weight, value).
    ids, weights, data, ends = postings
    cuts = [0, *ends]
    values = [bytes(data[a:b]) for a, b in zip(cuts, cuts[1:], strict=False)]
    rows = sorted(zip(ids, weights, values, strict=True))
    return (
        array("I", [row[0] for row in rows]),
        array("d", [row[1] for row in rows]),
        bytearray(b"".join(row[2] for row in rows)),
        array("I", accumulate(len(row[2]) for row in rows)),
    )


class MemoryPool:
    """The postings of one segment, by field and term."""

    def __init__(self):
        self.fields: dict[str, dict[bytes, tuple]] = {}
        #: (field, term) of posting lists with a document number repeated.
        self.unsorted: set[tuple[str, bytes]] = set()
        self.size = 0

    def add(self, item) -> None:
        """Whoosh's pool interface, one ``(fieldname, btext, docnum, weight, value)``
        posting (used when Whoosh merges segments into this writer)."""
        fieldname, btext, docnum, weight, value = item
        if docnum == -1:
            return  # a spelling word: the field writer skips them
        self.add_field(fieldname, docnum, [(btext, 0, weight, value)], 1.0, check=True)

    def add_field(self, fieldname: str, docnum: int, items, boost: float, check: bool) -> int:
        """Add one field's ``(btext, freq, weight, value)`` items of a document; returns the
        sum of the frequencies (the field length). ``check`` is needed unless the field
        yields each term once."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        get = terms.get
        length = 0
        new = 0
        for btext, freq, weight, value in items:
            postings = get(btext)
            if postings is None:
                postings = terms[btext] = _new_postings()
                new += 1
            ids, weights, data, ends = postings
            if check and ids and ids[-1] >= docnum:
                self.unsorted.add((fieldname, btext))
            ids.append(docnum)
            # x * 1.0 is x: the array stores the same double either way.
            weights.append(weight if boost == 1.0 else weight * boost)
            if value:
                data += value
            ends.append(len(data))
            length += freq
        self.size += new * _TERM_COST + len(items) * _POSTING_COST
        return length

    def _sorted(self):
        unsorted = self.unsorted
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            yield (
                fieldname,
                (
                    (btext, _postings(terms[btext], (fieldname, btext) in unsorted))
                    for btext in sorted(terms)
                ),
            )

    def write(self, fieldwriter: CompactFieldWriter, schema, lengths) -> None:
        """Write every posting list, fields and terms in sorted order (the order of Whoosh's
        pool)."""
        for fieldname, terms in self._sorted():
            fieldwriter.start_field(fieldname, schema[fieldname])
            field_lengths = _field_lengths(lengths, fieldname)
            for btext, (ids, weights, data, ends) in terms:
                fieldwriter.start_term(btext)
                fieldwriter._postwriter.add_posting_arrays(ids, weights, data, ends, field_lengths)
                fieldwriter.finish_term()
            fieldwriter.finish_field()

    def cleanup(self) -> None:
        self.fields = {}
        self.unsorted = set()
        self.size = 0

    # SegmentWriter.add_postings_to_pool reads postings back as Whoosh's pool gives them.
    def iter_postings(self):
        for fieldname, terms in self._sorted():
            for btext, (ids, weights, data, ends) in terms:
                cuts = [0, *ends]
                for i, docnum in enumerate(ids):
                    yield fieldname, btext, docnum, weights[i], bytes(data[cuts[i] : cuts[i + 1]])


_UNIQUE_TERMS = (WordTEXT, CharTEXT)


class BulkSegmentWriter(SegmentWriter):
    """Whoosh's ``SegmentWriter`` with :class:`MemoryPool` postings and the compact codec."""

    def __init__(self, ix, **kwargs):
        kwargs.setdefault("codec", CompactCodec())
        if not isinstance(kwargs["codec"], CompactCodec):
            raise TypeError("BulkSegmentWriter writes the compact codec's blocks")
        super().__init__(ix, **kwargs)
        self.pool.cleanup()
        self.pool = MemoryPool()

    def pool_size(self) -> int:
        """Estimated bytes of the postings held for the segment being written."""
        return self.pool.size

    def add_document(self, **fields):
        """``SegmentWriter.add_document`` with the postings going straight to the pool."""
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        pool = self.pool

        docboost = self._doc_boost(fields)
        fieldnames = sorted([name for name in fields if not name.startswith("_")])
        self._check_fields(schema, fieldnames)

        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]

                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    added = pool.add_field(
                        fieldname,
                        docnum,
                        list(field.index(value)),
                        fieldboost,
                        check=type(field) not in _UNIQUE_TERMS,
                    )
                    if field.scorable:
                        length = added
                # Spelling words (field.separate_spelling()) are not written by the field
                # writer (see CompactFieldWriter.add_postings), so none are pooled.

                vformat = field.vector
                if vformat:
                    vitems = vformat.word_values(value, field.analyzer, mode="index")
                    vitems = sorted((text, weight, vbytes) for text, _, weight, vbytes in vitems)
                    perdocwriter.add_vector_items(fieldname, field, vitems)

                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(
                    fieldname, field, customval if field.stored else None, length
                )
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(
                        fieldname, column, field.to_column_value(customval)
                    )
        except Exception:
            perdocwriter.cancel_doc()
            raise

        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        self.pool.write(self.fieldwriter, self.schema, lengths)
        self.fieldwriter.close()
        if lengths:
            lengths.close()


def close_segment(writer: BulkSegmentWriter):
    """Write the writer's segment and return it without committing a TOC (the caller lists
    it in one), as Whoosh's multiprocessing writer does with its sub-writers."""
    segment = writer._finalize_segment()
    writer._finish()
    return segment


def _write_segments(ix, jobs, results, segment_bytes: int) -> None:
    """A worker process: add the documents of every job (a list, ``None`` to stop) to
    segments of its own; send back ``(True, segments)`` or ``(False, traceback)``."""
    segments = []
    writer = None
    try:
        while (docs := jobs.get()) is not None:
            if writer is None:
                writer = BulkSegmentWriter(ix, _lk=False)
                # Not the shared "<index>.tmp" folder every writer of the index opens: a
                # writer removes its folder when it finishes, and the per-document writers
                # of the other workers keep their column files there until theirs (the
                # parent's writer removes it at the end).
                writer._tempstorage = ix.storage.temp_storage()
            for doc in docs:
                writer.add_document(**doc)
            if writer.pool_size() > segment_bytes:
                segments.append(close_segment(writer))
                writer = None
        if writer is not None:
            segments.append(close_segment(writer))
        results.send((True, segments))
    except BaseException:
        if writer is not None and not writer.is_closed:
            writer.cancel()
        results.send((False, traceback.format_exc()))


class SegmentWorkers:
    """Documents written by forked worker processes, each into segments of its own.

    Worker *k* gets the *k*-th run of ``share`` documents in the order they are added, so its
    segments, listed in worker order, hold the documents in that order: every document has the
    number one writer would give it (ties in a ranking keep their order). The workers need no
    database: they receive the documents as dictionaries. The parent keeps Whoosh's lock and
    lists the segments in the index's TOC (:meth:`commit`).
    """

    def __init__(self, ix, processes: int, share: int, segment_bytes: int):
        context = multiprocessing.get_context("fork")
        self.ix = ix
        self.share = max(1, share)
        self.sent = 0
        self.workers = []
        # Every process is forked before the first job is queued: a queue's feeder thread
        # starts then, and a fork must not copy a running thread's locks.
        for _ in range(processes):
            jobs = context.Queue()
            receive, send = context.Pipe(duplex=False)
            process = context.Process(
                target=_write_segments, args=(ix, jobs, send, segment_bytes), daemon=True
            )
            process.start()
            send.close()
            self.workers.append((process, jobs, receive))

    def add(self, docs: list[dict]) -> None:
        last = len(self.workers) - 1
        start = 0
        while start < len(docs):
            worker = min((self.sent + start) // self.share, last)
            stop = len(docs) if worker == last else (worker + 1) * self.share - self.sent
            stop = min(stop, len(docs))
            self.workers[worker][1].put(docs[start:stop])
            start = stop
        self.sent += len(docs)

    def finish(self) -> list:
        """Wait for the workers; their segments in document order."""
        for _process, jobs, _receive in self.workers:
            jobs.put(None)
        segments, errors = [], []
        for process, jobs, receive in self.workers:
            try:
                ok, payload = receive.recv()
            except EOFError:
                ok, payload = False, f"worker exited with code {process.exitcode}"
            process.join()
            jobs.close()
            receive.close()
            if ok:
                segments.extend(payload)
            else:
                errors.append(payload)
        self.workers = []
        if errors:
            raise RuntimeError("an index worker failed:\n" + "\n".join(errors))
        return segments

    def commit(self, **writer_args) -> None:
        """Wait for the workers and add their segments to the index."""
        segments = self.finish()
        writer = BulkSegmentWriter(self.ix, **writer_args)
        try:
            writer.commit(mergetype=lambda _writer, existing: [*existing, *segments])
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise

    def cancel(self) -> None:
        for process, jobs, receive in self.workers:
            process.terminate()
            process.join()
            jobs.close()
            receive.close()
        self.workers = []

"""Writing to the index: the live index of a backend, and a rebuild beside it."""

from __future__ import annotations

from django.apps import apps
from modelsearch.backends.base import BaseIndex, get_model_root

from .codec import CompactCodec
from .mapping import WhooshMapping
from .writer import BulkSegmentWriter, SegmentWorkers

#: Estimated bytes of postings a rebuild holds in memory before it writes a segment (about
#: 15,000 pages of the site's size).
REBUILD_SEGMENT_BYTES = 256 * 1024 * 1024
#: A rebuild of fewer objects is written by one process (forking costs more than it saves,
#: and a small index stays in one segment).
PARALLEL_MIN_OBJECTS = 2000


class WhooshIndex(BaseIndex):
    """The single Whoosh index of a backend; ``version`` is set only for a rebuild's new index."""

    def __init__(self, backend, version: str | None = None):
        super().__init__(backend)
        self.store = backend.store
        self.version = version
        self._writer = None
        self._workers: SegmentWorkers | None = None
        self._models = []

    def get_key(self):
        return "default"

    def __str__(self):
        return f"whoosh:{self.store.root}"

    def add_model(self, model):
        # The schema's dynamic fields accept any model; a rebuild counts their objects to
        # share them between its worker processes.
        self._models.append(model)

    def refresh(self):
        pass

    def reset(self):
        self.store.swap_in_empty()

    def _write(self, apply, journal_keys):
        if self.version is None:
            self.store.write_live(apply, journal_keys)
            return
        if self._workers is not None:
            raise RuntimeError("a rebuild shared between processes only adds documents")
        # A rebuild keeps one writer open across chunks and commits once (finish()): a
        # commit per chunk would merge segments over and over.
        if self._writer is None:
            self._writer = self._rebuild_writer()
        apply(self._writer)
        if self._writer.pool_size() > REBUILD_SEGMENT_BYTES:
            # The postings are held in memory until the segment is written: past this
            # size, write it and go on in a new segment.
            self._writer.commit(merge=False)
            self._writer = None

    def _rebuild_writer(self) -> BulkSegmentWriter:
        return BulkSegmentWriter(
            self.store.open(self.version), timeout=self.store.lock_timeout, codec=CompactCodec()
        )

    def _add_to_rebuild(self, docs: list[dict]) -> None:
        """A rebuild's documents: to worker processes when the rebuild is large enough
        (decided at its first documents, from the number of objects of its models)."""
        if self._workers is None and self._writer is None:
            processes = self.backend.rebuild_processes
            total = (
                sum(model.get_indexed_objects().count() for model in self._models)
                if processes > 1
                else 0
            )
            if total >= PARALLEL_MIN_OBJECTS:
                self._workers = SegmentWorkers(
                    self.store.open(self.version),
                    processes,
                    share=-(-total // processes),
                    segment_bytes=REBUILD_SEGMENT_BYTES,
                )
        if self._workers is not None:
            self._workers.add(docs)
            return

        def apply(writer):
            # The rebuild's new index is empty except for what this rebuild added (never
            # twice), so nothing to delete first.
            for doc in docs:
                writer.add_document(**doc)

        self._write(apply, [])

    def commit(self):
        """Commit a rebuild's writer (no-op for the live index, which commits every write).

        Segments are not merged: Whoosh would merge them a posting at a time.
        """
        if self._workers is not None:
            workers, self._workers = self._workers, None
            workers.commit(timeout=self.store.lock_timeout, codec=CompactCodec())
        if self._writer is not None:
            self._writer.commit(merge=False)
            self._writer = None

    def cancel(self):
        if self._workers is not None:
            self._workers.cancel()
            self._workers = None
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None

    def add_items(self, model, items):
        items = list(items)
        if not items:
            return
        docs = [WhooshMapping(type(item)).get_document(item) for item in items]
        if self.version is not None:
            self._add_to_rebuild(docs)
            return

        def apply(writer):
            # Delete then add: update_document opens a searcher per document, far slower.
            for doc in docs:
                writer.delete_by_term("ix_id", doc["ix_id"])
            for doc in docs:
                writer.add_document(**doc)

        self._write(apply, [f"{type(item)._meta.label_lower}\t{item.pk}" for item in items])

    def delete_item(self, item):
        doc_id = WhooshMapping(type(item)).get_document_id(item)
        self._write(
            lambda writer: writer.delete_by_term("ix_id", doc_id),
            [f"{type(item)._meta.label_lower}\t{item.pk}"],
        )


def replay_journal(backend, version: str, keys: list[str]) -> None:
    """Re-index journalled objects into a rebuilt version from the database's current state."""
    docs: list[dict] = []
    deletions: list[str] = []
    for key in keys:
        label, _, pk = key.partition("\t")
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        obj = model.get_indexed_objects().filter(pk=pk).first()
        instance = obj.get_indexed_instance() if obj is not None else None
        if instance is None:
            deletions.append(f"{get_model_root(model)._meta.label_lower}:{pk}")
        else:
            docs.append(WhooshMapping(type(instance)).get_document(instance))

    def apply(writer):
        for doc_id in deletions:
            writer.delete_by_term("ix_id", doc_id)
        for doc in docs:
            writer.delete_by_term("ix_id", doc["ix_id"])
            writer.add_document(**doc)

    backend.store.write(version, apply)


class WhooshIndexRebuilder:
    """Builds a new version of the index beside the live one and swaps it in at the end."""

    def __init__(self, index):
        self.index = index
        self.backend = index.backend
        self.version = None

    def start(self):
        self.version = self.backend.store.begin_rebuild()
        self.new_index = WhooshIndex(self.backend, version=self.version)
        return self.new_index

    def finish(self):
        self.new_index.commit()
        self.backend.store.finish_rebuild(
            self.version, lambda version, keys: replay_journal(self.backend, version, keys)
        )

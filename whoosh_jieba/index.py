"""Writing to the index: the live index of a backend, and a rebuild beside it."""

from __future__ import annotations

from django.apps import apps
from modelsearch.backends.base import BaseIndex, get_model_root

from .codec import CompactCodec
from .mapping import WhooshMapping
from .writer import BulkSegmentWriter

#: Estimated bytes of postings a rebuild holds in memory before it writes a segment (about
#: 15,000 pages of the site's size).
REBUILD_SEGMENT_BYTES = 256 * 1024 * 1024


class WhooshIndex(BaseIndex):
    """The single Whoosh index of a backend; ``version`` is set only for a rebuild's new index."""

    def __init__(self, backend, version: str | None = None):
        super().__init__(backend)
        self.store = backend.store
        self.version = version
        self._writer = None

    def get_key(self):
        return "default"

    def __str__(self):
        return f"whoosh:{self.store.root}"

    def add_model(self, model):
        # The schema's dynamic fields accept any model; nothing to declare.
        pass

    def refresh(self):
        pass

    def reset(self):
        self.store.swap_in_empty()

    def _write(self, apply, journal_keys):
        if self.version is None:
            self.store.write_live(apply, journal_keys)
        else:
            # A rebuild keeps one writer open across chunks and commits once (finish()):
            # a commit per chunk would merge segments over and over.
            if self._writer is None:
                self._writer = BulkSegmentWriter(
                    self.store.open(self.version),
                    timeout=self.store.lock_timeout,
                    codec=CompactCodec(),
                )
            apply(self._writer)
            if self._writer.pool_size() > REBUILD_SEGMENT_BYTES:
                # The postings are held in memory until the segment is written: past this
                # size, write it and go on in a new segment.
                self.commit()

    def commit(self):
        """Commit a rebuild's writer (no-op for the live index, which commits every write).

        Segments are not merged: Whoosh would merge them a posting at a time.
        """
        if self._writer is not None:
            self._writer.commit(merge=False)
            self._writer = None

    def cancel(self):
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None

    def add_items(self, model, items):
        items = list(items)
        if not items:
            return
        docs = [WhooshMapping(type(item)).get_document(item) for item in items]
        fresh = self.version is not None

        def apply(writer):
            # Delete then add: update_document opens a searcher per document, far slower. A
            # rebuild's new index is empty except for what this rebuild added (never twice).
            if not fresh:
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

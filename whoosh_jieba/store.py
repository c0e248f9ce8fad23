"""Where the Whoosh index lives on disk, and who may write to it.

Layout under ``INDEX_PATH``::

    CURRENT         name of the live version directory (replaced atomically with os.replace)
    REBUILDING      name of the version being rebuilt, while a rebuild runs
    write.lock      an fcntl lock held by every writer of the live index
    v<ns>-<pid>/    one Whoosh index per version; journal.log inside a version being rebuilt

Whoosh allows one writer per index and fails at once when its lock is taken. Every write to the
live index therefore first takes ``write.lock`` (waiting, with a deadline), so several server
processes and the task worker queue up instead of failing. A rebuild writes a new version
directory nobody else writes to; writers meanwhile update the live version *and* note the
object in the new version's journal, which the rebuild replays from the database before it
swaps ``CURRENT``. Queries keep reading the old version until the swap, and no update is lost.
"""

from __future__ import annotations

import fcntl
import os
import random
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, NUMERIC, Schema

from . import buffers
from .analyzer import CharAnalyzer, WordAnalyzer
from .codec import CompactCodec
from .fields import CharTEXT, WordTEXT
from .scoring import CachedLengthBM25F

# Segments are read in place from their memory map (see buffers).
buffers.install()

POINTER = "CURRENT"
MARKER = "REBUILDING"
LOCK_FILE = "write.lock"
JOURNAL = "journal.log"


class IndexBusyError(RuntimeError):
    """The index stayed locked by another writer for longer than the configured timeout."""


def build_schema() -> Schema:
    """One schema for every model: fixed bookkeeping fields plus typed dynamic fields.

    The suffix of a field name says its type, so new models and fields need no schema change.
    """
    schema = Schema(
        ix_id=ID(unique=True, stored=True),
        ix_pk=ID(stored=True),
        ix_ct=KEYWORD(lowercase=False, commas=False),
        ix_null=KEYWORD(lowercase=False, commas=False),
    )
    schema.add("*__t", WordTEXT(analyzer=WordAnalyzer(), phrase=False), glob=True)
    schema.add("*__c", CharTEXT(analyzer=CharAnalyzer(), phrase=True), glob=True)
    schema.add("*__fi", NUMERIC(int, bits=64, signed=True, sortable=True), glob=True)
    schema.add("*__ff", NUMERIC(float, sortable=True), glob=True)
    schema.add("*__fd", DATETIME(sortable=True), glob=True)
    schema.add("*__fb", BOOLEAN(), glob=True)
    schema.add("*__fs", ID(sortable=True), glob=True)
    return schema


class IndexStore:
    """Versioned Whoosh index directories under one root, with a cross-process write lock."""

    def __init__(self, root: Path | str, lock_timeout: float = 60.0):
        self.root = Path(root)
        self.lock_timeout = lock_timeout
        self._indexes: dict[str, whoosh_index.Index] = {}
        self._indexes_lock = threading.Lock()
        self._local = threading.local()

    # Versions and the pointer ------------------------------------------------------------

    def _read(self, name: str) -> str | None:
        try:
            return (self.root / name).read_text(encoding="ascii").strip() or None
        except FileNotFoundError:
            return None

    def _write_atomically(self, name: str, value: str) -> None:
        tmp = self.root / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
        with open(tmp, "w", encoding="ascii") as fh:
            fh.write(value)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.root / name)

    def create_version(self) -> str:
        """Create an empty index in a new version directory and return its name."""
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"v{time.time_ns()}-{os.getpid()}-{random.randrange(16**4):04x}"
        path = self.root / name
        path.mkdir()
        whoosh_index.create_in(str(path), build_schema())
        return name

    def current_name(self) -> str:
        """The live version, creating an empty one the first time the index is used."""
        name = self._read(POINTER)
        if name and (self.root / name).is_dir():
            return name
        with self.write_lock():
            name = self._read(POINTER)
            if name and (self.root / name).is_dir():
                return name
            name = self.create_version()
            self._write_atomically(POINTER, name)
            return name

    def rebuilding_name(self) -> str | None:
        name = self._read(MARKER)
        if name and (self.root / name).is_dir():
            return name
        return None

    def open(self, name: str) -> whoosh_index.Index:
        """The Whoosh index of one version, opened once per process."""
        with self._indexes_lock:
            ix = self._indexes.get(name)
            if ix is None:
                ix = whoosh_index.open_dir(str(self.root / name))
                self._indexes[name] = ix
            return ix

    def forget(self, name: str) -> None:
        with self._indexes_lock:
            self._indexes.pop(name, None)
        searchers = getattr(self._local, "searchers", {})
        searchers.pop(name, None)

    # Reading --------------------------------------------------------------------------------

    def searcher(self):
        """A fresh-enough searcher on the live version, cached per thread.

        A version directory can disappear under a long-lived process (two rebuilds since it
        last searched); then the pointer is read again and the live version opened.
        """
        searchers = self._local.__dict__.setdefault("searchers", {})
        for attempt in range(3):
            name = self.current_name()
            try:
                searcher = searchers.get(name)
                if searcher is not None and not searcher.up_to_date():
                    # Not Searcher.refresh(): it reuses the old segment readers and so misses
                    # deletions committed since (an updated document would show twice). The
                    # old searcher is left to the garbage collector, not closed: a result
                    # set being paginated may still read stored fields through it.
                    searcher = None
                if searcher is None:
                    searcher = self.open(name).searcher(weighting=CachedLengthBM25F())
                searchers[name] = searcher
                for other in [key for key in searchers if key != name]:
                    del searchers[other]
                return searcher
            except (OSError, whoosh_index.EmptyIndexError):
                self.forget(name)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    # Writing --------------------------------------------------------------------------------

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Hold the cross-process write lock, waiting up to ``lock_timeout`` seconds for it.

        Re-entrant within a thread (flock on a second descriptor would wait for itself).
        """
        depth = getattr(self._local, "lock_depth", 0)
        if depth:
            self._local.lock_depth = depth + 1
            try:
                yield
            finally:
                self._local.lock_depth = depth
            return
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / LOCK_FILE, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise IndexBusyError(
                            f"搜索索引被其他进程占用超过 {self.lock_timeout:g} 秒，本次写入未完成，请稍后重试。"
                        ) from None
                    time.sleep(0.01 + random.random() * 0.02)
            self._local.lock_depth = 1
            try:
                yield
            finally:
                self._local.lock_depth = 0
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def write(self, name: str, apply: Callable) -> None:
        """Apply ``apply(writer)`` to one version and commit; cancel on error."""
        ix = self.open(name)
        writer = ix.writer(timeout=self.lock_timeout, delay=0.05, codec=CompactCodec())
        try:
            apply(writer)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def write_live(self, apply: Callable, journal_keys: list[str]) -> None:
        """Write to the live version under the lock; journal the keys for a running rebuild."""
        with self.write_lock():
            self.write(self.current_name(), apply)
            building = self.rebuilding_name()
            if building and journal_keys:
                with open(self.root / building / JOURNAL, "a", encoding="utf-8") as fh:
                    fh.write("".join(f"{key}\n" for key in journal_keys))

    # Rebuilding -----------------------------------------------------------------------------

    def begin_rebuild(self) -> str:
        """Create the version a rebuild fills, and announce it to writers."""
        with self.write_lock():
            name = self.create_version()
            self._write_atomically(MARKER, name)
            return name

    def finish_rebuild(self, name: str, replay: Callable[[str, list[str]], None]) -> None:
        """Replay the journal into the new version, swap it live and remove old versions.

        ``replay(name, keys)`` re-indexes the journalled objects from the database.
        """
        with self.write_lock():
            journal = self.root / name / JOURNAL
            if journal.exists():
                keys = list(dict.fromkeys(journal.read_text(encoding="utf-8").splitlines()))
                if keys:
                    replay(name, keys)
                journal.unlink()
            previous = self._read(POINTER)
            self._write_atomically(POINTER, name)
            if self._read(MARKER) == name:
                (self.root / MARKER).unlink()
            self._remove_old_versions(keep={name, previous, self._read(MARKER)})

    def swap_in_empty(self) -> None:
        """Replace the live version by an empty one (``reset``), atomically."""
        with self.write_lock():
            previous = self._read(POINTER)
            name = self.create_version()
            self._write_atomically(POINTER, name)
            self._remove_old_versions(keep={name, previous, self._read(MARKER)})

    def _remove_old_versions(self, keep: set[str | None]) -> None:
        # The previous version stays one more round: other processes may be reading it now.
        for path in self.root.glob("v*"):
            if path.is_dir() and path.name not in keep:
                self.forget(path.name)
                shutil.rmtree(path, ignore_errors=True)


_stores: dict[tuple[str, float], IndexStore] = {}
_stores_lock = threading.Lock()


def get_store(root: Path | str, lock_timeout: float = 60.0) -> IndexStore:
    """The process-wide store for an index path (backends are instantiated on every lookup)."""
    key = (str(Path(root).resolve()), float(lock_timeout))
    with _stores_lock:
        store = _stores.get(key)
        if store is None:
            store = _stores[key] = IndexStore(root, lock_timeout)
        return store

"""Index files read in place from the memory map, not copied into each process.

Whoosh keeps a segment's files in one compound file, memory-mapped; a file opened in it is a
``BufferFile`` over a view of the map, but that view is also copied into a ``BytesIO`` for the
file's sequential reads. Every worker process so held a private copy of the postings and term
files it had opened (about 110 MB of the 115 MB index of 10,000 pages), although the map itself
is shared by every process through the page cache of the kernel. ``ViewBufferFile`` reads
through the view instead; its random-access reads (``get``, which most reading uses) are
Whoosh's own.
"""

from __future__ import annotations

import io

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile


class MemoryViewIO(io.RawIOBase):
    """A read-only, seekable file over a memoryview, without copying it."""

    def __init__(self, view: memoryview):
        super().__init__()
        self._view = view
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            position = offset
        elif whence == io.SEEK_CUR:
            position = self._position + offset
        elif whence == io.SEEK_END:
            position = len(self._view) + offset
        else:
            raise ValueError(f"invalid whence ({whence})")
        if position < 0:
            raise ValueError(f"negative seek position {position}")
        self._position = position
        return position

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        if start >= len(self._view):
            return b""  # past the end: nothing, and the position stays (as BytesIO)
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._position = end
        return self._view[start:end].tobytes()

    def readall(self) -> bytes:
        return self.read(-1)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class ViewBufferFile(BufferFile):
    """Whoosh's BufferFile, its sequential reads through the view rather than a copy."""

    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = MemoryViewIO(memoryview(buf))


def install() -> None:
    """Files opened inside compound segments are ViewBufferFiles (idempotent)."""
    compound.BufferFile = ViewBufferFile

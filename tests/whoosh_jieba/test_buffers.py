"""Segment files are read in place from the memory map (no per-process copy), with the same
bytes and the same file behaviour as Whoosh's BytesIO copy."""

import io
import random

from whoosh import index as whoosh_index
from whoosh.filedb import compound

from whoosh_jieba import buffers
from whoosh_jieba.store import build_schema


def test_memoryview_io_reads_and_seeks_as_bytesio():
    rng = random.Random(5)
    data = bytes(rng.randrange(256) for _ in range(5000))
    ours, theirs = buffers.MemoryViewIO(memoryview(data)), io.BytesIO(data)
    for _ in range(2000):
        op = rng.choice(["read", "seek", "seek_cur", "seek_end", "readinto", "read_all"])
        if op == "read":
            n = rng.randrange(-1, 300)
            assert ours.read(n) == theirs.read(n)
        elif op == "seek":
            n = rng.randrange(0, 6000)
            assert ours.seek(n) == theirs.seek(n)
        elif op == "seek_cur":
            n = rng.randrange(-ours.tell(), 200)
            assert ours.seek(n, io.SEEK_CUR) == theirs.seek(n, io.SEEK_CUR)
        elif op == "seek_end":
            n = rng.randrange(-5000, 10)
            assert ours.seek(n, io.SEEK_END) == theirs.seek(n, io.SEEK_END)
        elif op == "readinto":
            a, b = bytearray(rng.randrange(0, 100)), bytearray(0)
            b = bytearray(len(a))
            assert ours.readinto(a) == theirs.readinto(b)
            assert a == b
        else:
            assert ours.read() == theirs.read()
        assert ours.tell() == theirs.tell()


def test_files_inside_a_compound_segment_are_views_of_the_map(tmp_path):
    buffers.install()
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    writer = ix.writer()
    for n in range(50):
        writer.add_document(ix_id=str(n), ix_pk=str(n), ix_all__t="职称 评审", ix_all__c="职称")
    writer.commit()
    opened = []
    original = compound.CompoundStorage.open_file

    def recording(self, name, *args, **kwargs):
        f = original(self, name, *args, **kwargs)
        opened.append(f)
        return f

    compound.CompoundStorage.open_file = recording
    try:
        with whoosh_index.open_dir(str(tmp_path)).searcher() as searcher:
            assert searcher.doc_count() == 50
            assert len(list(searcher.postings("ix_all__t", "评审").all_ids())) == 50
    finally:
        compound.CompoundStorage.open_file = original
    assert opened
    for f in opened:
        assert isinstance(f, buffers.ViewBufferFile)
        assert isinstance(f.file, buffers.MemoryViewIO)

"""Several writers, and a rebuild, against one index on disk."""

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from whoosh import query as wq

from whoosh_jieba.store import IndexBusyError, IndexStore

WRITER = """
import sys
from whoosh_jieba.store import IndexStore
root, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = IndexStore(root, lock_timeout=60)
for i in range(count):
    doc = {"ix_id": f"{tag}:{i}", "ix_pk": str(i), "ix_ct": "test.doc", "ix_all__t": f"职称评审 {tag} {i}"}
    store.write_live(lambda w: w.update_document(**doc), [f"test.doc\\t{i}"])
"""


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    root = tmp_path / "index"
    IndexStore(root).current_name()  # create it before the race
    base = Path(__file__).resolve().parents[2]
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(root), tag, "30"], cwd=base)
        for tag in ("a", "b")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    searcher = IndexStore(root).searcher()
    assert searcher.doc_count() == 60
    assert len(searcher.search(wq.Term("ix_all__t", "职称"), limit=None)) == 60


def test_a_writer_waits_for_the_lock_then_gives_up_with_a_clear_error(tmp_path):
    store = IndexStore(tmp_path / "index", lock_timeout=0.3)
    store.current_name()
    held = threading.Event()
    release = threading.Event()

    def holder():
        with store.write_lock():
            held.set()
            release.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(5)
    started = time.monotonic()
    with pytest.raises(IndexBusyError, match="搜索索引被其他进程占用"):
        store.write_live(lambda w: w.update_document(ix_id="x:1", ix_pk="1"), [])
    assert time.monotonic() - started >= 0.3
    release.set()
    thread.join()
    store.write_live(lambda w: w.update_document(ix_id="x:1", ix_pk="1"), [])
    assert store.searcher().doc_count() == 1


@pytest.mark.django_db
def test_rebuild_swaps_in_a_new_version_and_keeps_answering(make_page, empty_index):
    from modelsearch.index import get_indexed_models
    from wagtail.models import Page

    from whoosh_jieba.backend import WhooshIndex

    backend = empty_index
    store = backend.store
    make_page("职称评审通知")
    before = store.current_name()

    rebuilder = backend.rebuilder_class(WhooshIndex(backend))
    new_index = rebuilder.start()
    for model in get_indexed_models():
        new_index.add_items(model, list(model.get_indexed_objects()))
    # While the rebuild runs: queries answer from the live version, and a page published now
    # reaches both the live version and (through the journal) the new one.
    assert [p.title for p in Page.objects.search("职称评审")] == ["职称评审通知"]
    make_page("答辩安排")
    assert [p.title for p in Page.objects.search("答辩")] == ["答辩安排"]
    assert store.current_name() == before
    rebuilder.finish()

    assert store.current_name() != before
    assert [p.title for p in Page.objects.search("答辩")] == ["答辩安排"]
    assert [p.title for p in Page.objects.search("职称评审")] == ["职称评审通知"]


@pytest.mark.django_db
def test_queries_answer_throughout_update_index(make_page, empty_index):
    for n in range(30):
        make_page(f"职称评审通知{n}")
    store = empty_index.store
    errors, answers = [], []
    done = threading.Event()

    def query_loop():
        while not done.is_set():
            try:
                hits = store.searcher().search(wq.Term("ix_all__t", "职称"), limit=None)
                answers.append(len(hits))
                time.sleep(0.005)
            except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
                errors.append(exc)

    thread = threading.Thread(target=query_loop)
    thread.start()
    try:
        call_command("update_index", verbosity=0)
        call_command("update_index", verbosity=0)
    finally:
        done.set()
        thread.join()
    assert errors == []
    assert answers and min(answers) >= 30
    assert len(list((store.root).glob("v*"))) <= 2  # old versions are cleaned up

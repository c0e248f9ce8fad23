"""Issuing survives a killed worker: heartbeat per batch, stale runs resumed automatically,
certificates complete and unique, and the admin says 「中断，已自动恢复」."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from approvals.issuing import issue as issuing
from approvals.issuing import lease
from approvals.issuing.issue import issue_approval
from approvals.issuing.tasks import resume_stale
from approvals.models import ApprovalDocument, Certificate, DocumentStatus, private_storage

from .helpers import make_document

pytestmark = pytest.mark.django_db


def killed_mid_batch(document, monkeypatch, *, die_at: int = 4):
    """Run the issuance and 'kill' it at the die_at-th certificate (batches of 2)."""
    real = issuing.produce_certificate
    calls = {"n": 0}

    def dying(job):
        calls["n"] += 1
        if calls["n"] == die_at:
            raise SystemExit("worker killed")  # not an Exception: nothing records an error
        return real(job)

    monkeypatch.setattr(issuing, "produce_certificate", dying)
    monkeypatch.setattr(issuing, "BATCH_SIZE", 2)
    with pytest.raises(SystemExit):
        issue_approval(document)
    monkeypatch.setattr(issuing, "produce_certificate", real)


def age(document, minutes: int) -> None:
    """Make the last heartbeat `minutes` old (as if the worker died that long ago)."""
    ApprovalDocument.objects.filter(pk=document.pk).update(
        issuing_heartbeat_at=timezone.now() - dt.timedelta(minutes=minutes)
    )


def test_each_batch_beats_and_the_lease_is_released_when_issued(
    authority, signing_key, monkeypatch
):
    document = make_document(authority, 5)
    beats = []
    real_store = issuing._store_batch

    def spying(doc, outputs):
        real_store(doc, outputs)
        fresh = ApprovalDocument.objects.get(pk=doc.pk)
        beats.append((fresh.issuing_heartbeat_at, fresh.issuing_lease_owner))

    monkeypatch.setattr(issuing, "_store_batch", spying)
    monkeypatch.setattr(issuing, "BATCH_SIZE", 2)
    issued = issue_approval(document)
    assert len(beats) == 3
    assert all(beat is not None and owner for beat, owner in beats)
    assert beats[0][0] <= beats[1][0] <= beats[2][0]
    assert issued.issuing_lease_owner == "" and issued.issuing_heartbeat_at is None
    assert issued.issuing_resume_count == 0


def test_a_killed_run_is_resumed_and_finishes_with_nothing_duplicated(
    authority, signing_key, monkeypatch
):
    document = make_document(authority, 7)
    killed_mid_batch(document, monkeypatch)
    document.refresh_from_db()
    assert document.status == DocumentStatus.ISSUING and document.progress_done == 2
    # A live run (fresh heartbeat) is left alone.
    assert resume_stale() == []
    age(document, 11)
    assert resume_stale() == [document.pk]  # the queue (immediate in tests) runs it
    document.refresh_from_db()
    assert document.status == DocumentStatus.ISSUED
    assert document.issuing_resume_count == 1 and document.issuing_resumed_at is not None
    numbers = list(Certificate.objects.filter(document=document).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 7
    assert sorted(numbers) == [f"TOUTUNHE-2024-{i:06d}" for i in range(1, 8)]
    assert document.persons.filter(certificate__isnull=True).count() == 0
    # Files: exactly one per certificate; those of the killed batch were cleaned up.
    _dirs, files = private_storage().listdir(f"approvals/certificates/{document.pk}")
    assert len(files) == 7
    # Nothing left to resume.
    age(document, 60)
    assert resume_stale() == []


def test_two_resumers_claim_a_stale_issuance_once(authority, signing_key, monkeypatch):
    document = make_document(authority, 4)
    killed_mid_batch(document, monkeypatch, die_at=3)
    age(document, 30)
    assert lease.claim(document.pk) is True
    assert lease.claim(document.pk) is False  # the first claim's heartbeat is fresh


def test_scheduler_command_resumes_and_admin_shows_it(
    authority, signing_key, monkeypatch, admin_client, settings
):
    document = make_document(authority, 3)
    killed_mid_batch(document, monkeypatch, die_at=3)
    age(document, 15)
    settings.SCHEDULER_JOBS = [("resume_issuing", 300)]
    call_command("run_scheduler", "--once")
    document.refresh_from_db()
    assert document.status == DocumentStatus.ISSUED
    assert document.issuing_state_label == "已签发（中断，已自动恢复）"
    html = admin_client.get(reverse("approval_documents:inspect", args=[document.pk])).content
    assert "中断，已自动恢复" in html.decode()


def test_stale_threshold_is_configurable(authority, signing_key, monkeypatch, settings):
    document = make_document(authority, 3)
    killed_mid_batch(document, monkeypatch, die_at=3)
    settings.APPROVALS_ISSUING_STALE_MINUTES = 30
    age(document, 15)
    assert resume_stale() == []
    age(document, 31)
    assert resume_stale() == [document.pk]

"""No duplicates: one person (ID hash) holds at most one valid certificate per qualification and
level, and appears at most once in a document."""

from __future__ import annotations

from dataclasses import dataclass

from approvals.models import (
    PUBLIC_DOCUMENT_STATUSES,
    ApprovedPerson,
    Certificate,
    CertificateStatus,
    DocumentStatus,
)


class DuplicateError(Exception):
    """A person would hold a second valid certificate (Chinese message naming it)."""


@dataclass(frozen=True)
class Conflict:
    name: str
    qualification: str
    level: str
    detail: str  # what they already hold, e.g. 已持有有效证书 TOUTUNHE-2024-000001
    person_id: int | None = None  # the ApprovedPerson row, when the persons are rows
    overridable: bool = True  # twice in one list is never right

    def message(self) -> str:
        return f"{self.name}（{self.qualification}，{self.level}）{self.detail}，不能重复发证"


def conflicts(persons, *, exclude_document_id: int | None = None) -> list[Conflict]:
    """Conflicts of `persons` (objects with id_hash, name, qualification, level) with valid
    certificates, with documents on their way to issuing, and with each other."""
    persons = [p for p in persons if p.id_hash]
    found: list[Conflict] = []
    hashes = {p.id_hash for p in persons}
    valid = Certificate.objects.filter(
        id_hash__in=hashes,
        status=CertificateStatus.VALID,
        document__status__in=(*PUBLIC_DOCUMENT_STATUSES, DocumentStatus.ISSUING),
    ).exclude(document__status=DocumentStatus.SUPERSEDED)
    if exclude_document_id:
        valid = valid.exclude(document_id=exclude_document_id)
    held = {(c.id_hash, c.qualification, c.level): f"已持有有效证书 {c.number}" for c in valid}
    # Persons of other documents already submitted or being issued (not yet certificates).
    pending = ApprovedPerson.objects.filter(
        id_hash__in=hashes,
        document__status__in=(DocumentStatus.SUBMITTED, DocumentStatus.ISSUING),
        certificate__isnull=True,
    ).select_related("document")
    if exclude_document_id:
        pending = pending.exclude(document_id=exclude_document_id)
    for other in pending:
        key = (other.id_hash, other.qualification, other.level)
        held.setdefault(key, f"已列入待签发的文件“{other.document.title}”")
    seen: set[tuple[str, str, str]] = set()
    for person in persons:
        key = (person.id_hash, person.qualification, person.level)
        person_id = person.pk if isinstance(person, ApprovedPerson) else None
        if key in seen:
            found.append(
                Conflict(
                    person.name, person.qualification, person.level, "在本名单中重复出现",
                    person_id, overridable=False,
                )
            )  # fmt: skip
        elif key in held and not getattr(person, "duplicate_override_reason", ""):
            found.append(
                Conflict(person.name, person.qualification, person.level, held[key], person_id)
            )
        seen.add(key)
    return found


def check(persons, *, exclude_document_id: int | None = None) -> None:
    """Raise DuplicateError listing every conflict (a recorded override lifts one)."""
    found = conflicts(persons, exclude_document_id=exclude_document_id)
    if found:
        raise DuplicateError("；".join(conflict.message() for conflict in found) + "。")

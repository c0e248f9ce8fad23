"""website.people: one definition of the person fields and one way to copy them."""

from __future__ import annotations

from approvals.issuing.issue import CertificateJob
from approvals.models import ApprovedPerson, Certificate
from publicity.models import PublicityEntry
from publicity.roster import RosterRow
from website.choices import Gender, ReviewType
from website.people import PERSON_FIELDS, PersonFields, copy_person, person_field_names

ROW = RosterRow(
    row_number=2, sort_order=1, name="王小明", gender="男", ethnicity="汉族",
    unit="某单位", series="工程", specialty="土木", level="中级", qualification="工程师",
    review_type=ReviewType.INITIAL, id_hash="a" * 64, id_masked="650102********123X",
    birth_month="1985-06",
)  # fmt: skip


def test_every_person_model_takes_its_fields_from_one_place():
    for model in (PublicityEntry, ApprovedPerson, Certificate):
        assert issubclass(model, PersonFields)
        for name in person_field_names(model):
            assert model._meta.get_field(name).max_length  # all are text columns
    assert person_field_names(ApprovedPerson) == PERSON_FIELDS
    assert person_field_names(Certificate) == PERSON_FIELDS
    # No model keeps birth data beside the ID hash and mask (issue 13).
    for model in (PublicityEntry, ApprovedPerson, Certificate):
        assert "birth_month" not in {f.name for f in model._meta.get_fields()}
    assert PublicityEntry._meta.get_field("gender").choices == Gender.choices
    assert Certificate._meta.get_field("review_type").choices == ReviewType.choices


def test_copy_person_carries_every_field_from_row_to_entry_to_person_to_certificate():
    entry = copy_person(PublicityEntry, ROW, sort_order=ROW.sort_order)
    assert (entry.name, entry.review_type, entry.id_hash) == ("王小明", "初定", "a" * 64)
    person = copy_person(ApprovedPerson, ROW, sort_order=3)
    certificate = copy_person(Certificate, person, number="X-1")
    for name in PERSON_FIELDS:
        assert getattr(certificate, name) == getattr(ROW, name), name
    assert "birth_month" not in PERSON_FIELDS
    assert certificate.number == "X-1" and person.sort_order == 3


def test_copy_person_into_a_dataclass_takes_only_its_fields():
    person = copy_person(ApprovedPerson, ROW)
    extra = dict.fromkeys(
        ["number", "id_number", "review_committee", "document_number", "authority_name",
         "seal_text", "seal_purpose", "key_id"], "",
    )  # fmt: skip
    job = copy_person(CertificateJob, person, person_id=1, date=None, birth_month="", **extra)
    assert (job.name, job.id_masked) == ("王小明", ROW.id_masked)
    assert not hasattr(job, "id_hash")  # the hash never travels to the PDF workers

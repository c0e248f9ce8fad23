"""Test data from factories (factory_boy / wagtail-factories).

Every factory makes a valid object with the fewest choices a test has to state; a test says
only what matters to it (``PublicityEntryFactory(publicity=page, name="王小明")``). ID numbers are
generated (random region code, birth date and sequence, computed GB 11643 check character),
never copied from real people; the stored forms come from the production hash and mask.

Pages need a parent: pass ``parent=`` (wagtail-factories adds the page as its child).
"""

from __future__ import annotations

import datetime as dt
import random

import factory
import wagtail_factories
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

# County-level administrative division codes (GB/T 2260) used for generated ID numbers.
REGION_CODES = (
    "110101", "120101", "310101", "320102", "330102", "370102", "440103", "510104",
    "610102", "650102", "650103", "650104", "650105", "650106", "650109", "652801",
    "652301", "654002", "653101", "652901",
)  # fmt: skip
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_rng = random.Random(11643)


def gb11643_check(first17: str) -> str:
    """The check character of GB 11643 (ISO 7064 MOD 11-2), computed here on purpose: the
    tests' numbers do not depend on the code under test to be valid."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def chinese_id_number(
    *,
    birth: dt.date | None = None,
    region: str | None = None,
    sequence: int | None = None,
    gender: str | None = None,
    rng: random.Random = _rng,
) -> str:
    """A valid 18-character resident ID number; ``gender`` "男"/"女" fixes the sequence's parity."""
    region = region or rng.choice(REGION_CODES)
    birth = birth or dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 40))
    sequence = rng.randrange(1000) if sequence is None else sequence % 1000
    if gender is not None and (sequence % 2 == 1) != (gender == "男"):
        sequence = sequence ^ 1
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + gb11643_check(first17)


def unique_id_number(n: int) -> str:
    """A valid ID number that differs for each ``n`` (for factory sequences)."""
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=(n * 37) % (365 * 30))
    return chinese_id_number(birth=birth, sequence=n, rng=random.Random(n))


def stored_id(number: str) -> dict[str, str]:
    """The forms the platform stores for an ID number: hash, mask, birth month, gender."""
    from website.identity import from_id_number

    return from_id_number(number)


# -- website ---------------------------------------------------------------------------------


class AuthorityFactory(DjangoModelFactory):
    class Meta:
        model = "website.Authority"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"测试{n}区人力资源和社会保障局")
    short_name = factory.Sequence(lambda n: f"测试{n}区人社局")
    slug = factory.Sequence(lambda n: f"authority-{n}")
    region = "新疆维吾尔自治区"
    document_number_format = factory.Sequence(lambda n: f"测{n}人社〔{{year}}〕{{n}}号")
    seal_text = factory.SelfAttribute("name")
    seal_purpose = "职称评审专用章"


class SeriesFactory(DjangoModelFactory):
    class Meta:
        model = "website.Series"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试系列{n}")
    sort_order = factory.Sequence(int)


class UserFactory(DjangoModelFactory):
    """A user; ``groups=["Editors"]`` puts them in those groups (created when missing)."""

    class Meta:
        model = "auth.User"
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.cn")
    password = factory.django.Password("pw-test-123")
    is_staff = False
    is_superuser = False

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        if create and names:
            self.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in names))


def role_user(
    username: str,
    *roles,
    authority=None,
    full_name: str = "",
    bind: str = "user",
    password: str = "pw-123456",
):
    """A user in the default group of each role, acting for ``authority``: bound as a user
    (default), or through the group itself (``bind="group"``: everyone in the group then acts
    for that authority). ``full_name`` goes into first_name, as a Chinese name is written."""
    from django.contrib.auth import get_user_model

    from website.roles import AuthorityRole, ensure_role_groups

    groups = ensure_role_groups()
    user = get_user_model().objects.create_user(
        username, f"{username}@example.cn", password, first_name=full_name
    )
    for role in roles:
        group = groups[role]
        user.groups.add(group)
        if authority is None:
            continue
        if bind == "group":
            AuthorityRole.objects.get_or_create(group=group, authority=authority, role=role)
        else:
            AuthorityRole.objects.get_or_create(user=user, authority=authority, role=role)
    return user


def client_for(user):
    """A test client logged in as ``user``."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


# -- notices ---------------------------------------------------------------------------------


def page_maker(default_parent):
    """``make(title, parent=None, live=True, page_class=Page)``: a child page of
    ``default_parent`` (or ``parent``) with a unique slug, published unless ``live`` is false."""
    from wagtail.models import Page

    counter = iter(range(1, 1_000_000))

    def make(title, parent=None, live=True, page_class=Page):
        page = page_class(title=title, slug=f"p{next(counter)}", live=False)
        (parent or default_parent).add_child(instance=page)
        if live:
            page.save_revision().publish()
            page.refresh_from_db()
        return page

    return make


class NoticePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = "notices.NoticePage"

    title = factory.Sequence(lambda n: f"关于开展2024年度职称评审工作的通知（{n}）")
    slug = factory.Sequence(lambda n: f"notice-{n}")
    review_year = 2024
    authority = factory.SubFactory(AuthorityFactory)
    summary = "现就做好本年度职称评审工作有关事项通知如下。"


class TemplatePageFactory(wagtail_factories.PageFactory):
    """An attachment template without a body: no generated downloads unless one is given."""

    class Meta:
        model = "notices.TemplatePage"

    summary = "申报人填写，一式两份。"
    title = factory.Sequence(lambda n: f"附件{n}：职称评审申报表")
    slug = factory.Sequence(lambda n: f"template-{n}")


# -- publicity -------------------------------------------------------------------------------


class PublicityPageFactory(wagtail_factories.PageFactory):
    """A publicity page (not published: call ``page.save_revision().publish()`` when needed)."""

    class Meta:
        model = "publicity.PublicityPage"

    title = factory.Sequence(lambda n: f"测试公示{n}")
    slug = factory.Sequence(lambda n: f"test-publicity-{n}")
    authority = factory.SubFactory(AuthorityFactory)
    review_committee = "工程系列中级评审委员会"
    start_date = dt.date(2023, 11, 1)
    objection_contact = "电话：0991—3757772"


class PublicityIndexPageFactory(wagtail_factories.PageFactory):
    """The 公示 column (one per site)."""

    class Meta:
        model = "publicity.PublicityIndexPage"

    title = "评审结果公示"
    slug = "publicity"


class PersonFactory(DjangoModelFactory):
    """The person fields shared by publicity entries and approved persons; ``id_number=`` gives
    the (unstored) ID number, whose hash, mask and gender are stored."""

    class Meta:
        abstract = True
        exclude = ("stored",)

    class Params:
        id_number = factory.Sequence(unique_id_number)

    sort_order = factory.Sequence(int)
    stored = factory.LazyAttribute(lambda person: stored_id(person.id_number))
    gender = factory.LazyAttribute(lambda person: person.stored["gender"])
    unit = "新疆某某建设工程有限公司"
    series = "工程系列"
    specialty = "建筑工程"
    level = "中级"
    qualification = "工程师"
    review_type = "评审"
    id_hash = factory.LazyAttribute(lambda person: person.stored["id_hash"])
    id_masked = factory.LazyAttribute(lambda person: person.stored["id_masked"])


class PublicityEntryFactory(PersonFactory):
    """One name on a publicity list."""

    class Meta:
        model = "publicity.PublicityEntry"

    publicity = factory.SubFactory(PublicityPageFactory)
    name = factory.Sequence(lambda n: f"姓名{n}")


class ObjectionFactory(DjangoModelFactory):
    class Meta:
        model = "publicity.Objection"

    entry = factory.SubFactory(PublicityEntryFactory)
    contact = "13800000000"
    facts = "该同志申报材料中的业绩与实际不符。"


# -- approvals -------------------------------------------------------------------------------


class ApprovalDocumentFactory(DjangoModelFactory):
    """A draft document; ``persons=3`` adds three approved persons."""

    class Meta:
        model = "approvals.ApprovalDocument"
        skip_postgeneration_save = True

    authority = factory.SubFactory(AuthorityFactory)
    title = "关于王小明等同志取得工程师资格的通知"
    addressees = "区属各企业"
    body = "经评审委员会评审，下列同志取得相应专业技术职务任职资格。\n\n特此通知。"
    date = dt.date(2024, 9, 1)
    review_committee = "工程系列中级专业技术职务任职资格评审委员会"

    @factory.post_generation
    def persons(self, create, count, **kwargs):
        if count:
            make = ApprovedPersonFactory.create if create else ApprovedPersonFactory.build
            for i in range(count):
                make(document=self, sort_order=i, **kwargs)


class ApprovedPersonFactory(PersonFactory):
    """One person of an approval document."""

    class Meta:
        model = "approvals.ApprovedPerson"

    document = factory.SubFactory(ApprovalDocumentFactory)
    name = "王小明"


class CertificateFactory(DjangoModelFactory):
    """A certificate row of an issued document (no signed PDF: for lookups, not for checks
    of the PDF itself — issue a document for those)."""

    class Meta:
        model = "approvals.Certificate"

    document = factory.SubFactory(ApprovalDocumentFactory, status="issued")
    number = factory.Sequence(lambda n: f"TEST-2024-{n + 1:06d}")
    name = "王小明"
    series = "工程系列"
    specialty = "建筑工程"
    qualification = "工程师"
    level = "中级"
    date = dt.date(2024, 9, 1)
    pdf = factory.Sequence(lambda n: f"approvals/certificates/test-{n}.pdf")
    pdf_sha256 = factory.Sequence(lambda n: f"{n:064x}")


class SigningKeyFactory(DjangoModelFactory):
    """A real signing key for an authority, made by the platform's own key helpers (under the
    platform CA, created when missing); it becomes the authority's active key."""

    class Meta:
        model = "approvals.SigningKey"

    authority = factory.SubFactory(AuthorityFactory)

    @classmethod
    def _create(cls, model_class, authority, **kwargs):
        from approvals.crypto.keys import create_signing_key

        return create_signing_key(authority, **kwargs)


# -- roster files (申报人员花名册) ----------------------------------------------------------------

ROSTER_HEADER = [
    "序号", "姓名", "性别", "族别", "政治面貌", "身份证号码", "现任专业技术职务",
    "获现任专业技术职务时间", "拟晋升专业技术职务", "工作单位", "是否通过", "备注",
]  # fmt: skip


def roster_row(
    n: int, name: str, number: str, gender: str, qualification: str, passed: str, remark: str
) -> list[str]:
    """One row of a roster file, in ROSTER_HEADER's columns."""
    return [str(n), name, gender, "汉族", "群众", number, "助理工程师", "2018年6月",
            qualification, "新疆天山建材工程有限公司", passed, remark]  # fmt: skip


def roster_csv(rows, *, title: str, header=ROSTER_HEADER, encoding: str = "utf-8-sig") -> bytes:
    """A roster as CSV: a title line, the header, the rows."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([title])
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def roster_xlsx(rows, *, title: str, header=ROSTER_HEADER) -> bytes:
    """A roster as an XLSX workbook: a title line, the header, the rows."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

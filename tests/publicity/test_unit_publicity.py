"""推荐单位公示: the employer's own publicity and its result, computed by the calendar."""

import datetime
import io

import pytest
from django.urls import reverse

from publicity import unit_publicity
from publicity.unit_publicity import Applicant, UnitPublicityError

pytestmark = pytest.mark.django_db
D = datetime.date
XJ = "新疆维吾尔自治区"
URL = "publicity:unit_publicity"


@pytest.fixture
def notice(home_page):
    from notices.demo import ensure_index_pages
    from notices.models import NoticePage, NoticePhase
    from website.models import Authority

    index, _templates = ensure_index_pages()
    page = NoticePage(
        title="关于开展2025年度工程系列中级职称评审工作的通知",
        slug="unit-publicity-notice",
        review_year=2025,
        authority=Authority.objects.get(slug="toutunhe"),
    )
    page.phases = [
        NoticePhase(
            kind="申报", label="网上申报", start_date=D(2025, 5, 20), end_date=D(2025, 6, 12)
        )
    ]
    index.add_child(instance=page)
    return page


PEOPLE = "阿依古丽·买买提\t女\t助理工程师\t工程师\t\n张伟,男,助理工程师,工程师,转评\n"


def form_data(notice, **changes):
    data = {
        "notice": notice.pk,
        "unit": "新疆某某建设工程有限公司",
        "region": XJ,
        "start": "2025-06-04",
        "working_days": "5",
        "contact": "李明",
        "phone": "0991-1234567",
        "applicants": PEOPLE,
        "action": "check",
    }
    data.update(changes)
    return data


def test_period_follows_xinjiang_and_warns_after_the_deadline(notice):
    people = unit_publicity.applicants_from_text(PEOPLE)
    publicity = unit_publicity.build(
        notice=notice, unit="某公司", region=XJ, start=D(2025, 6, 4), working_days=5,
        applicants=people, contact="李明", phone="1",
    )  # fmt: skip
    assert publicity.period.end == D(2025, 6, 13)  # 古尔邦节 6/6–10
    assert publicity.deadline == D(2025, 6, 12)
    assert publicity.period_sentence == "公示时间从2025年6月4日起至2025年6月13日止（5个工作日）。"
    assert any("晚于通知规定的申报截止日期2025年6月12日" in w for w in publicity.warnings)
    # Starting by 6/3 ends 6/12: 6/3, 6/4, 6/5, 6/11, 6/12.
    assert publicity.latest_start == D(2025, 6, 3)
    assert publicity.result_date == D(2025, 6, 16)
    in_time = unit_publicity.build(
        notice=notice, unit="某公司", region="北京市", start=D(2025, 6, 4), working_days=5,
        applicants=people, contact="李明", phone="1",
    )  # fmt: skip
    assert in_time.period.end == D(2025, 6, 10) and in_time.warnings == []


def test_applicants_from_text():
    people = unit_publicity.applicants_from_text(PEOPLE)
    assert people == [
        Applicant("阿依古丽·买买提", "女", "助理工程师", "工程师", ""),
        Applicant("张伟", "男", "助理工程师", "工程师", "转评"),
    ]
    with pytest.raises(UnitPublicityError, match="第1行"):
        unit_publicity.applicants_from_text("650102199001011234 张三")


def test_applicants_from_the_roster_template_never_read_id_numbers():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["申报人员花名册"])
    sheet.append(
        ["序号", "姓名", "性别", "身份证号码", "现任专业技术职务", "拟晋升专业技术职务", "备注"]
    )
    sheet.append([1, "王芳", "女", "650102199001011234", "助理工程师", "工程师", "评审"])
    sheet.append([None, None, None, None, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    people = unit_publicity.applicants_from_roster(buffer.getvalue(), "roster.xlsx")
    assert people == [Applicant("王芳", "女", "助理工程师", "工程师", "评审")]
    assert "650102" not in repr(people)


def test_the_page_computes_the_period_and_stores_nothing(client, notice):
    from publicity.models import PublicityEntry

    page = client.get(reverse(URL), {"notice": notice.pk})
    assert page.status_code == 200
    assert "no-cache" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    response = client.post(reverse(URL), form_data(notice))
    content = response.content.decode()
    assert response.status_code == 200
    assert "公示时间从2025年6月4日起至2025年6月13日止（5个工作日）。" in content
    assert "2025年6月9日（星期一）</time> 古尔邦节" in content
    assert "晚于通知规定的申报截止日期2025年6月12日" in content
    assert "max-age=0" in response["Cache-Control"]
    assert PublicityEntry.objects.count() == 0


def test_download_the_publicity_as_docx(client, notice):
    import docx

    response = client.post(reverse(URL), form_data(notice, action="notice_docx"))
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert "attachment" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "新疆某某建设工程有限公司关于2025年度职称评审推荐人选的公示" in text
    assert "公示时间从2025年6月4日起至2025年6月13日止（5个工作日）。" in text
    assert "《关于开展2025年度工程系列中级职称评审工作的通知》" in text
    cells = [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert "阿依古丽·买买提" in cells and "转评" in cells


def test_download_the_result_as_pdf(client, notice):
    from pypdf import PdfReader

    response = client.post(
        reverse(URL),
        form_data(notice, action="result_pdf", objections="公示期间收到异议1件，经核实不成立"),
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "公示结果" in text.replace("\n", "")
    assert "经核实不成立" in text.replace("\n", "")
    assert "2025年6月16日" in text.replace("\n", "")  # announced the next working day


def test_errors_are_chinese_and_nothing_is_lost(client, notice):
    response = client.post(reverse(URL), form_data(notice, applicants="", working_days="3"))
    content = response.content.decode()
    assert response.status_code == 400
    assert "请填写申报人员" in content
    assert "新疆某某建设工程有限公司" in content  # the unit typed stays in the form
    unknown = client.post(reverse(URL), form_data(notice, start="2027-03-01"))
    assert unknown.status_code == 400
    assert "《国务院办公厅关于2027年部分节假日安排的通知》" in unknown.content.decode()


def test_notice_page_links_to_the_generator(client, notice):
    content = client.get(notice.url).content.decode()
    assert f"{reverse(URL)}?notice={notice.pk}" in content


def test_roster_upload_fills_the_applicants_box(client, notice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = "姓名,性别,身份证号码,现任专业技术职务,拟晋升专业技术职务,备注\n王芳,女,650102199001011234,助理工程师,工程师,评审\n"
    upload = SimpleUploadedFile("花名册.csv", csv.encode("utf-8"))
    response = client.post(reverse(URL), {**form_data(notice, applicants=""), "roster": upload})
    content = response.content.decode()
    assert response.status_code == 200
    assert "王芳\t女\t助理工程师\t工程师\t评审" in content
    assert "650102" not in content
    bad = SimpleUploadedFile("花名册.xls", b"\xd0\xcf\x11\xe0" + b"0" * 100)
    refused = client.post(reverse(URL), {**form_data(notice, applicants=""), "roster": bad})
    assert refused.status_code == 400 and "不支持旧版 Excel" in refused.content.decode()

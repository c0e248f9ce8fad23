"""Rendering of every page type, the timeline on a frozen day, feeds, calendar, downloads."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10):
    return time_machine.travel(dt.datetime(year, month, day, hour, tzinfo=SHANGHAI), tick=False)


def test_notice_page_timeline_on_a_frozen_day(client, bayingol_notice):
    with at(2023, 9, 27):
        html = client.get("/notices/2023-bayingol/").content.decode()
    assert html.count("<h1") == 1
    assert "时间安排" in html
    # 纸质材料报送 runs 9月26日—10月5日: open, 8 days left; 网上申报 closed; others upcoming.
    current = html.split('timeline__item--current"')[1].split("</li>")[0]
    assert "纸质材料报送" in current and "badge--current" in current
    assert "距截止还剩 8 天" in current
    assert html.count("timeline__item--current") == 1
    assert html.count("timeline__item--past") == 1
    assert html.count("timeline__item--upcoming") == 2
    assert "2023年9月26日 — 2023年10月5日" in html


def test_notice_page_late_night_uses_shanghai_date(client, bayingol_notice):
    # 2023-10-05 23:30 in Shanghai is still 10月5日 although UTC has another day's date… and
    # 2023-10-06 01:00 in Shanghai is 10月6日 while UTC is still 10月5日.
    with at(2023, 10, 6, 1):
        html = client.get("/notices/2023-bayingol/").content.decode()
    assert "距截止还剩" not in html
    with at(2023, 10, 5, 23):
        html = client.get("/notices/2023-bayingol/").content.decode()
    assert "今天截止" in html


def test_to_be_announced_phase_shown_as_such(client, toutunhe_notice):
    html = client.get(toutunhe_notice.url).content.decode()
    assert html.count("timeline__item--tba") == 2
    assert "时间另行通知" in html


def test_notice_page_content(client, bayingol_notice):
    html = client.get("/notices/2023-bayingol/").content.decode()
    assert "各县（市）人社局" in html
    assert "一、评审范围" in html and "八、注意事项" in html
    assert "380 元/人" in html
    assert "薛晓龙、王荣珍" in html and 'href="tel:13070000022"' in html
    assert "推荐单位公示（模板）" in html
    assert "（PDF，" in html and " KB）" in html
    assert "2023年8月14日" in html
    assert f'href="/notices/{bayingol_notice.pk}/calendar.ics"' in html
    assert "notice-print.css" in html


def test_attachment_without_file_is_listed(client, toutunhe_notice):
    html = client.get(toutunhe_notice.url).content.decode()
    assert "主管单位推荐意见（模板）" in html
    assert html.count("文件待补充") == 5


def test_index_lists_filters_and_paginates(client, bayingol_notice, toutunhe_notice):
    html = client.get("/notices/").content.decode()
    assert bayingol_notice.title in html and toutunhe_notice.title in html
    html = client.get("/notices/?authority=toutunhe").content.decode()
    assert toutunhe_notice.title in html and bayingol_notice.title not in html
    # bayingol names 中、初级; toutunhe names no level, so it covers every level.
    html = client.get("/notices/?level=中级").content.decode()
    assert bayingol_notice.title in html and toutunhe_notice.title in html
    html = client.get("/notices/?level=副高级").content.decode()
    assert toutunhe_notice.title in html and bayingol_notice.title not in html
    html = client.get("/notices/?year=2022").content.decode()
    assert "没有符合条件的通知" in html
    assert client.get("/notices/?page=abc").status_code == 200
    assert client.get("/notices/?page=99").status_code == 200


def test_index_filter_drop_downs_offer_the_choices_and_keep_the_one_asked_for(
    client, bayingol_notice, toutunhe_notice
):
    series = bayingol_notice.series.first() or toutunhe_notice.series.first()
    html = client.get(
        f"/notices/?year={toutunhe_notice.review_year}&authority=toutunhe"
        f"&series={series.pk}&level=中级"
    ).content.decode()
    year = toutunhe_notice.review_year
    assert f'<option value="{year}" selected>{year}年度</option>' in html
    assert '<option value="toutunhe" selected>' in html
    assert '<option value="bayingol">' in html
    assert f'<option value="{series.pk}" selected>{series.name}</option>' in html
    assert '<option value="中级" selected>中级</option>' in html
    assert '<option value="副高级">副高级</option>' in html


def test_index_query_count_is_bounded(client, django_assert_max_num_queries, columns):
    from .conftest import import_seed

    import_seed("2023-bayingol-engineering-notice.txt", "bayingol")
    client.get("/notices/")  # warm caches (site root, content types)
    with django_assert_max_num_queries(20) as one:
        client.get("/notices/")
    import_seed("2023-toutunhe-engineering-notice.txt", "toutunhe")
    import_seed("2024-toutunhe-ftz-notice.txt", "toutunhe")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/notices/")


def test_notice_page_query_count_is_bounded(client, django_assert_max_num_queries, bayingol_notice):
    client.get(bayingol_notice.url)
    with django_assert_max_num_queries(40):
        client.get(bayingol_notice.url)


def test_home_section_shows_latest_and_open_phases(client, bayingol_notice):
    with at(2023, 9, 1):
        html = client.get("/").content.decode()
    assert bayingol_notice.title in html
    assert "正在进行" in html and "网上申报" in html and "距截止还剩 24 天" in html
    with at(2024, 1, 1):
        html = client.get("/").content.decode()
    assert "open-phases" not in html


def test_template_index_and_page(client, bayingol_notice):
    html = client.get("/downloads/").content.decode()
    assert "个人承诺书" in html and "（XLSX，" in html
    html = client.get("/downloads/2023-bayingol-attachment-1/").content.decode()
    assert html.count("<h1") == 1
    assert 'class="blank"' in html and "××" not in html
    assert 'class="blank blank--sign"' in html
    html = client.get("/downloads/2023-bayingol-attachment-5/").content.decode()
    assert "获现任专业技术职务时间" in html and "初定/授予/评审" in html


def test_template_downloads(client, bayingol_notice):
    import docx
    import openpyxl
    from pypdf import PdfReader

    from notices.models import TemplatePage

    promise = TemplatePage.objects.get(slug="2023-bayingol-attachment-3")
    response = client.get(f"/downloads/{promise.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "个人承诺书" in text and "本人承诺以上填报的内容" in text.replace("\n", "")

    response = client.get(f"/downloads/{promise.pk}/docx/")
    document = docx.Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == "个人承诺书"
    assert any("签字：（承诺人）" in p.text for p in document.paragraphs)

    roster = TemplatePage.objects.get(slug="2023-bayingol-attachment-5")
    response = client.get(f"/downloads/{roster.pk}/xlsx/")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(row for row in rows if row[0] == "序号")
    assert list(header) == [
        "序号", "姓名", "性别", "族别", "政治面貌", "身份证号码", "现任专业技术职务",
        "获现任专业技术职务时间", "拟晋升专业技术职务", "工作单位", "是否通过", "备注",
    ]  # fmt: skip
    assert len(rows) >= rows.index(header) + 20
    # A template that is not a roster has no spreadsheet.
    assert client.get(f"/downloads/{promise.pk}/xlsx/").status_code == 404
    assert client.get(f"/downloads/{promise.pk}/exe/").status_code == 404


def test_draft_template_is_not_downloadable(client, columns):
    from notices.models import TemplatePage

    from .conftest import import_seed

    import_seed("2023-bayingol-engineering-notice.txt", "bayingol", publish=False)
    draft = TemplatePage.objects.first()
    assert client.get(f"/downloads/{draft.pk}/pdf/").status_code == 404


def test_generated_file_changes_with_content(bayingol_notice):
    from notices.downloads import generated_file
    from notices.models import TemplatePage

    page = TemplatePage.objects.get(slug="2023-bayingol-attachment-3")
    before = generated_file(page, "docx")
    page.body = [("paragraph", "本人承诺所填内容真实。")]
    after = generated_file(page, "docx")
    assert before != after


def test_pdf_refuses_characters_missing_from_the_font(bayingol_notice):
    from pypdf import PdfReader

    from notices.downloads import render_pdf
    from notices.models import TemplatePage
    from website.pdf.fonts import MissingGlyphError

    page = TemplatePage.objects.get(slug="2023-bayingol-attachment-3")
    page.body = [("paragraph", "联系人：郭元𠅤")]  # Extension B: drawn from the fallback face
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(page))).pages)
    assert "郭元𠅤" in text
    page.body = [("paragraph", "联系人：郭元\ue000")]  # no font has a private-use character
    with pytest.raises(MissingGlyphError, match="U\\+E000"):
        render_pdf(page)


def test_calendar_parses_back(client, bayingol_notice, toutunhe_notice):
    import icalendar

    response = client.get(f"/notices/{bayingol_notice.pk}/calendar.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = [c for c in calendar.walk("VEVENT")]
    assert [(str(e["SUMMARY"]), e["DTSTART"].dt, e["DTEND"].dt) for e in events] == [
        ("网上申报（2023年度 巴州工程系列评委会）", dt.date(2023, 8, 21), dt.date(2023, 9, 26)),
        ("纸质材料报送（2023年度 巴州工程系列评委会）", dt.date(2023, 9, 26), dt.date(2023, 10, 6)),
        ("缴费（2023年度 巴州工程系列评委会）", dt.date(2023, 10, 8), dt.date(2023, 10, 16)),
        ("答辩（2023年度 巴州工程系列评委会）", dt.date(2023, 10, 20), dt.date(2023, 10, 31)),
    ]
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    assert "拟定时间，地点另行通知" in str(events[3]["DESCRIPTION"])
    assert all(len(line.encode()) <= 75 for line in response.content.decode().split("\r\n"))
    # 另行通知 and undated phases have no event.
    calendar = icalendar.Calendar.from_ical(
        client.get(f"/notices/{toutunhe_notice.pk}/calendar.ics").content
    )
    assert len(calendar.walk("VEVENT")) == 1


def test_ics_escaping_and_folding():
    import icalendar

    from notices.ics import CalendarEvent, build_calendar

    summary = "职称" * 40 + "，a,b;c\\d"
    event = CalendarEvent(
        "u1@example.org", summary, dt.date(2024, 3, 1), dt.date(2024, 3, 1), "一\n二"
    )
    body = build_calendar("通知,日程;表", [event], dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    assert "通知\\,日程\\;表" in body.decode()
    parsed = icalendar.Calendar.from_ical(body)
    (vevent,) = parsed.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == summary
    assert str(vevent["DESCRIPTION"]) == "一\n二"
    assert vevent["DTEND"].dt == dt.date(2024, 3, 2)


def test_feeds(client, bayingol_notice, toutunhe_notice):
    import xml.etree.ElementTree as ET

    rss = ET.fromstring(client.get("/notices/feed/rss/").content)
    titles = [item.findtext("title") for item in rss.iter("item")]
    assert set(titles) == {bayingol_notice.title, toutunhe_notice.title}
    links = [item.findtext("link") for item in rss.iter("item")]
    assert any(link.endswith("/notices/2023-bayingol/") for link in links)
    atom = ET.fromstring(client.get("/notices/feed/atom/").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert {e.findtext("a:title", namespaces=ns) for e in atom.findall("a:entry", ns)} == set(
        titles
    )
    # Entry IDs are IRIs (RFC 4287 §4.2.6): the notices' absolute addresses on the public host.
    ids = {e.findtext("a:id", namespaces=ns) for e in atom.findall("a:entry", ns)}
    assert ids == {bayingol_notice.full_url, toutunhe_notice.full_url}
    assert all(i.startswith("http://127.0.0.1:8000/notices/") for i in ids)


def test_unpublished_notice_is_absent_from_feed_and_calendar(
    client, bayingol_notice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bayingol_notice.unpublish()
    assert bayingol_notice.title not in client.get("/notices/feed/rss/").content.decode()
    assert client.get(f"/notices/{bayingol_notice.pk}/calendar.ics").status_code == 404


def test_feed_dates_are_the_notices_own(client, bayingol_notice, toutunhe_notice):
    """The dated notice carries its 成文日期; the undated one claims no date of issue (its
    loading into the site is not when it was issued)."""
    import xml.etree.ElementTree as ET

    rss = ET.fromstring(client.get("/notices/feed/rss/").content)
    dates = {item.findtext("title"): item.findtext("pubDate") for item in rss.iter("item")}
    assert dates[bayingol_notice.title].startswith("Mon, 14 Aug 2023")
    assert dates[toutunhe_notice.title] is None
    ns = {"a": "http://www.w3.org/2005/Atom"}
    atom = ET.fromstring(client.get("/notices/feed/atom/").content)
    published = {
        e.findtext("a:title", namespaces=ns): e.findtext("a:published", namespaces=ns)
        for e in atom.findall("a:entry", ns)
    }
    assert published[bayingol_notice.title].startswith("2023-08-14")
    assert published[toutunhe_notice.title] is None

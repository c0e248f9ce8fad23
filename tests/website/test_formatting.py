import datetime as dt

from website.formatting import cn_date, cn_numeral_date, file_size_label


def test_cn_date_has_no_leading_zeros():
    assert cn_date(dt.date(2023, 9, 1)) == "2023年9月1日"
    assert cn_date(None) == ""


def test_cn_date_uses_shanghai_time_for_aware_datetimes():
    moment = dt.datetime(2023, 10, 31, 16, 30, tzinfo=dt.UTC)  # 00:30 on 1 Nov in Shanghai
    assert cn_date(moment) == "2023年11月1日"


def test_cn_numeral_date():
    assert cn_numeral_date(dt.date(2023, 10, 20)) == "二〇二三年十月二十日"
    assert cn_numeral_date(dt.date(2024, 12, 31)) == "二〇二四年十二月三十一日"
    assert cn_numeral_date(dt.date(2025, 1, 9)) == "二〇二五年一月九日"


def test_file_size_label():
    assert file_size_label(88064) == "86 KB"
    assert file_size_label(1_258_291) == "1.2 MB"
    assert file_size_label(512) == "512 B"

"""The title names the first person and the count of the list actually issued."""

from __future__ import annotations

import pytest

from approvals.issuing.titles import default_title, issued_title, qualification_phrase


def people(n, qualification="工程师", level="中级"):
    names = ["吴杰", "王頔", "李䶮", "张伟"] + [f"同志{i}" for i in range(n)]
    return [{"name": names[i], "qualification": qualification, "level": level} for i in range(n)]


def test_default_title_from_the_persons():
    assert default_title(people(48)) == "关于批准吴杰等48名同志具备工程师任职资格的通知"
    assert default_title(people(1)) == "关于批准吴杰同志具备工程师任职资格的通知"
    mixed = people(2) + [{"name": "赵", "qualification": "高级工程师", "level": "中级"}]
    assert default_title(mixed) == "关于批准吴杰等3名同志具备中级专业技术职务任职资格的通知"
    mixed[0]["level"] = "副高级"
    assert qualification_phrase(mixed) == "相应专业技术职务"


@pytest.mark.parametrize(
    "title, n, expected",
    [
        # A person removed from a draft titled for 49: the issued title says 48.
        ("关于批准吴杰等49名同志具备工程师任职资格的通知", 48, "关于批准吴杰等48名同志具备工程师任职资格的通知"),
        ("关于吴杰等49名同志取得工程系列中级专业技术职务任职资格的通知", 48,
         "关于吴杰等48名同志取得工程系列中级专业技术职务任职资格的通知"),
        # Down to one person, and back up.
        ("关于批准吴杰等3名同志具备工程师任职资格的通知", 1, "关于批准吴杰同志具备工程师任职资格的通知"),
        ("关于批准吴杰同志具备工程师任职资格的通知", 3, "关于批准吴杰等3名同志具备工程师任职资格的通知"),
        # The first person changed.
        ("关于批准张三等3名同志具备工程师任职资格的通知", 3, "关于批准吴杰等3名同志具备工程师任职资格的通知"),
        # An editor's own wording without name and count stays.
        ("关于公布2024年度工程系列评审结果的通知", 3, "关于公布2024年度工程系列评审结果的通知"),
        ("", 2, "关于批准吴杰等2名同志具备工程师任职资格的通知"),
    ],
)  # fmt: skip
def test_issued_title_follows_the_list(title, n, expected):
    assert issued_title(title, people(n)) == expected

"""Vocabularies shared by every app."""

from django.db import models


class _TermChoicesType(type(models.TextChoices)):
    def __new__(metacls, classname, bases, classdict, **kwds):
        cls = super().__new__(metacls, classname, bases, classdict, **kwds)
        for member in cls:
            member._label_ = member.value
        return cls


class TermChoices(models.TextChoices, metaclass=_TermChoicesType):
    """Choices that store the Chinese term itself, which is also their label: a member is
    written once, ``JUNIOR = "初级"`` (Django would make the label from the name, "Junior")."""


class Level(TermChoices):
    """职称级别."""

    JUNIOR = "初级"
    INTERMEDIATE = "中级"
    DEPUTY_SENIOR = "副高级"
    SENIOR = "正高级"


class Gender(TermChoices):
    """性别 (GB 11643: odd 17th digit male, see ``website.identity.gender_of``)."""

    MALE = "男"
    FEMALE = "女"


class ReviewType(TermChoices):
    """评审类型 / 取得资格的方式: how a person obtained the qualification."""

    REVIEW = "评审"
    INITIAL = "初定"
    GRANT = "授予"
    TRANSFER = "转评"


# Provincial-level regions; CalendarDay overrides and Authority records share these values.
REGIONS = [
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
    "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省",
    "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省",
    "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
    "新疆生产建设兵团",
]  # fmt: skip
REGION_CHOICES = [(name, name) for name in REGIONS]


def region_field(verbose_name: str, help_text: str) -> models.CharField:
    """A provincial-level region, optional: empty stands for the national calendar only."""
    return models.CharField(
        verbose_name, max_length=20, choices=REGION_CHOICES, blank=True, help_text=help_text
    )

"""StreamField blocks shared by several apps."""

from django.core.validators import RegexValidator
from wagtail import blocks

PHONE_VALIDATOR = RegexValidator(
    r"^[0-9０-９\-－—()（）+\s、,，/转]+$", "电话号码只能包含数字、区号分隔符和“转”。"
)


class ContactBlock(blocks.StructBlock):
    """一条联系方式：单位、联系人、电话、邮箱与用途（业务咨询、监督举报、平台技术服务）。"""

    purpose = blocks.CharBlock(
        label="用途", max_length=40, help_text="如 业务咨询、监督举报、平台技术服务"
    )
    organisation = blocks.CharBlock(label="单位", max_length=120, required=False)
    people = blocks.CharBlock(label="联系人", max_length=120, required=False)
    phones = blocks.ListBlock(
        blocks.CharBlock(label="电话", max_length=60, validators=[PHONE_VALIDATOR]),
        label="电话",
        default=[],
    )
    email = blocks.EmailBlock(label="电子邮箱", required=False)

    class Meta:
        icon = "mail"
        label = "联系方式"
        template = "website/blocks/contact_block.html"

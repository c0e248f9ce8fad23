"""Forms: the public objection form and the editors' roster upload."""

from __future__ import annotations

from django import forms
from django.conf import settings

from website.uploads import clean_text

from .objections import AttachmentRejected, check_attachment


class ObjectionForm(forms.Form):
    """异议 about one entry of a running publicity."""

    entry = forms.IntegerField(
        label="异议对象", error_messages={"required": "请选择对哪一位人员提出异议。"}
    )
    real_name = forms.CharField(
        label="您的真实姓名",
        max_length=40,
        help_text="异议实行实名制，姓名仅用于核实，不公开。",
        error_messages={"required": "请填写您的真实姓名（实名反映，不公开）。"},
    )
    contact = forms.CharField(
        label="您的联系方式",
        max_length=120,
        help_text="电话或电子邮箱，用于核实情况（必填，不公开）。",
        error_messages={"required": "请填写联系方式，以便核实情况。"},
    )
    facts = forms.CharField(
        label="异议事实与理由",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "请写明异议的事实与理由。"},
    )
    attachment = forms.FileField(
        label="证明材料（可选）",
        required=False,
        help_text="PDF 或 JPG、PNG 图片，不超过 5 MB。",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, page=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page

    def clean_contact(self):
        # Control and bidirectional characters would mislead whoever reads it in the admin.
        contact = clean_text(self.cleaned_data["contact"], multiline=False).strip()
        if not contact:
            raise forms.ValidationError("请填写联系方式，以便核实情况。")
        return contact

    def clean_facts(self):
        facts = clean_text(self.cleaned_data["facts"]).strip()
        if not facts:
            raise forms.ValidationError("请写明异议的事实与理由。")
        return facts

    def clean_entry(self):
        entry_id = self.cleaned_data["entry"]
        entry = self.page.entries.filter(pk=entry_id).first() if self.page else None
        if entry is None:
            raise forms.ValidationError("所选人员不在本次公示名单中。")
        return entry

    def clean_attachment(self):
        attachment = self.cleaned_data.get("attachment")
        if attachment:
            try:
                check_attachment(attachment)
            except AttachmentRejected as error:
                raise forms.ValidationError(str(error)) from error
        return attachment


ROSTER_MAX_BYTES = 5 * 1024 * 1024


def max_bytes() -> int:
    """The roster upload cap (settings.PUBLICITY_ROSTER_MAX_BYTES, else 5 MB)."""
    return getattr(settings, "PUBLICITY_ROSTER_MAX_BYTES", ROSTER_MAX_BYTES)


def _missing_column(label: str, example: str) -> forms.CharField:
    """The value of a column the roster file may lack, for every row."""
    return forms.CharField(
        label=label,
        max_length=40,
        required=False,
        help_text=f"文件中没有“{label}”列时使用，如 {example}",
    )


class RosterUploadForm(forms.Form):
    """申报人员花名册 upload: XLSX or CSV, plus series/specialty when the file has none."""

    file = forms.FileField(label="花名册文件", help_text="XLSX 或 CSV（UTF-8 或 GB18030 编码）。")
    series = _missing_column("系列", "工程系列")
    specialty = _missing_column("专业", "机械电子")
    only_valid = forms.BooleanField(
        label="只导入有效行",
        required=False,
        help_text="默认只要有一行有误就不导入任何数据；勾选后跳过有误的行，只导入有效行。",
    )

    def uploaded_bytes(self) -> bytes:
        """The file's bytes, one past the cap so the parser can tell an oversized file (read
        once: the parser and the audit log's SHA-256 see the same bytes)."""
        if not hasattr(self, "_uploaded"):
            self._uploaded = self.cleaned_data["file"].read(max_bytes() + 1)
        return self._uploaded


class ObjectionStatusForm(forms.Form):
    """异议处理情况查询: the receipt number and the contact given with the objection."""

    receipt = forms.CharField(
        label="回执编号",
        max_length=20,
        help_text="如 YY20231102-ABC234",
        error_messages={"required": "请填写回执编号。", "max_length": "回执编号不超过 20 个字符。"},
    )
    contact = forms.CharField(
        label="提交异议时填写的联系方式",
        max_length=120,
        error_messages={"required": "请填写提交异议时留下的联系方式。"},
    )


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label="更正原因",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如 名单中某人工作单位有误。更正后公示期自今日起重新计算。",
    )


class DecisionForm(forms.Form):
    to_status = forms.ChoiceField(label="处理结果")
    reason = forms.CharField(
        label="理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, choices=(), **kwargs):
        # The statuses other than the current one (given by the view: the models import this
        # module).
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = list(choices)

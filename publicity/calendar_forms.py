"""The admin's import form: a holiday notice pasted or uploaded, read and checked."""

from __future__ import annotations

import io

from django import forms

from website.choices import REGION_CHOICES

from . import calendar_import
from .holiday_notice import NoticeParseError, parse_notice

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def text_of_upload(name: str, data: bytes) -> str:
    """The text of an uploaded notice: plain text (UTF-8 or GB 18030) or a Word .docx file."""
    lower = name.lower()
    if lower.endswith(".docx"):
        import docx

        try:
            document = docx.Document(io.BytesIO(data))
        except Exception as error:  # python-docx raises several types for a damaged file
            raise forms.ValidationError(
                "无法读取该 Word 文件，请另存为 .docx 或粘贴文字。"
            ) from error
        return "\n".join(paragraph.text for paragraph in document.paragraphs)
    if lower.endswith(".txt"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError("无法识别文件的文字编码，请另存为 UTF-8 文本或直接粘贴。")
    raise forms.ValidationError("只支持 .txt 或 .docx 文件；其他格式请复制全文粘贴。")


class CalendarImportForm(forms.Form):
    region = forms.ChoiceField(
        label="地区",
        required=False,
        choices=[("", "全国（国务院办公厅通知）")] + REGION_CHOICES,
        help_text="导入地区的放假通知时选择地区：只录入该地区自己的节假日（如肉孜节、古尔邦节）。",
    )
    year = forms.IntegerField(
        label="年份",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="留空则从通知中读出。",
    )
    text = forms.CharField(
        label="通知全文",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="粘贴如《国务院办公厅关于2027年部分节假日安排的通知》的全文。",
    )
    file = forms.FileField(label="或上传通知文件", required=False, help_text=".txt 或 .docx")
    source = forms.CharField(
        label="依据（文号或网址）",
        required=False,
        max_length=300,
        help_text="全国通知留空时使用通知中的文号；地区通知请填写其文号或网址。",
    )
    replace = forms.BooleanField(label="替换已确认的年度", required=False)

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("text") or ""
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError({"file": "文件过大（上限 2 MB）。"})
            text = text_of_upload(upload.name, upload.read())
        if not text.strip():
            raise forms.ValidationError({"text": "请粘贴通知全文或上传通知文件。"})
        cleaned["text"] = text
        region = cleaned.get("region") or ""
        try:
            notice = parse_notice(text, cleaned.get("year"))
            plan = calendar_import.plan(notice, region)
        except (NoticeParseError, calendar_import.ImportRefused) as error:
            raise forms.ValidationError({"text": str(error)}) from error
        cleaned["notice"] = notice
        cleaned["plan"] = plan
        cleaned["source"] = (cleaned.get("source") or "").strip() or calendar_import.default_source(
            notice, region
        )
        return cleaned

"""Admin form: upload a notice document to import it as a draft."""

from __future__ import annotations

from django import forms

from website.models import Authority
from website.uploads import UnsafeUpload, inspect_zip

from .importer.text import MAX_FILE_SIZE
from .models import NoticePage, validate_document_number


class NoticeImportForm(forms.Form):
    file = forms.FileField(
        label="通知文件",
        help_text="纯文本（.txt）、Markdown（.md）或 Word（.docx），不超过 5 MB。",
        error_messages={
            "empty": "文件是空的，没有可导入的内容。",
            "required": "请选择要导入的通知文件。",
        },
    )
    authority = forms.ModelChoiceField(
        label="发文机关",
        queryset=Authority.objects.all(),
        required=False,
        empty_label="按通知落款自动识别",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(
                f"文件过大（{upload.size // 1024} KB），通知文件不能超过 {MAX_FILE_SIZE // 1024 // 1024} MB。"
            )
        # A DOCX is a zip: its members' count, real decompressed size and XML (no DOCTYPE or
        # entities) are checked before python-docx opens it.
        upload.seek(0)
        if upload.read(4) == b"PK\x03\x04":
            upload.seek(0)
            try:
                inspect_zip(upload.read(MAX_FILE_SIZE + 1), kind="Word（.docx）")
            except UnsafeUpload as error:
                raise forms.ValidationError(str(error)) from error
        upload.seek(0)
        return upload


class NoticeImportConfirmForm(forms.Form):
    """The review step: the facts the editor may correct before the draft is made."""

    token = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(label="标题", max_length=255)
    document_number = NoticePage._meta.get_field("document_number").formfield()
    review_year = forms.IntegerField(
        label="评审年度",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "请填写评审年度（通知中没有写明年份）。"},
    )
    issue_date = forms.DateField(label="成文日期", required=False, help_text="格式 2024-07-01")
    authority = forms.ModelChoiceField(
        label="发文机关",
        queryset=Authority.objects.all(),
        required=False,
        empty_label="按识别结果（新建或匹配已有机关）",
    )
    update_existing = forms.BooleanField(
        label="更新已有草稿",
        required=False,
        help_text="同一文号（或标题和机关）的草稿已存在时，用本文件的内容更新它",
    )

    def clean_document_number(self):
        number = self.cleaned_data["document_number"].strip()
        validate_document_number(number)
        return number

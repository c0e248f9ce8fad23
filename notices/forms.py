"""Admin form: upload a notice document to import it as a draft."""

from __future__ import annotations

from django import forms

from website.models import Authority

from .importer.text import MAX_FILE_SIZE


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
        return upload

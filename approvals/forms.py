"""Admin forms: a person row takes a whole ID number and keeps only its hash and mask."""

from __future__ import annotations

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from publicity.identity import InvalidIdNumber

from . import identity


class ApprovedPersonForm(WagtailAdminModelForm):
    id_number = forms.CharField(
        label="身份证号码",
        required=False,
        max_length=20,
        help_text="仅用于生成摘要与脱敏号码，不保存原号码；已录入的留空即可。",
    )

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "").strip()
        if not value:
            if not self.instance.id_hash and self.has_changed() and not self._deleting():
                raise forms.ValidationError("请填写身份证号码（证书下载需核对其后六位）。")
            return ""
        try:
            return identity.from_id_number(value)
        except InvalidIdNumber as error:
            raise forms.ValidationError(str(error)) from error

    def _deleting(self) -> bool:
        return bool(self.data.get(self.add_prefix("DELETE")))

    def save(self, commit=True):
        stored = self.cleaned_data.get("id_number")
        if stored:
            self.instance.id_hash = stored["id_hash"]
            self.instance.id_masked = stored["id_masked"]
            if not self.instance.birth_month:
                self.instance.birth_month = stored["birth_month"]
            if not self.instance.gender:
                self.instance.gender = stored["gender"]
        return super().save(commit=commit)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="撤销原因", widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )


class FromPublicityForm(forms.Form):
    publicity = forms.TypedChoiceField(label="已结束的公示", coerce=int)

    def __init__(self, *args, pages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publicity"].choices = [
            (p.pk, f"{p.title}（{p.authority.short_name}，{p.end_date}结束）") for p in pages
        ]

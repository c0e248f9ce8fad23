"""Admin forms: a person row takes a whole ID number and keeps only its hash and mask."""

from __future__ import annotations

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from approvals.models.keys import REVOCATION_REASONS
from publicity.forms import RosterUploadForm
from website import identity
from website.identity import InvalidIdNumber


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
                raise forms.ValidationError("请填写身份证号码（持证人凭姓名和身份证号下载证书）。")
            return ""
        try:
            return identity.from_id_number(value)
        except InvalidIdNumber as error:
            raise forms.ValidationError(str(error)) from error

    def clean_photo(self):
        """The photo printed on the certificate, checked by its content (Pillow)."""
        from approvals.pdf.certificate import CertificateRenderError, check_photo

        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "read"):
            position = photo.tell() if hasattr(photo, "tell") else 0
            photo.seek(0)
            data = photo.read()
            photo.seek(position)
            try:
                check_photo(data)
            except CertificateRenderError as error:
                raise forms.ValidationError(str(error)) from error
        return photo

    def _deleting(self) -> bool:
        return bool(self.data.get(self.add_prefix("DELETE")))

    def save(self, commit=True):
        stored = self.cleaned_data.get("id_number")
        if stored:
            self.instance.id_hash = stored["id_hash"]
            self.instance.id_masked = stored["id_masked"]
            if not self.instance.gender:
                self.instance.gender = stored["gender"]
        return super().save(commit=commit)


class DocumentForm(WagtailAdminModelForm):
    """The document form offers only the authorities the user prepares documents for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "authority" in self.fields:
            from website.roles import Role, authorities_for

            self.fields["authority"].queryset = authorities_for(self.for_user, Role.PREPARE)


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


class FromRosterForm(RosterUploadForm):
    """从名单文件创建: the document's heading fields, then the publicity app's roster upload
    fields (file, default series and specialty, only valid rows)."""

    authority = forms.ModelChoiceField(label="发文机关", queryset=None, empty_label=None)
    title = forms.CharField(
        label="标题",
        max_length=200,
        required=False,
        help_text="留空则按名单生成，如“关于王建国等3名同志取得专业技术职务任职资格的通知”。",
    )
    date = forms.DateField(label="成文日期", widget=forms.DateInput(attrs={"type": "date"}))
    addressees = forms.CharField(label="主送", max_length=200, initial="各有关单位")
    review_committee = forms.CharField(
        label="评审组织",
        max_length=150,
        required=False,
        help_text="印在证书上的评审委员会；留空则用发文机关名称。",
    )

    def __init__(self, *args, authorities=None, **kwargs):
        from website.models import Authority

        super().__init__(*args, **kwargs)
        # Only the authorities the user prepares documents for (website.roles).
        self.fields["authority"].queryset = (
            authorities if authorities is not None else Authority.objects.all()
        )
        self.fields["file"].help_text += "“是否通过”为“是”的行列入名单。"
        self.fields["only_valid"].label = "只用有效行"
        self.fields[
            "only_valid"
        ].help_text = "默认只要有一行有误就不创建；勾选后跳过有误的行，只用有效行创建。"
        # The heading fields first, then the file.
        self.order_fields(["authority", "title", "date", "addressees", "review_committee"])

    def header(self):
        """The creation.DocumentHeader typed in this (valid) form."""
        from approvals.issuing.creation import DocumentHeader

        data = self.cleaned_data
        return DocumentHeader(
            authority=data["authority"],
            date=data["date"],
            title=data["title"],
            addressees=data["addressees"],
            review_committee=data["review_committee"],
        )


class RevokeKeyForm(forms.Form):
    compromised_from = forms.DateTimeField(
        label="泄露起始时间（北京时间）",
        help_text="自此时刻起该密钥所作签名一律无效；此前经时间戳证明的签名仍然有效。",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    reason = forms.ChoiceField(label="吊销原因", choices=REVOCATION_REASONS)
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="退回原因", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )

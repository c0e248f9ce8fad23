"""The public generator of a unit's own publicity (推荐单位公示) and its result.

Stateless on purpose: the names typed or uploaded go into the generated document and the
response, never into the database, a session or a cache (`never_cache`).
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from notices.models import NoticePage
from website.choices import REGION_CHOICES
from website.pdf.fonts import MissingGlyphError

from . import roster, unit_publicity, workdays
from .panels import skipped_rows

MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
ACTIONS = {
    "notice_docx": ("notice", "docx"),
    "notice_pdf": ("notice", "pdf"),
    "result_docx": ("result", "docx"),
    "result_pdf": ("result", "pdf"),
}


class UnitPublicityForm(forms.Form):
    notice = forms.ModelChoiceField(
        label="评审通知", queryset=NoticePage.objects.none(), empty_label="请选择评审通知"
    )
    unit = forms.CharField(label="推荐单位（全称）", max_length=100)
    region = forms.ChoiceField(
        label="单位所在地区",
        choices=[("", "请选择")] + REGION_CHOICES,
        help_text="决定适用的地方节假日（如新疆的肉孜节、古尔邦节）。",
    )
    start = forms.DateField(label="公示开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    working_days = forms.IntegerField(
        label="公示工作日数", min_value=unit_publicity.MIN_WORKING_DAYS, max_value=60, initial=5
    )
    contact = forms.CharField(label="联系人", max_length=30)
    phone = forms.CharField(label="联系电话", max_length=40)
    applicants = forms.CharField(
        label="申报人员",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="每行一人：姓名 性别 现任专业技术职务 拟申报专业技术职务 备注（可从 Excel 直接粘贴）。不要填写身份证号码。",
    )
    roster = forms.FileField(
        label="或上传申报人员花名册（XLSX/CSV）",
        required=False,
        help_text="只读取姓名、性别、职务和备注列，不读取身份证号码。",
    )
    objections = forms.CharField(
        label="公示结果说明（生成公示结果时填写）",
        required=False,
        max_length=300,
        help_text="留空即为“公示期间，未收到对公示人选的异议”。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice"].queryset = (
            NoticePage.objects.live().select_related("authority").order_by("-review_year", "title")
        )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("roster")
        try:
            if upload is not None:
                data = upload.read(roster.max_bytes() + 1)
                cleaned["applicant_list"] = unit_publicity.applicants_from_roster(data, upload.name)
            else:
                cleaned["applicant_list"] = unit_publicity.applicants_from_text(
                    cleaned.get("applicants") or ""
                )
        except unit_publicity.UnitPublicityError as error:
            self.add_error("roster" if upload is not None else "applicants", str(error))
            return cleaned
        if not cleaned["applicant_list"]:
            self.add_error("applicants", "请填写申报人员，或上传申报人员花名册。")
        return cleaned


@never_cache
def unit_publicity_view(request: HttpRequest):
    """GET: the form (?notice= preselects); POST: check the period, or download a document."""
    initial = {"working_days": 5}
    notice_id = request.GET.get("notice", "")
    if notice_id.isdigit():
        notice = NoticePage.objects.live().filter(pk=notice_id).select_related("authority").first()
        if notice:
            initial.update({"notice": notice, "region": notice.authority.region})
    form = UnitPublicityForm(request.POST or None, request.FILES or None, initial=initial)
    context = {"form": form, "publicity": None}
    if request.method != "POST":
        return TemplateResponse(request, "publicity/unit_publicity.html", context)
    if not form.is_valid():
        return TemplateResponse(request, "publicity/unit_publicity.html", context, status=400)
    data = form.cleaned_data
    if data.get("roster") is not None:
        # Put the roster's people into the text box, so the next button needs no new upload.
        form.data = form.data.copy()
        form.data["applicants"] = unit_publicity.applicants_as_text(data["applicant_list"])
    try:
        publicity = unit_publicity.build(
            notice=data["notice"],
            unit=data["unit"],
            region=data["region"],
            start=data["start"],
            working_days=data["working_days"],
            applicants=data["applicant_list"],
            contact=data["contact"],
            phone=data["phone"],
        )
    except workdays.CalendarUnavailable as error:
        form.add_error("start", str(error))
        return TemplateResponse(request, "publicity/unit_publicity.html", context, status=400)
    action = request.POST.get("action", "")
    if action in ACTIONS:
        kind, fmt = ACTIONS[action]
        renderer = unit_publicity.render_pdf if fmt == "pdf" else unit_publicity.render_docx
        try:
            body = renderer(publicity, kind, data.get("objections", ""))
        except MissingGlyphError as error:
            form.add_error(None, str(error))
            return TemplateResponse(request, "publicity/unit_publicity.html", context, status=400)
        response = HttpResponse(body, content_type=MIME_TYPES[fmt])
        response["Content-Disposition"] = content_disposition_header(
            True, unit_publicity.filename(publicity, kind, fmt)
        )
        return response
    context.update({"publicity": publicity, "skipped": skipped_rows(publicity.period)})
    return TemplateResponse(request, "publicity/unit_publicity.html", context)

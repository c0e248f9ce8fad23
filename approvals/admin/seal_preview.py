"""Admin preview of an authority's seal (印章预览): what its text, purpose line and shape will
look like on the documents it signs, before anything is issued."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from approvals.pdf.seal import seal_png
from website.models import Authority, SealShape
from website.pdf.fonts import MissingGlyphError, check_coverage


def seal_image(request):
    """The seal for ?text=&purpose=&shape= as a PNG (150 dpi), or a 400 naming the problem."""
    text = request.GET.get("text", "").strip()[:120]
    purpose = request.GET.get("purpose", "").strip()[:20]
    shape = request.GET.get("shape", SealShape.ROUND)
    if shape not in SealShape.values:
        return HttpResponseBadRequest("印章形状无效。")
    if not text:
        return HttpResponseBadRequest("缺少印章文字。")
    try:
        check_coverage(text, "印章文字")
        check_coverage(purpose, "印章用途")
    except MissingGlyphError as error:
        return HttpResponseBadRequest(str(error))
    response = HttpResponse(seal_png(text, purpose, shape), content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


class SealPreviewView(WagtailAdminTemplateMixin, TemplateView):
    """The authority's seal as it will be pressed on its documents; the editor may try other
    wording and shapes here before changing the authority."""

    template_name = "approvals/admin/seal_preview.html"
    page_title = "印章预览"
    header_icon = "view"

    def dispatch(self, request, pk):
        self.authority = get_object_or_404(Authority, pk=pk)
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return str(self.authority)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        authority = self.authority
        text = self.request.GET.get("text", authority.seal_name)
        purpose = self.request.GET.get("purpose", authority.seal_purpose)
        shape = self.request.GET.get("shape", authority.seal_shape)
        query = urlencode({"text": text, "purpose": purpose, "shape": shape})
        context.update(
            authority=authority,
            text=text,
            purpose=purpose,
            shape=shape,
            shapes=SealShape.choices,
            image_url=f"{reverse('approvals_seal_image')}?{query}",
            edit_url=reverse("wagtailsnippets_website_authority:edit", args=[authority.pk]),
        )
        return context

"""职称电子证书: one person's A4 certificate with the fields, photo, seal and QR code."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from approvals.pdf.common import INK, RED, RenderedPdf, checked
from approvals.pdf.qr import draw_qr
from approvals.pdf.seal import SEAL_DIAMETER
from approvals.pdf.seal import draw_seal as paint_seal
from website.formatting import cn_date
from website.pdf.fonts import register_font

PAGE_WIDTH, PAGE_HEIGHT = A4
QR_SIZE = 30 * mm
BORDER = Color(0.62, 0.12, 0.12)
LABEL = Color(0.35, 0.35, 0.35)


class CertificateRenderError(ValueError):
    """Bad certificate input (message in Chinese)."""


@dataclass
class CertificateData:
    """Everything printed on an e-certificate (plain values, no models).

    ``id_number`` is printed as given: pass the full number for the holder's own PDF, or a
    masked form. ``verify_url`` is what the QR code carries (URL with the signed token).
    """

    certificate_number: str
    name: str
    gender: str
    id_number: str
    unit: str
    series: str
    specialty: str
    qualification: str
    level: str
    committee: str  # 评审组织
    approval_number: str  # 批准文号
    obtained_date: dt.date  # 取得资格时间
    issuer_name: str  # 发证机关
    seal_text: str
    issue_date: dt.date  # 发证日期
    verify_url: str
    verify_address: str = ""  # printed in small type; defaults to verify_url without the token
    seal_purpose: str = ""
    birth: str = ""  # 出生年月, e.g. 1990年5月
    photo: bytes | None = None


def certificate_fields(data: CertificateData) -> list[tuple[str, str]]:
    """The labelled lines in print order."""
    rows = [
        ("姓名", data.name),
        ("性别", data.gender),
    ]
    if data.birth:
        rows.append(("出生年月", data.birth))
    rows += [
        ("身份证号", data.id_number),
        ("工作单位", data.unit),
        ("系列/专业", f"{data.series}/{data.specialty}" if data.specialty else data.series),
        ("资格名称", data.qualification),
        ("级别", data.level),
        ("评审组织", data.committee),
        ("批准文号", data.approval_number),
        ("取得资格时间", cn_date(data.obtained_date)),
        ("证书编号", data.certificate_number),
    ]
    return rows


def check_certificate(data: CertificateData) -> None:
    """Raise MissingGlyphError naming the first field the font cannot draw."""
    for label, value in certificate_fields(data):
        checked(value, label)
    checked(data.issuer_name, "发证机关")
    checked(data.seal_text, "印章文字")
    checked(data.seal_purpose, "印章用途")
    checked(data.verify_address or data.verify_url, "查验地址")
    if not data.name.strip():
        raise CertificateRenderError("证书缺少姓名。")


def render_certificate(data: CertificateData, *, draw_seal: bool = True) -> RenderedPdf:
    """Render the certificate; with ``draw_seal=False`` leave the seal to the signature."""
    check_certificate(data)
    font = register_font()
    buffer = io.BytesIO()
    canv = Canvas(buffer, pagesize=A4, pageCompression=1)
    canv.setTitle(f"专业技术职务任职资格证书 {data.certificate_number}")
    canv.setAuthor(data.issuer_name)
    canv.setSubject(data.certificate_number)
    canv.setCreator("职称公示与证书平台")

    # Border: a heavy outer frame and a thin inner one.
    canv.setStrokeColor(BORDER)
    canv.setLineWidth(3)
    canv.rect(12 * mm, 12 * mm, PAGE_WIDTH - 24 * mm, PAGE_HEIGHT - 24 * mm)
    canv.setLineWidth(0.8)
    canv.rect(15 * mm, 15 * mm, PAGE_WIDTH - 30 * mm, PAGE_HEIGHT - 30 * mm)

    canv.setFillColor(RED)
    canv.setFont(font, 28)
    canv.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 45 * mm, "专业技术职务任职资格证书")

    left = 30 * mm
    value_x = left + 32 * mm
    photo_x, photo_w, photo_h = PAGE_WIDTH - 30 * mm - 26 * mm, 26 * mm, 35 * mm
    top = PAGE_HEIGHT - 70 * mm
    if data.photo:
        try:
            image = ImageReader(io.BytesIO(data.photo))
        except Exception as exc:  # reportlab raises plain exceptions for unreadable images
            raise CertificateRenderError("照片无法读取，请上传 JPEG 或 PNG 图片。") from exc
        canv.drawImage(
            image, photo_x, top - photo_h + 5 * mm, photo_w, photo_h, preserveAspectRatio=True
        )
    line = 11 * mm
    y = top
    for label, value in certificate_fields(data):
        canv.setFillColor(LABEL)
        canv.setFont(font, 13)
        canv.drawString(left, y, label)
        canv.setFillColor(INK)
        # Values left of the photo must not run into it.
        limit = (photo_x - 4 * mm if y > top - photo_h else PAGE_WIDTH - 30 * mm) - value_x
        size = 15.0
        while size > 9 and stringWidth(value, font, size) > limit:
            size -= 0.5
        canv.setFont(font, size)
        canv.drawString(value_x, y, value)
        y -= line

    # Issuer and date right-aligned at the lower right, the seal centred over the date.
    issuer_y = 62 * mm
    right = PAGE_WIDTH - 25 * mm
    issuer_line = f"发证机关：{data.issuer_name}"
    date_line = f"发证日期：{cn_date(data.issue_date)}"
    canv.setFillColor(INK)
    size = 14.0
    while size > 8 and stringWidth(issuer_line, font, size) > 120 * mm:
        size -= 0.5
    canv.setFont(font, size)
    canv.drawRightString(right, issuer_y + 8 * mm, issuer_line)
    canv.setFont(font, 14)
    canv.drawRightString(right, issuer_y, date_line)
    seal_centre = (right - stringWidth(date_line, font, 14) / 2, issuer_y + 6 * mm)
    if draw_seal:
        paint_seal(canv, *seal_centre, data.seal_text, data.seal_purpose)

    # QR code at the lower left with the verification address under it.
    qr_x, qr_y = 28 * mm, 32 * mm
    draw_qr(canv, qr_x, qr_y, QR_SIZE, data.verify_url)
    canv.setFont(font, 8)
    canv.setFillColor(LABEL)
    address = data.verify_address or data.verify_url.split("?", 1)[0]
    canv.drawString(qr_x, qr_y - 6 * mm, f"扫码或访问 {address} 查验本证书")
    canv.drawString(qr_x, qr_y - 10 * mm, "本证书经电子签名，可在查验页面上传 PDF 核验真伪。")

    canv.showPage()
    canv.save()
    r = SEAL_DIAMETER / 2
    return RenderedPdf(
        data=buffer.getvalue(),
        seal_page=0,
        seal_box=(
            round(seal_centre[0] - r),
            round(seal_centre[1] - r),
            round(seal_centre[0] + r),
            round(seal_centre[1] + r),
        ),
        seal_text=data.seal_text,
        seal_purpose=data.seal_purpose,
    )

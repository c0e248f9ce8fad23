"""python manage.py render_samples OUT_DIR — PNGs of the documents for a person to look at."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


def sample_photo() -> bytes:
    """A plain one-inch photo placeholder (the certificate shows where a photo goes)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (295, 413), (214, 226, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((92, 70, 202, 190), fill=(150, 160, 175))
    draw.rounded_rectangle((52, 205, 242, 413), radius=60, fill=(150, 160, 175))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


class Command(BaseCommand):
    help = (
        "把示例审批文件（第 1 页与名单页）和电子证书渲染为 150 dpi 的 PNG，"
        "供人工核对版式（GB/T 9704-2012）。--longest 使用最长的机关名称、标题、单位和 500 人名单。"
    )

    def add_arguments(self, parser):
        parser.add_argument("out_dir", type=Path, help="输出目录（不存在则创建）")
        parser.add_argument("--longest", action="store_true", help="使用最长的真实取值")
        parser.add_argument("--dpi", type=int, default=150)

    def handle(self, *args, out_dir: Path, longest: bool, dpi: int, **options):
        from approvals.pdf.approval_document import render_approval_document
        from approvals.pdf.certificate import render_certificate
        from approvals.pdf.samples import sample_certificate, sample_document

        if shutil.which("pdftoppm") is None:
            raise CommandError("找不到 pdftoppm：请安装 poppler-utils（./dev test 会自动安装）。")
        out_dir.mkdir(parents=True, exist_ok=True)
        document = render_approval_document(sample_document(longest=longest))
        certificate = render_certificate(sample_certificate(longest=longest, photo=sample_photo()))
        (out_dir / "approval-document.pdf").write_bytes(document.data)
        (out_dir / "certificate.pdf").write_bytes(certificate.data)
        # Page 1, and the first page of the list (the page after the signature).
        self._png(out_dir / "approval-document.pdf", 1, out_dir / "approval-document-page1", dpi)
        self._png(
            out_dir / "approval-document.pdf",
            document.seal_page + 2,
            out_dir / "approval-document-list",
            dpi,
        )
        self._png(out_dir / "certificate.pdf", 1, out_dir / "certificate", dpi)
        for name in ("approval-document.pdf", "certificate.pdf"):
            self.stdout.write(f"{out_dir / name}（{(out_dir / name).stat().st_size // 1024} KB）")
        for name in ("approval-document-page1", "approval-document-list", "certificate"):
            self.stdout.write(f"{out_dir / name}.png")

    def _png(self, pdf: Path, page: int, target: Path, dpi: int) -> None:
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page),
             str(pdf), str(target)],
            check=True,
            timeout=120,
        )  # fmt: skip

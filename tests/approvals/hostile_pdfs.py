"""Hostile PDFs, built at test time (nothing binary is committed).

- :func:`flate_bomb_xref`: a small file whose cross-reference stream inflates to gigabytes;
- :func:`many_signature_fields`: a platform-signed PDF plus an update adding hundreds of
  signature fields that all point at the platform's own signature;
- :func:`visible_overlay`: a platform-signed PDF plus an update adding an unsigned signature
  field whose appearance paints a white box with other text over the certificate.
"""

from __future__ import annotations

import io
import zlib


def _deflate_zeros(size: int, chunk: int = 16 * 1024 * 1024) -> bytes:
    compressor = zlib.compressobj(9)
    zeros = bytes(chunk)
    parts = [compressor.compress(zeros) for _ in range(size // chunk)]
    parts.append(compressor.flush())
    return b"".join(parts)


def flate_bomb_xref(inflated: int = 1024 * 1024 * 1024) -> bytes:
    """A PDF whose only cross-reference section is an XRef stream inflating to `inflated` bytes
    (twice deflated, so the file itself stays a few kilobytes)."""
    once = _deflate_zeros(inflated)
    twice = zlib.compress(once, 9)
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    objects = [
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n",
    ]
    body = head + b"".join(objects)
    xref_offset = len(body)
    xref = (
        b"3 0 obj\n<< /Type /XRef /Size 4 /W [1 4 2] /Root 1 0 R "
        b"/Filter [/FlateDecode /FlateDecode] /Length " + str(len(twice)).encode() + b" >>\n"
        b"stream\n" + twice + b"\nendstream\nendobj\n"
    )
    return body + xref + b"startxref\n" + str(xref_offset).encode() + b"\n%%EOF\n"


def many_signature_fields(signed: bytes, count: int = 300) -> bytes:
    """`signed` plus an incremental update with `count` more fields sharing its signature."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    form = writer.root["/AcroForm"]
    fields = form["/Fields"]
    value = fields[0].get_object().raw_get("/V")
    new_fields = generic.ArrayObject(list(fields))
    for i in range(count):
        field = generic.DictionaryObject(
            {
                generic.NameObject("/FT"): generic.NameObject("/Sig"),
                generic.NameObject("/T"): generic.TextStringObject(f"章{i}"),
                generic.NameObject("/V"): value,
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/Widget"),
                generic.NameObject("/Rect"): generic.ArrayObject([generic.NumberObject(0)] * 4),
            }
        )
        new_fields.append(writer.add_object(field))
    form[generic.NameObject("/Fields")] = new_fields
    writer.update_container(form)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def visible_overlay(signed: bytes) -> bytes:
    """`signed` plus an unsigned signature field whose appearance covers part of page 1."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields

    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    fields.append_signature_field(
        writer, fields.SigFieldSpec(sig_field_name="遮盖", on_page=0, box=(60, 480, 540, 760))
    )
    # Give the new (still unsigned) widget an appearance: a white box over the content.
    appearance = generic.StreamObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/XObject"),
            generic.NameObject("/Subtype"): generic.NameObject("/Form"),
            generic.NameObject("/BBox"): generic.ArrayObject(
                [generic.NumberObject(n) for n in (0, 0, 480, 280)]
            ),
        },
        stream_data=b"1 1 1 rg 0 0 480 280 re f 0 0 0 rg BT /Helv 24 Tf 20 120 Td (FAKE) Tj ET",
    )
    ap_ref = writer.add_object(appearance)
    for field_ref in writer.root["/AcroForm"]["/Fields"]:
        field = field_ref.get_object()
        if str(field.get("/T")) == "遮盖":
            field[generic.NameObject("/AP")] = generic.DictionaryObject(
                {generic.NameObject("/N"): ap_ref}
            )
            writer.update_container(field)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

"""PAdES signatures (pyHanko) whose visible appearance is the drawn seal.

The signer for each key (decrypted key, certificate, CA chain) is built once per process and
cached by key id; the font is registered once. ``sign_pdf`` is synchronous and thread-safe.
"""

from __future__ import annotations

import asyncio
import binascii
import datetime as dt
import io
import threading
import uuid

from asn1crypto import algos, cms, tsp
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.utils import timezone
from pyhanko.pdf_utils import content, layout, misc
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.attributes import CMSAttributeProvider, SignedAttributeProviderSpec
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError, as_signing_certificate_v2
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from approvals.crypto.aio import run_outside_event_loop
from approvals.crypto.keys import LoadedKey, SigningKeyError, load_signing_key
from approvals.crypto.ltv import (
    LtaMaterial,
    lta_material,
    lta_signature_metadata,
)
from approvals.crypto.tsa import memo_get, memo_put
from approvals.models import SigningKey
from approvals.pdf.common import RenderedPdf
from approvals.pdf.seal import seal_pdf

_signers: dict[str, signers.SimpleSigner] = {}
_signers_lock = threading.Lock()


def _to_asn1_cert(cert) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def get_signer(signing_key: SigningKey) -> signers.SimpleSigner:
    """pyHanko signer for ``signing_key`` (built once per process, cached by key id)."""
    signer = _signers.get(signing_key.key_id)
    if signer is not None:
        return signer
    loaded: LoadedKey = load_signing_key(signing_key)
    with _signers_lock:
        if signing_key.key_id not in _signers:
            key_der = loaded.private_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            ca = _to_asn1_cert(loaded.ca_certificate)
            _signers[signing_key.key_id] = _PlatformSigner(
                signing_cert=_to_asn1_cert(loaded.certificate),
                signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
                cert_registry=SimpleCertificateStore.from_certs([ca]),
            )
        return _signers[signing_key.key_id]


class _EncodedSigningCertificate(CMSAttributeProvider):
    attribute_type = "signing_certificate_v2"

    def __init__(self, der: bytes):
        self.der = der

    async def build_attr_value(self, dry_run=False) -> tsp.SigningCertificateV2:
        return tsp.SigningCertificateV2.load(self.der)


class _PadesAttributes(SignedAttributeProviderSpec):
    """The signed attributes pyHanko's PAdES spec gives our signatures (CAdES spec,
    ``is_pades``, no CAdES extras): only signing-certificate-v2, here encoded once per key."""

    def __init__(self, der: bytes):
        self.der = der

    def signed_attr_providers(self, data_digest: bytes, digest_algorithm: str):
        yield _EncodedSigningCertificate(self.der)


class _PlatformSigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner with the parts that depend only on the certificate (the
    signing-certificate-v2 attribute, the signer identifier) encoded once per key instead of
    once per signature: asn1crypto re-encodes a structure built from a parsed certificate's
    names node by node each time, about 5 ms of a signature. The output is the same DER."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        cert = self.signing_cert
        self.signed_attr_prov_spec = _PadesAttributes(as_signing_certificate_v2(cert).dump())
        self._sid = cms.SignerIdentifier(
            {
                "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                    {"issuer": cert.issuer, "serial_number": cert.serial_number}
                )
            }
        ).dump()

    def signer_info(self, digest_algorithm: str, signed_attrs, signature):
        # pyHanko's own, with the identifier parsed from bytes (SHA-2 digests only).
        return cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier.load(self._sid),
                "digest_algorithm": algos.DigestAlgorithm({"algorithm": digest_algorithm}),
                "signature_algorithm": self.get_signature_mechanism_for_digest(digest_algorithm),
                "signed_attrs": signed_attrs,
                "signature": signature,
            }
        )


_lta: dict[str, tuple[dt.datetime, LtaMaterial]] = {}


def get_lta_material(signing_key: SigningKey) -> LtaMaterial:
    """Time stamper and validation data for B-LTA signing, gathered once per process and
    renewed hourly (a fresh CRL; the TSA key after a renewal). Issuing warms it before forking
    its workers, which never touch the database."""
    from approvals.crypto.ltv import CRL_CACHE_SECONDS

    now = timezone.now()
    # Keyed by the CA too: a key's material is only good under the CA that issued its chain.
    cache_key = f"{signing_key.key_id}:{signing_key.ca.fingerprint}"
    cached = _lta.get(cache_key)
    if cached is not None and 0 <= (now - cached[0]).total_seconds() < CRL_CACHE_SECONDS:
        return cached[1]
    material = lta_material(signing_key.ca)
    _lta[cache_key] = (now, material)
    return material


def clear_lta_cache() -> None:
    _lta.clear()


def clear_signer_cache() -> None:
    with _signers_lock:
        _signers.clear()


_seal_readers = threading.local()


def _seal_reader(data: bytes) -> PdfFileReader:
    """The parsed seal PDF, read once per thread and seal (the same seal on every signature
    of a key): importing copies its objects into each signed file without changing them. Per
    thread, because a reader parses lazily from its one stream."""
    readers = getattr(_seal_readers, "by_data", None)
    if readers is None:
        readers = _seal_readers.by_data = {}
    reader = readers.get(data)
    if reader is None:
        if len(readers) >= 16:
            readers.clear()
        reader = readers[data] = PdfFileReader(io.BytesIO(data))
    return reader


class _ImportedPdfBytes(content.PdfContent):
    """Like pyHanko's ImportedPdfPage, but from bytes in memory instead of a file name."""

    def __init__(self, data: bytes, page_ix: int = 0):
        self.data = data
        self.page_ix = page_ix
        super().__init__()

    def render(self) -> bytes:
        writer = self._ensure_writer
        xobj = writer.import_page_as_xobject(_seal_reader(self.data), self.page_ix)
        name = "/Seal" + binascii.hexlify(uuid.uuid4().bytes).decode()
        self.resources.xobject[name] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name.encode() + b" Do"


def seal_stamp_style(
    seal_text: str, seal_purpose: str = "", seal_shape: str = "round"
) -> StaticStampStyle:
    """A signature appearance that is exactly the drawn seal (no border, full opacity; the
    seal's own Multiply blend lets the text beneath show through)."""
    return StaticStampStyle(
        background=_ImportedPdfBytes(seal_pdf(seal_text, seal_purpose, seal_shape)),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
        ),
    )


def sign_pdf(
    pdf_bytes: bytes,
    signing_key: SigningKey,
    *,
    field_name: str = "公章",
    reason: str = "",
    location: str = "",
    seal_text: str | None = None,
    seal_purpose: str = "",
    seal_shape: str = "round",
    box: tuple[int, int, int, int] | None = None,
    page: int = 0,
    lta: bool = True,
) -> bytes:
    """Sign ``pdf_bytes`` (PAdES B-LTA, SHA-256) with ``signing_key``.

    With ``box`` the signature is visible on ``page`` and looks like the seal of ``seal_text``
    (defaults to the authority's seal text); without it the signature is invisible. ``lta=False``
    gives a bare baseline-B signature (benchmarks and tests that compare the two).
    """
    if signing_key.revoked_at is not None:
        raise SigningKeyError(f"签章密钥 {signing_key.key_id} 已吊销，不能再用于签名。")
    signer = get_signer(signing_key)
    common = {
        "field_name": field_name,
        "reason": reason or None,
        "location": location or None,
        "name": signing_key.authority.name,
        "subfilter": SigSeedSubFilter.PADES,
        "md_algorithm": "sha256",
    }
    timestamper = None
    if lta:
        # Signature time-stamp, DSS with the chain's CRL, then a document time-stamp.
        material = get_lta_material(signing_key)
        meta = lta_signature_metadata(material, **common)
        timestamper = material.timestamper
    else:
        meta = signers.PdfSignatureMetadata(**common)
    stamp_style = None
    spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box)
    if box is not None:
        text = seal_text if seal_text is not None else signing_key.authority.seal_name
        stamp_style = seal_stamp_style(text, seal_purpose, seal_shape)
    pdf_signer = signers.PdfSigner(
        meta, signer, timestamper=timestamper, stamp_style=stamp_style, new_field_spec=spec
    )

    # The checks before signing (the signer's and the TSA's chains validated against the
    # material's roots, CRL and OCSP response) come out the same for every signature of the
    # key with the same material: kept with it, unless the input already carries a document
    # time-stamp (whose chain pyHanko then validates too).
    memo = None
    if lta and b"/DocTimeStamp" not in pdf_bytes:
        memo = getattr(meta.validation_context, "validation_memo", None)

    def attempt(reserved: int | None) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
        out = io.BytesIO()
        run_outside_event_loop(
            lambda: asyncio.run(
                _sign_in_writer(pdf_signer, writer, out, reserved, memo, signing_key.key_id)
            )
        )
        return out.getvalue()

    reserved = _reserved.get(signing_key.key_id)
    try:
        signed = attempt(reserved)
    except SigningError:
        if reserved is None:
            raise
        # The signature outgrew the room kept from the first one: size it afresh.
        _reserved.pop(signing_key.key_id, None)
        reserved = None
        signed = attempt(reserved)
    if reserved is None:
        _reserved[signing_key.key_id] = _contents_size(signed)
    # With our TSA, its certificate's status (good until it expires, see
    # ltv.tsa_status_response) is in the DSS under the document time-stamp: LtaMaterial.
    return signed


async def _sign_in_writer(
    pdf_signer: signers.PdfSigner, writer, output, reserved: int | None, memo, key_id: str
):
    """pyHanko's ``PdfSigner.async_sign_pdf`` step by step (its interrupted-signing API), with
    the pre-signing validation taken from ``memo`` when it holds one for this key."""
    session = pdf_signer.init_signing_session(writer)
    info = memo_get(memo, ("presign", key_id)) if memo is not None else None
    if info is None:
        info = await session.perform_presign_validation(writer)
        if memo is not None and info is not None:
            memo_put(memo, ("presign", key_id), info, info.validation_paths)
    if reserved is None:
        reserved = await session.estimate_signature_container_size(
            info, tight=pdf_signer.signature_meta.tight_size_estimates
        )
    tbs = session.prepare_tbs_document(validation_info=info, bytes_reserved=reserved)
    digest, result = tbs.digest_tbs_document(output=output)
    signed = await tbs.perform_signature(
        document_digest=digest.document_digest,
        pdf_cms_signed_attrs=PdfCMSSignedAttributes(
            signing_time=session.system_time,
            adobe_revinfo_attr=None if info is None else info.adobe_revinfo_attr,
            cades_signed_attrs=pdf_signer.signature_meta.cades_signed_attr_spec,
        ),
    )
    await signed.post_signature_processing(result)
    return misc.finalise_output(output, result)


# Room for the signature container, per key (a larger one, with a time-stamp token, re-sizes):
# pyHanko sizes it by building a dummy signature first (half of its signing time); the size it
# chose on a key's first signature (its estimate plus a margin) is reused for the later ones.
_reserved: dict[str, int | None] = {}


def _contents_size(signed: bytes) -> int | None:
    """The hex length of the first signature's /Contents placeholder in ``signed``."""
    start = signed.find(b"/Contents <")
    if start < 0:
        return None
    start += len(b"/Contents <")
    end = signed.find(b">", start)
    size = end - start
    return size if end > 0 and size > 0 and size % 2 == 0 else None


def sign_rendered(
    rendered: RenderedPdf, signing_key: SigningKey, *, reason: str, location: str = ""
) -> bytes:
    """Sign a document rendered with ``draw_seal=False``: the seal appears as the signature,
    exactly where the renderer left room for it."""
    return sign_pdf(
        rendered.data,
        signing_key,
        reason=reason,
        location=location,
        seal_text=rendered.seal_text,
        seal_purpose=rendered.seal_purpose,
        seal_shape=rendered.seal_shape,
        box=rendered.seal_box,
        page=rendered.seal_page,
    )

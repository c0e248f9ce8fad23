"""The platform CA, each authority's signing keys, and the key-encryption key (KEK) behind them.

Private keys are kept in the database only as AES-256-GCM ciphertext under the KEK from
``settings.SIGNING_KEK`` (base64 of 32 bytes). Development and tests without that setting get a
KEK generated once into ``VAR_DIR/keys/kek`` (mode 0600, git-ignored); production settings refuse
to start without it. Decrypted keys live only in this process's memory, cached per key id, and
are never logged.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from approvals.models import PlatformCA, SigningKey
from website.storage import development_secret

CA_NAME = "职称公示与证书平台根证书"
PLATFORM_ORGANIZATION = "职称公示与证书平台"
CA_VALIDITY_DAYS = 20 * 365
SIGNING_KEY_VALIDITY_DAYS = 10 * 365

# Bound into every ciphertext so that a blob cannot be replayed as a different kind of secret.
_AAD = b"zhicheng-platform/private-key/v1"
_BLOB_VERSION = b"\x01"


class SigningKeyError(Exception):
    """A key problem an editor or operator must fix (message in Chinese)."""


# --- key-encryption key ---------------------------------------------------------------------


def kek_path() -> Path:
    """Where the development KEK is kept when ``SIGNING_KEK`` is not set."""
    return Path(settings.VAR_DIR) / "keys" / "kek"


def get_kek() -> bytes:
    """The 32-byte key-encryption key: from ``SIGNING_KEK``, else the local development file."""
    configured = getattr(settings, "SIGNING_KEK", "") or ""
    if configured:
        return _decode_kek(configured, "SIGNING_KEK")
    path = kek_path()
    value = development_secret(path, lambda: base64.b64encode(secrets.token_bytes(32)).decode())
    return _decode_kek(value, str(path))


def _decode_kek(value: str, source: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{source} 不是有效的 base64 编码。") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(
            f"{source} 必须是 32 字节密钥的 base64 编码（当前 {len(raw)} 字节）。"
        )
    return raw


def encrypt_private_key(private_key: ec.EllipticCurvePrivateKey) -> bytes:
    """PKCS#8 DER of the key sealed with AES-256-GCM: version byte, 12-byte nonce, ciphertext."""
    der = private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    nonce = secrets.token_bytes(12)
    return _BLOB_VERSION + nonce + AESGCM(get_kek()).encrypt(nonce, der, _AAD)


def decrypt_private_key(blob: bytes) -> ec.EllipticCurvePrivateKey:
    """Inverse of :func:`encrypt_private_key`; a wrong KEK is a clear error, never garbage."""
    from cryptography.exceptions import InvalidTag

    blob = bytes(blob)
    if not blob.startswith(_BLOB_VERSION) or len(blob) < 30:
        raise SigningKeyError("私钥密文格式无法识别。")
    nonce, ciphertext = blob[1:13], blob[13:]
    try:
        der = AESGCM(get_kek()).decrypt(nonce, ciphertext, _AAD)
    except InvalidTag as exc:
        raise SigningKeyError(
            "无法解密签章私钥：密钥加密密钥（SIGNING_KEK）与加密时不一致。"
        ) from exc
    key = serialization.load_der_private_key(der, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


# --- certificates ---------------------------------------------------------------------------


def public_key_fingerprint(public_key: ec.EllipticCurvePublicKey) -> str:
    """SHA-256 (hex) of the DER SubjectPublicKeyInfo: stable across certificate renewals."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def certificate_fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def _fit(text: str, limit: int = 64) -> str:
    """X.509 caps a common name at 64 bytes of UTF-8 (21 Chinese characters)."""
    while len(text.encode()) > limit:
        text = text[:-1]
    return text


def certificate_common_name(authority) -> str:
    """The authority's full name when it fits a certificate, else its short name."""
    return authority.name if len(authority.name.encode()) <= 64 else _fit(authority.short_name)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, PLATFORM_ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)),
        ]
    )


def _now() -> dt.datetime:
    return timezone.now().astimezone(dt.UTC).replace(microsecond=0)


def build_ca(
    common_name: str = CA_NAME, *, now: dt.datetime | None = None
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A new self-signed CA (P-256): basicConstraints CA, keyCertSign + cRLSign."""
    now = now or _now()
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=CA_VALIDITY_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            _key_usage("key_cert_sign", "crl_sign"),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


_KEY_USAGES = (
    "digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
    "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only",
)  # fmt: skip


def _key_usage(*granted: str) -> x509.KeyUsage:
    """The KeyUsage extension granting only ``granted`` (every other usage False)."""
    return x509.KeyUsage(**{usage: usage in granted for usage in _KEY_USAGES})


def issue_certificate(
    common_name: str,
    public_key: ec.EllipticCurvePublicKey,
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    *,
    now: dt.datetime | None = None,
    validity_days: int = SIGNING_KEY_VALIDITY_DAYS,
    extensions: Iterable[tuple[x509.ExtensionType, bool]] = (),
) -> x509.Certificate:
    """An end-entity certificate under the platform CA: digitalSignature + nonRepudiation, key
    identifiers and a CRL distribution point, then ``extensions`` as (extension, critical).

    A document-signing certificate adds none: NO Extended Key Usage, because poppler's pdfsig
    rejects any EKU list lacking emailProtection. The TSA's adds its own
    (:func:`approvals.crypto.tsa.tsa_extensions`)."""
    now = now or _now()
    not_after = min(now + dt.timedelta(days=validity_days), ca_cert.not_valid_after_utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            _key_usage("digital_signature", "content_commitment"),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),
            critical=False,
        )
        # poppler's `pdfsig -no-ocsp` reports "Unknown issue with Certificate" for a certificate
        # without a revocation source; with a CRL distribution point and the CRL in its NSS
        # database it reports "Certificate is Trusted".
        .add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_url())],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(ca_key, hashes.SHA256())


def crl_url() -> str:
    """Where the CA's certificate revocation list is published (/keys/ca.crl on this site)."""
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "http://127.0.0.1:8000"
    return base.rstrip("/") + "/keys/ca.crl"


def ocsp_url() -> str:
    """The CA's OCSP responder (/keys/ocsp), named in time-stamp authority certificates."""
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "http://127.0.0.1:8000"
    return base.rstrip("/") + "/keys/ocsp"


def build_crl(ca: PlatformCA, *, days: int = 30, next_update: dt.datetime | None = None) -> bytes:
    """The CA's CRL (DER), freshly signed. Retired keys are not listed (documents they signed
    stay valid); a revoked key is listed with its compromise moment both as revocation date and
    as invalidity date: validators (pyHanko among them) judge a signature by revocationDate
    against the time its time-stamp proves, and ignore invalidityDate, so a revocation "from a
    date" must say that date there for signatures made before it to stay valid."""
    ca_cert = x509.load_pem_x509_certificate(ca.certificate_pem.encode())
    ca_key = decrypt_private_key(ca.encrypted_private_key)
    now = _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - dt.timedelta(hours=1))
        .next_update(next_update or now + dt.timedelta(days=days))
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),
            critical=False,
        )
    )
    for key in SigningKey.objects.filter(ca=ca, revoked_at__isnull=False).order_by("pk"):
        effective = (key.compromised_from or key.revoked_at).astimezone(dt.UTC)
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(int(key.serial_number, 16))
            .revocation_date(effective.replace(microsecond=0))
            .add_extension(x509.CRLReason(_CRL_REASONS[key.revocation_reason]), critical=False)
            .add_extension(
                x509.InvalidityDate(effective.replace(microsecond=0, tzinfo=None)),
                critical=False,
            )
            .build()
        )
        builder = builder.add_revoked_certificate(entry)
    crl = builder.sign(ca_key, hashes.SHA256())
    return crl.public_bytes(serialization.Encoding.DER)


_CRL_REASONS = {
    "key_compromise": x509.ReasonFlags.key_compromise,
    "superseded": x509.ReasonFlags.superseded,
    "cessation_of_operation": x509.ReasonFlags.cessation_of_operation,
    "affiliation_changed": x509.ReasonFlags.affiliation_changed,
    "": x509.ReasonFlags.unspecified,
}


def ensure_ca() -> PlatformCA:
    """The platform CA, created on first use (exactly one; later calls return it)."""
    existing = PlatformCA.objects.order_by("created").first()
    if existing is not None:
        return existing
    with transaction.atomic():
        key, cert = build_ca()
        return PlatformCA.objects.create(
            name=CA_NAME,
            certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
            encrypted_private_key=encrypt_private_key(key),
            fingerprint=certificate_fingerprint(cert),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
        )


def create_signing_key(authority, *, validity_days: int = SIGNING_KEY_VALIDITY_DAYS) -> SigningKey:
    """A new active key for ``authority``; its older keys are deactivated, never deleted, so the
    documents they signed keep verifying."""
    ca = ensure_ca()
    ca_cert = x509.load_pem_x509_certificate(ca.certificate_pem.encode())
    ca_key = decrypt_private_key(ca.encrypted_private_key)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = issue_certificate(
        certificate_common_name(authority),
        key.public_key(),
        ca_key,
        ca_cert,
        validity_days=validity_days,
    )
    with transaction.atomic():
        SigningKey.objects.select_for_update().filter(authority=authority, is_active=True).update(
            is_active=False
        )
        return SigningKey.objects.create(authority=authority, **key_record(ca, key, cert))


def key_record(ca: PlatformCA, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate) -> dict:
    """The stored fields of a new active key under ``ca`` (signing or TSA): its id and
    fingerprint, certificate, encrypted private key and validity."""
    fingerprint = public_key_fingerprint(key.public_key())
    return {
        "ca": ca,
        "key_id": fingerprint[:16],
        "fingerprint": fingerprint,
        "certificate_pem": cert.public_bytes(serialization.Encoding.PEM).decode(),
        "encrypted_private_key": encrypt_private_key(key),
        "serial_number": format(cert.serial_number, "x"),
        "not_before": cert.not_valid_before_utc,
        "not_after": cert.not_valid_after_utc,
        "is_active": True,
    }


def active_signing_key(authority) -> SigningKey:
    """The key new documents of ``authority`` are signed with; a clear error if there is none."""
    key = SigningKey.objects.filter(authority=authority, is_active=True).first()
    if key is None:
        raise SigningKeyError(
            f"发文机关“{authority}”尚无启用的签章密钥，"
            f"请先运行 python manage.py create_signing_key --authority {authority.slug}。"
        )
    return key


def ensure_demo_keys(log=None) -> list[SigningKey]:
    """Idempotent: the CA and one active key for every authority that has none."""
    from website.models import Authority

    ensure_ca()
    keys = []
    for authority in Authority.objects.all():
        key = SigningKey.objects.filter(authority=authority, is_active=True).first()
        if key is None:
            key = create_signing_key(authority)
            if log:
                log(f"已为 {authority} 创建签章密钥 {key.key_id}")
        keys.append(key)
    return keys


# --- loaded keys (decrypted once per process) -----------------------------------------------


@dataclass(frozen=True)
class LoadedKey:
    """A signing key ready to use: decrypted private key with its certificate and CA."""

    key_id: str
    authority_name: str
    private_key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    ca_certificate: x509.Certificate

    def __repr__(self) -> str:  # never print key material
        return f"LoadedKey(key_id={self.key_id!r}, authority={self.authority_name!r})"


_loaded: dict[str, LoadedKey] = {}
_loaded_lock = threading.Lock()


def load_signing_key(signing_key: SigningKey) -> LoadedKey:
    """Decrypt ``signing_key`` once per process (cached by key id)."""
    cached = _loaded.get(signing_key.key_id)
    if cached is not None:
        return cached
    with _loaded_lock:
        if signing_key.key_id not in _loaded:
            _loaded[signing_key.key_id] = LoadedKey(
                key_id=signing_key.key_id,
                authority_name=signing_key.authority.name,
                private_key=decrypt_private_key(signing_key.encrypted_private_key),
                certificate=x509.load_pem_x509_certificate(signing_key.certificate_pem.encode()),
                ca_certificate=x509.load_pem_x509_certificate(
                    signing_key.ca.certificate_pem.encode()
                ),
            )
        return _loaded[signing_key.key_id]


def clear_key_cache() -> None:
    """Forget decrypted keys (tests; after a KEK rotation)."""
    with _loaded_lock:
        _loaded.clear()


# --- publication ----------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk(public_key: ec.EllipticCurvePublicKey, kid: str) -> dict:
    """RFC 7517 JWK of a P-256 public key, usable with any JOSE library."""
    numbers = public_key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64url(numbers.x.to_bytes(32, "big")),
        "y": _b64url(numbers.y.to_bytes(32, "big")),
        "kid": kid,
        "use": "sig",
        "alg": "ES256",
    }


def key_set() -> dict:
    """The published JSON key set: the CA and every signing key (active or retired)."""
    ca = PlatformCA.objects.order_by("created").first()
    keys = []
    for key in SigningKey.objects.select_related("authority").order_by(
        "authority__name", "-created"
    ):
        cert = x509.load_pem_x509_certificate(key.certificate_pem.encode())
        keys.append(
            {
                "kid": key.key_id,
                "authority": key.authority.name,
                "authority_slug": key.authority.slug,
                "fingerprint_sha256": key.fingerprint,
                "jwk": public_jwk(cert.public_key(), key.key_id),
                "certificate_pem": key.certificate_pem,
                "not_before": key.not_before.isoformat(),
                "not_after": key.not_after.isoformat(),
                "active": key.is_active,
                # active · retired · revoked; a revoked key's signatures made before
                # compromised_from (proved by their time-stamp) stay valid.
                "state": key.state,
                "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
                "compromised_from": (
                    key.compromised_from.isoformat() if key.compromised_from else None
                ),
                "revocation_reason": key.revocation_reason or None,
            }
        )
    return {
        "ca": (
            {
                "name": ca.name,
                "fingerprint_sha256": ca.fingerprint,
                # Checks the signed revocation list (/keys/revoked.json) in offline verifiers.
                "jwk": public_jwk(
                    x509.load_pem_x509_certificate(ca.certificate_pem.encode()).public_key(), "ca"
                ),
                "certificate_pem": ca.certificate_pem,
                "not_before": ca.not_before.isoformat(),
                "not_after": ca.not_after.isoformat(),
            }
            if ca
            else None
        ),
        "keys": keys,
    }

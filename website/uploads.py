"""Hostile-upload defences shared by every app that reads a file from outside.

Plain functions, no request: text cleaning (control and bidirectional characters), a zip
inspector run before openpyxl or python-docx ever see an XLSX/DOCX (member count, declared and
real decompressed size, no DOCTYPE/ENTITY in any XML member, which closes entity-expansion bombs
whatever parser comes next) and the escaping of spreadsheet cells against formula injection.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

# C0 controls except tab and newline (CR is folded into newline by the readers), DEL, C1
# controls, the left-to-right/right-to-left marks and the embedding/override/isolate characters
# that make a name render differently from what it is.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class UnsafeUpload(ValueError):
    """A file refused before parsing; the message is Chinese and names the limit."""


class DamagedZip(UnsafeUpload):
    """Not a readable zip at all (callers may word this in their own terms)."""


def clean_text(value: str, *, multiline: bool = True) -> str:
    """The text without control and bidirectional characters (tab/newline kept if multiline).

    CR/LF pairs become LF first so a Windows file keeps its line breaks.
    """
    if not value:
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return (_UNSAFE if multiline else _UNSAFE_ONE_LINE).sub("", value)


def has_unsafe(value: str, *, multiline: bool = True) -> bool:
    return bool((_UNSAFE if multiline else _UNSAFE_ONE_LINE).search(value or ""))


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 2000
    max_total_bytes: int = 100 * 1024 * 1024
    max_member_bytes: int = 50 * 1024 * 1024
    # An honest Office file compresses its XML perhaps 10-20 times; bombs compress thousands.
    max_ratio: int = 200


_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_CHUNK = 64 * 1024


def _utf16_xml(head: bytes) -> bool:
    return head.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"))


def inspect_zip(data: bytes, *, kind: str, limits: ZipLimits | None = None) -> None:
    """Refuse a zip container (XLSX/DOCX) that could exhaust memory or smuggle entities.

    Declared sizes and the member count are checked from the central directory before any
    decompression; then every XML member is decompressed in chunks, counting the real bytes
    (declared sizes can lie) and looking for DOCTYPE/ENTITY declarations, which no Office
    file needs.
    """
    limits = limits or ZipLimits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise DamagedZip(f"文件不是有效的 {kind} 文件（压缩包已损坏）。") from error
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            raise UnsafeUpload(
                f"{kind} 文件包含的部件过多（{len(members)} 个，上限 {limits.max_members} 个）。"
            )
        declared = sum(member.file_size for member in members)
        if declared > limits.max_total_bytes:
            raise UnsafeUpload(
                f"{kind} 文件解压后过大（{declared // (1024 * 1024)} MB，"
                f"上限 {limits.max_total_bytes // (1024 * 1024)} MB）。"
            )
        total = 0
        for member in members:
            if member.file_size > limits.max_member_bytes:
                raise UnsafeUpload(f"{kind} 文件中的部件 {member.filename} 解压后过大。")
            compressed = max(member.compress_size, 1)
            if member.file_size > 1024 * 1024 and member.file_size / compressed > limits.max_ratio:
                raise UnsafeUpload(f"{kind} 文件的压缩比异常（疑似压缩炸弹），已拒绝。")
            is_xml = member.filename.lower().endswith((".xml", ".rels", ".vml"))
            size = 0
            tail = b""
            try:
                with archive.open(member) as stream:
                    while chunk := stream.read(_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > limits.max_member_bytes or total > limits.max_total_bytes:
                            raise UnsafeUpload(
                                f"{kind} 文件解压后超过上限 "
                                f"{limits.max_total_bytes // (1024 * 1024)} MB，已拒绝。"
                            )
                        if not is_xml:
                            continue
                        if size == len(chunk) and _utf16_xml(chunk[:2]):
                            raise UnsafeUpload(f"{kind} 文件使用了不支持的 XML 编码（UTF-16）。")
                        if _DOCTYPE.search(tail + chunk):
                            raise UnsafeUpload(
                                f"{kind} 文件中的 XML 含有 DOCTYPE/实体声明，"
                                "可能是恶意构造的文件，已拒绝。"
                            )
                        tail = chunk[-16:]
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
                raise DamagedZip(f"文件不是有效的 {kind} 文件（压缩包已损坏）。") from error
            except RuntimeError as error:  # encrypted member
                raise UnsafeUpload(f"{kind} 文件已加密，请先取消密码保护。") from error


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A cell value that a spreadsheet shows as text, never runs as a formula.

    Strings beginning with = + - @ tab or CR get a leading apostrophe (OWASP's advice);
    numbers and dates pass unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value

"""Hostile files built at test time (nothing large is committed) and a memory-capped child.

`run_capped` parses a file in a fresh Python process whose address space is limited with
RLIMIT_AS (512 MB by default) after Django is set up: a parser that tried to inflate a bomb would
die with MemoryError there, and the test would see it, instead of the test runner swelling.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook

MEMORY_LIMIT = 512 * 1024 * 1024

_CHILD = r"""
import json, os, resource, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings.test")
django.setup()
import importlib
module_name, function_name = sys.argv[1].rsplit(".", 1)
function = getattr(importlib.import_module(module_name), function_name)
data = open(sys.argv[2], "rb").read()
limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    result = function(data)
    print(json.dumps({"ok": repr(result)[:200]}))
except MemoryError:
    print(json.dumps({"memory": True}))
    sys.exit(3)
except Exception as error:
    print(json.dumps({"error": str(error), "type": type(error).__name__}, ensure_ascii=False))
"""


def run_capped(function: str, data: bytes, tmp_path: Path, limit: int = MEMORY_LIMIT) -> dict:
    """Call `module.function(data)` in a child capped at `limit` bytes; its JSON verdict."""
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD, function, str(path), str(limit)],
        capture_output=True,
        text=True,
        cwd=os.getcwd(),
        env={**os.environ, "PYTHONPATH": os.getcwd()},
        timeout=300,
    )
    assert completed.returncode == 0, (
        completed.returncode,
        completed.stdout,
        completed.stderr[-2000:],
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def rewrite_zip(
    data: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None
) -> bytes:
    """A copy of a zip with some members' contents replaced (and others added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, replace.get(item.filename, source.read(item.filename)))
        present = set(source.namelist())
        extra = {**{k: v for k, v in replace.items() if k not in present}, **(add or {})}
        for name, content in extra.items():
            target.writestr(name, content)
    return out.getvalue()


def small_xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_claiming(dimension: str, rows: list[list]) -> bytes:
    """A tiny XLSX whose sheet claims the range `dimension` (e.g. A1:XFD20000)."""
    data = small_xlsx(rows)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    import re

    sheet = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>', sheet)
    return rewrite_zip(data, {"xl/worksheets/sheet1.xml": sheet.encode()})


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
)


def with_billion_laughs(data: bytes, member: str, root_open: bytes) -> bytes:
    """The zip with `member` replaced by a billion-laughs document (root element `root_open`)."""
    body = LAUGHS + root_open + b"&lol9;" + b"</" + root_open[1:].split(b" ")[0].rstrip(b">") + b">"
    return rewrite_zip(data, {member: body})


def zip_bomb(kind_member: str, base: bytes, size: int = 300 * 1024 * 1024) -> bytes:
    """The zip plus one member of `size` zero bytes (a few hundred KB compressed)."""
    out = io.BytesIO(base)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(kind_member, "w", force_zip64=True) as stream:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                stream.write(chunk)
    return out.getvalue()


def lying_zip_bomb(base: bytes, member: str, size: int = 300 * 1024 * 1024) -> bytes:
    """A bomb whose central directory claims a tiny uncompressed size for the big member."""
    data = bytearray(zip_bomb(member, base, size))
    # Patch the central-directory record's uncompressed size (zip64 extra keeps the real one,
    # which Python reads first); we rewrite it to 1 KB in both places.
    import struct

    index = data.rfind(b"PK\x01\x02")
    while index != -1:
        name_length = struct.unpack_from("<H", data, index + 28)[0]
        name = bytes(data[index + 46 : index + 46 + name_length])
        if name.decode() == member:
            extra_length = struct.unpack_from("<H", data, index + 30)[0]
            struct.pack_into("<I", data, index + 24, 1024)
            extra = index + 46 + name_length
            end = extra + extra_length
            while extra < end:
                tag, length = struct.unpack_from("<HH", data, extra)
                if tag == 1 and length >= 8:
                    struct.pack_into("<Q", data, extra + 4, 1024)
                extra += 4 + length
            break
        index = data.rfind(b"PK\x01\x02", 0, index)
    return bytes(data)

"""Compile the project's .po catalogues to .mo without GNU gettext (polib, a dev dependency).

Run ``python -m website.locale.compile`` after editing a .po file; the .mo files are committed so
that a fresh install needs no gettext tools.
"""

from __future__ import annotations

from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent


def compile_all() -> list[Path]:
    import polib

    written = []
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(path.relative_to(LOCALE_DIR))

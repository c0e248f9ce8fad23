"""Rebuild the embedded font subset (a development tool, not run by the site).

Usage: python website/fonts/build_subset.py /usr/share/fonts/truetype/arphic/uming.ttc 0 \
           website/fonts/ARPLUMingCN-GB2312.ttf
(uming.ttc from Debian's fonts-arphic-uming; requires fontTools.)
"""

import os
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

# Punctuation and symbols of official documents beyond GB 2312's rows (〇 for 二〇二四年).
EXTRA = "〇〔〕（）《》「」『』【】、。，；：？！“”‘’—…·●○□■△▲☆★×√№℃　￥–―"


def gb2312_characters() -> set[str]:
    """Every character of GB 2312: symbols (rows 1–9) and hanzi levels 1 and 2 (rows 16–87)."""
    chars = set()
    for lead in list(range(0xA1, 0xAA)) + list(range(0xB0, 0xF8)):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def main(source: str, index: int, target: str) -> None:
    font = TTCollection(source).fonts[index]
    chars = gb2312_characters() | {chr(c) for c in range(0x20, 0x7F)} | set(EXTRA)
    options = subset.Options()
    # TrueType outlines only: bitmaps, hinting and layout tables add size reportlab never uses.
    options.drop_tables += ["EBDT", "EBLC", "EBSC", "GSUB", "GPOS", "vhea", "vmtx"]
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_legacy = True
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    font.save(target)
    print(target, os.path.getsize(target), "bytes,", len(chars), "characters")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])

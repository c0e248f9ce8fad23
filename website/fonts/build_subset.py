"""Rebuild the embedded font subset (a development tool, not run by the site).

Usage: python website/fonts/build_subset.py /usr/share/fonts/truetype/arphic/uming.ttc 0 \
           website/fonts/ARPLUMingCN-GB2312.ttf
(uming.ttc from Debian's fonts-arphic-uming; requires fontTools.)
"""

import sys
from fontTools.ttLib import TTCollection
from fontTools import subset

src, idx, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
coll = TTCollection(src)
font = coll.fonts[idx]
print(font["name"].getDebugName(1), font["name"].getDebugName(4), "glyf" in font, "EBDT" in font)
chars = set()
for b1 in range(0xB0, 0xF8):
    for b2 in range(0xA1, 0xFF):
        try:
            chars.add(bytes([b1, b2]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
for b1 in range(0xA1, 0xAA):
    for b2 in range(0xA1, 0xFF):
        try:
            chars.add(bytes([b1, b2]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
chars |= set(chr(c) for c in range(0x20, 0x7F))
chars |= set("〇〔〕（）《》「」『』【】、。，；：？！“”‘’—…·●○□■△▲☆★×√№℃　￥—–-―·")
opts = subset.Options()
opts.drop_tables += ["EBDT", "EBLC", "EBSC", "GSUB", "GPOS", "vhea", "vmtx"]
opts.hinting = False
opts.name_IDs = ["*"]
opts.name_legacy = True
opts.name_languages = ["*"]
opts.notdef_outline = True
sub = subset.Subsetter(opts)
sub.populate(unicodes=[ord(c) for c in chars])
sub.subset(font)
font.save(out)
import os

print(out, os.path.getsize(out), len(chars))

"""Three corrections to reportlab (5.1), applied once when the PDF renderer is imported.

1. Text extraction of characters outside the BMP. reportlab writes the ToUnicode map of a
   TrueType subset as ``<%04X>`` of the code point, so 𠮷 (U+20BB7) becomes ``<20BB7>``, which a
   PDF reader takes as U+20BB. The name still *prints* right, but copying it, searching the PDF
   or matching a signed scan to its text would see another character. The map must hold UTF-16BE,
   a surrogate pair for such characters.
2. Line breaking. reportlab's CJK wrapper keeps a character that "cannot start a line" on the
   line before, but its list lacks the full-width punctuation of Chinese text (，；：！？）》 …),
   so a line could begin with a comma.
3. Images. reportlab wraps every embedded image in ASCII85 text, in pure Python when its C
   accelerator is absent: a case file of 20 scans spent two of its three seconds there, and the
   file was a quarter larger. PDF streams may be binary, so images are written as they are.
"""

from __future__ import annotations

from reportlab import rl_config
from reportlab.lib import textsplit
from reportlab.pdfbase import ttfonts
from reportlab.platypus import paragraph

_CHINESE_CANNOT_START = "，；：！？）》」』】〕〉〗〙〛｝］＞…—～·％‰℃°’”、。．"


def _utf16_hex(code_point: int) -> str:
    return chr(code_point).encode("utf-16-be", "surrogatepass").hex().upper()


def make_to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    cmap = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        "<< /Registry (%s)" % fontname,
        "/Ordering (%s)" % fontname,
        "/Supplement 0",
        ">> def",
        "/CMapName /%s def" % fontname,
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<00> <%02X>" % (len(subset) - 1),
        "endcodespacerange",
        "%d beginbfchar" % len(subset),
    ] + ["<%02X> <%s>" % (i, _utf16_hex(v)) for i, v in enumerate(subset)] + [
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(cmap)


def apply() -> None:
    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap
    extra = "".join(c for c in _CHINESE_CANNOT_START if c not in paragraph.ALL_CANNOT_START)
    paragraph.ALL_CANNOT_START = paragraph.ALL_CANNOT_START + extra
    textsplit.ALL_CANNOT_START = paragraph.ALL_CANNOT_START
    rl_config.useA85 = 0


apply()

"""The fonts' character maps are kept between runs (documents/glyphs.py): a DOCX or a preview
checks its characters without parsing 5–30 MB fonts again, and a damaged map is read afresh."""

from __future__ import annotations

import subprocess
import sys

from mediator_desktop import paths
from mediator_desktop.documents import glyphs
from mediator_desktop.documents.style import builtin_faces


def test_the_character_map_is_kept_and_read_back_the_same() -> None:
    face = builtin_faces()["fang"]
    glyphs.coverage.cache_clear()
    first = glyphs.coverage(face)
    kept = list(paths.cache_dir().glob(f"glyphs-{face.key}-*.u32"))
    assert len(kept) == 1 and kept[0].stat().st_size == 4 * len(first)
    assert ord("调") in first and 0x20BB7 not in first          # 𠮷 is not in 仿宋

    glyphs.coverage.cache_clear()
    assert glyphs.coverage(face) == first

    kept[0].write_bytes(kept[0].read_bytes()[:-3])              # torn: not a whole number of entries
    glyphs.coverage.cache_clear()
    assert glyphs.coverage(face) == first


def test_a_docx_check_in_a_fresh_program_parses_no_font_once_the_maps_are_kept() -> None:
    code = ("import sys\n"
            "from mediator_desktop.documents import glyphs\n"
            "from mediator_desktop.documents.style import style_from_settings\n"
            "style = style_from_settings()\n"
            "faces = tuple(dict.fromkeys(style.body_faces + style.title_faces))\n"
            "glyphs.split_by_font('人民调解协议书 张三 𠮷', faces)\n"
            "print('reportlab.pdfbase.ttfonts' in sys.modules)\n")
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert first.stdout.strip() == "True" and again.stdout.strip() == "False"

"""Which font draws which character: per-glyph fallback for renderers that have none.

reportlab draws a paragraph in one font and prints a box (or nothing) for a character that font
lacks. So text is split into runs by the fonts' character maps: each character goes to the first
font of the chain that has it (a rare name character such as 𠮷 U+20BB7 to 花園明朝B). A character
no font has stops the render with :class:`MissingGlyphError`, which names the character and the
field it is in — never a silent box.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from array import array
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from mediator_desktop import paths
from mediator_desktop.documents.model import Document, Run, walk_runs
from mediator_desktop.documents.style import DocumentStyle, FontFace

# Characters that are layout, not glyphs: a renderer handles them itself (U+2060 WORD JOINER
# keeps a span on one line; U+2011 marks a no-break hyphen for the DOCX renderer).
_LAYOUT = frozenset("\n\r\t\u200b\u200c\u200d\u2011\u2060\ufeff")
_lock = threading.Lock()
log = logging.getLogger(__name__)


class MissingGlyphError(ValueError):
    """A character that none of the document fonts can draw."""

    def __init__(self, char: str, field: str, context: str) -> None:
        self.char, self.field, self.context = char, field, context
        where = f"“{field}”中" if field else ""
        super().__init__(
            f"无法打印：{where}的字“{char}”（U+{ord(char):04X}）在所有字体中都没有，打印出来会是方框。"
            f"所在文字：“{context}”。请改用常见写法，或在设置中指定包含此字的字体。")


@cache
def font_name(face: FontFace) -> str:
    """Register ``face`` with reportlab once and return its registered name. The font's
    parsed tables are kept between runs (:mod:`~mediator_desktop.documents.fontcache`)."""
    from reportlab.pdfbase import pdfmetrics

    from mediator_desktop.documents.fontcache import KeptTTFont

    with _lock:
        name = f"md-{face.key}"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(KeptTTFont(name, face.path, face.index))
        return name


def _coverage_file(face: FontFace) -> Path | None:
    """Where the character map of ``face`` is kept between runs: named by the font file's size
    and modification time, so a changed font is read again."""
    try:
        st = face.path.stat()
    except OSError:
        return None
    return paths.cache_dir() / f"glyphs-{face.key}-{st.st_size}-{st.st_mtime_ns}.u32"


@cache
def coverage(face: FontFace) -> frozenset[int]:
    """The code points ``face`` has a glyph for.

    Reading a font's tables takes 0.1–0.3 s (the built-in ones are 5–30 MB), so the character
    map is kept in the cache folder after the first read: checking a document for characters no
    font has (every DOCX, every preview) then costs no font parsing at all."""
    cached = _coverage_file(face)
    if cached is not None and cached.exists():
        codes = array("I")
        try:
            codes.frombytes(cached.read_bytes())
            return frozenset(codes)
        except (OSError, ValueError) as exc:
            log.warning("glyph cache %s unreadable, reading the font again: %s", cached, exc)
    from reportlab.pdfbase import pdfmetrics

    font = pdfmetrics.getFont(font_name(face))
    found = frozenset(font.face.charToGlyph)
    if cached is not None:
        try:
            # A file of its own, renamed whole: a second program reading at the same moment
            # sees the whole map or none.
            fd, tmp = tempfile.mkstemp(dir=paths.private_dir(cached.parent), suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(array("I", sorted(found)).tobytes())
            os.replace(tmp, cached)
        except OSError as exc:
            log.warning("could not keep the glyph cache %s: %s", cached, exc)
    return found


@cache
def family_name(face: FontFace) -> str:
    """The family name a word processor knows ``face`` by once installed (``HanaMinB``)."""
    from reportlab.pdfbase import pdfmetrics

    name = pdfmetrics.getFont(font_name(face)).face.familyName
    return name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name)


def face_for(char: str, faces: tuple[FontFace, ...]) -> FontFace | None:
    code = ord(char)
    for face in faces:
        if code in coverage(face):
            return face
    return None


def split_by_font(text: str, faces: tuple[FontFace, ...], field: str = "") -> list[tuple[FontFace, str]]:
    """``text`` as consecutive (face, piece) runs, each piece drawable by its face."""
    pieces: list[tuple[FontFace, str]] = []
    primary = faces[0]
    for i, char in enumerate(text):
        if char in _LAYOUT:
            face: FontFace | None = pieces[-1][0] if pieces else primary
        else:
            face = face_for(char, faces)
            if face is None:
                raise MissingGlyphError(char, field, text[max(0, i - 10): i + 11])
        assert face is not None
        if pieces and pieces[-1][0] == face:
            pieces[-1] = (face, pieces[-1][1] + char)
        else:
            pieces.append((face, char))
    return pieces


def check_runs(runs: Iterable[Run], faces: tuple[FontFace, ...]) -> None:
    for run in runs:
        split_by_font(run.text, faces, run.field)


def check_document(document: Document, style: DocumentStyle) -> None:
    """Raise :class:`MissingGlyphError` for the first character no font of ``style`` can draw.

    Every role's chain ends in the same built-in fonts, so checking against the union is
    checking against each chain."""
    faces = tuple(dict.fromkeys(style.body_faces + style.title_faces))
    check_runs(walk_runs(document.blocks), faces)
    check_runs([Run(document.title, field="标题"), Run(document.furniture.number, field="编号"),
                Run(document.furniture.header_left, field="调解组织名称")], faces)

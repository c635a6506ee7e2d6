"""How documents look: fonts, sizes and margins, read once from the settings.

The form builders never see this; only the renderers do. Defaults follow GB/T 9704-2012
(LEGAL.md §8): A4, margins 37/28/35/26 mm, body 3号 (16 pt), title 2号 (22 pt), 22 lines a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mediator_desktop import settings as opts
from mediator_desktop.documents.model import Role
from mediator_desktop.paths import fonts_dir

A4_MM = (210.0, 297.0)


@dataclass(frozen=True)
class FontFace:
    """A font file (TrueType ``glyf`` outlines: reportlab embeds nothing else) and its face."""

    path: Path
    index: int = 0                 # the face inside a .ttc collection

    @property
    def key(self) -> str:
        return f"{self.path.stem}-{self.index}"


@dataclass(frozen=True)
class DocumentStyle:
    title_faces: tuple[FontFace, ...]   # the title font, then fallbacks for characters it lacks
    body_faces: tuple[FontFace, ...]
    word_font_title: str = "黑体"        # font names Word on a Chinese PC knows
    word_font_body: str = "仿宋"
    size_title: float = 22
    size_body: float = 16
    size_table: float = 12
    margin_top_mm: float = 37
    margin_bottom_mm: float = 35
    margin_left_mm: float = 28
    margin_right_mm: float = 26
    sign_and_fingerprint: bool = True

    def size(self, role: Role) -> float:
        return {Role.TITLE: self.size_title, Role.SUBTITLE: self.size_body, Role.HEADING: self.size_body,
                Role.BODY: self.size_body, Role.TABLE: self.size_table,
                Role.SMALL: max(self.size_table - 2, 9)}[role]

    def faces(self, role: Role) -> tuple[FontFace, ...]:
        return self.title_faces if role in (Role.TITLE, Role.HEADING) else self.body_faces

    def leading(self, role: Role) -> float:
        """Line distance. Body: the page height shared by 22 lines (GB/T 9704), never tighter
        than 1.5 lines of text."""
        size = self.size(role)
        if role in (Role.BODY, Role.SUBTITLE, Role.HEADING):
            usable_pt = (A4_MM[1] - self.margin_top_mm - self.margin_bottom_mm) / 25.4 * 72
            return max(usable_pt / 22, size * 1.5)
        return size * 1.45

    def chars_per_line(self, role: Role = Role.BODY) -> int:
        """Characters on a full line of running text: GB/T 9704's 28 of 3号 in 156 mm."""
        return max(1, round(self.text_width_mm / 25.4 * 72 / self.size(role)))

    def char_space(self, role: Role) -> float:
        """Points added after each character of running text so a line holds exactly
        :meth:`chars_per_line` characters — the character grid (文档网格) of Word. At 3号 (16 pt)
        in 156 mm that is −0.21 pt: 16 pt characters side by side make only 27 a line."""
        if role not in (Role.BODY, Role.SUBTITLE, Role.HEADING):
            return 0.0
        width = self.text_width_mm / 25.4 * 72
        return width / self.chars_per_line(role) - self.size(role)

    @property
    def text_width_mm(self) -> float:
        return A4_MM[0] - self.margin_left_mm - self.margin_right_mm


def builtin_faces() -> dict[str, FontFace]:
    d = fonts_dir()
    return {
        "fang": FontFace(d / "FandolFang-Regular.ttf"), # Fandol 仿宋: body (GB/T 9704), GB 2312 and more
        "sans": FontFace(d / "wqy-microhei.ttc", 0),   # 文泉驿微米黑: titles (黑体 style)
        "serif": FontFace(d / "HanaMinA.ttf"),          # 花園明朝A: fallback (宋体 style), BMP + Ext-A
        "serif-b": FontFace(d / "HanaMinB.ttf"),        # 花園明朝B: Ext-B … Ext-F (𠮷 𫖮)
    }


def font_file_problem(value: str) -> str | None:
    """Why the font file named in a setting cannot be used for PDFs (Chinese), or None.

    reportlab embeds only TrueType outlines (``glyf``): a CFF-based .otf is refused here rather
    than failing at print time. A .ttc collection takes ``path#index`` to choose its face."""
    if not value.strip():
        return None
    path, _, index = value.strip().partition("#")
    file = Path(path).expanduser()
    if not file.is_file():
        return f"找不到字体文件“{file}”"
    if index and not index.isdigit():
        return "字体文件后的“#”后面应是字体序号，如 simsun.ttc#0"
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    try:
        TTFont("check", str(file), subfontIndex=int(index or 0))
    except (TTFError, OSError, ValueError, IndexError) as exc:
        return f"“{file.name}”不能用于生成 PDF（需要 TrueType 字体，.ttf 或 .ttc）：{exc}"
    return None


def _face_from_setting(value: str) -> FontFace | None:
    """A font file named in the settings, ``path`` or ``path#index`` for a collection."""
    if not value.strip():
        return None
    path, _, index = value.strip().partition("#")
    face = FontFace(Path(path).expanduser(), int(index) if index.isdigit() else 0)
    return face if face.path.is_file() else None


def style_from_settings(settings: opts.Settings | None = None) -> DocumentStyle:
    s = settings or opts.Settings()
    built = builtin_faces()
    fallbacks = (built["serif"], built["sans"], built["serif-b"])
    title = _face_from_setting(s.get(opts.DOC_FONT_TITLE))
    body = _face_from_setting(s.get(opts.DOC_FONT_BODY))
    title_faces = tuple(dict.fromkeys([title or built["sans"], *fallbacks]))
    body_faces = tuple(dict.fromkeys([body or built["fang"], *fallbacks]))
    return DocumentStyle(
        title_faces=title_faces, body_faces=body_faces,
        word_font_title=s.get(opts.DOC_WORD_FONT_TITLE) or "黑体",
        word_font_body=s.get(opts.DOC_WORD_FONT_BODY) or "仿宋",
        size_title=s.get(opts.DOC_SIZE_TITLE), size_body=s.get(opts.DOC_SIZE_BODY),
        size_table=s.get(opts.DOC_SIZE_TABLE),
        margin_top_mm=s.get(opts.DOC_MARGIN_TOP), margin_bottom_mm=s.get(opts.DOC_MARGIN_BOTTOM),
        margin_left_mm=s.get(opts.DOC_MARGIN_LEFT), margin_right_mm=s.get(opts.DOC_MARGIN_RIGHT),
        sign_and_fingerprint=s.get(opts.DOC_SIGN_AND_FINGERPRINT),
    )

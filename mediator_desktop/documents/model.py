"""The document model: every form (文书) is built once as data and rendered twice.

A form builder (``forms.py``) turns a case into a :class:`Document` — title, paragraphs, tables,
signature areas, page furniture — and knows nothing about PDF or Word. ``render_pdf`` and
``render_docx`` each turn the same :class:`Document` into a file, so the two never disagree about
what a form says; they may differ only in how a page is laid out by the program that shows it.

Text carries the *field* it came from (``Run.field``: “当事人姓名”, “协议条款”), so a character no
font can draw stops the print with a message naming the character and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

#: U+2060 WORD JOINER: no line break on either side, takes no room (both renderers honour it).
WORD_JOINER = "\u2060"

# What a line must never cut (issue 12): a case or document code such as （2026）忙畔人调字第1号
# or 〔2026〕龙调字第001号, a date 2026年10月9日 (and a time 9时30分 after it), a phone number
# with its area code 0883-2123456.
_UNBREAKABLE = re.compile(
    r"[（(〔\[]\d{4}[）)〕\]][^\s，。；：、,;:（(〔\[]{0,24}?第\d+号"
    r"|\d{4}年\d{1,2}月(?:\d{1,2}日)?(?:\d{1,2}时(?:\d{1,2}分)?)?"
    r"|\d{1,2}月\d{1,2}日"
    r"|\d{1,2}时\d{1,2}分"
    r"|\d{3,4}-\d{7,8}(?:-\d{1,6})?"
)


def unbreakable_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every span of ``text`` that must stay on one line."""
    return [m.span() for m in _UNBREAKABLE.finditer(text)]


def whole_segments(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, must stay whole) in order (the DOCX renderer gives each such
    span a run of its own)."""
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in unbreakable_spans(text):
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text) or not out:
        out.append((text[at:], False))
    return out


def _word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def keep_whole(text: str, hyphen: str = "-") -> str:
    """``text`` with a word joiner wherever a line could break inside a span that must stay on
    one line (between two letters or digits no line breaks anyway, so none goes there), and
    each hyphen of such a span replaced by ``hyphen`` (the DOCX renderer marks its no-break
    hyphens so). The document's own text (hashed, tested) has neither."""
    spans = unbreakable_spans(text)
    if not spans:
        return text
    out, at = [], 0
    for start, end in spans:
        out.append(text[at:start])
        span = text[start:end]
        for i, char in enumerate(span):
            if i and not (_word_char(span[i - 1]) and _word_char(char)) and char != "-" and span[i - 1] != "-":
                out.append(WORD_JOINER)
            out.append(hyphen if char == "-" else char)
        at = end
    out.append(text[at:])
    return "".join(out)


class Align(str, Enum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"
    JUSTIFY = "justify"


class Role(str, Enum):
    """Which font and size a paragraph uses (the sizes are settings, see ``DocumentStyle``)."""

    TITLE = "title"        # 2号 小标宋/黑体
    SUBTITLE = "subtitle"  # smaller line under the title, e.g. （申请司法确认调解协议用）
    HEADING = "heading"    # 黑体 lines inside the body: 一、纠纷主要事实
    BODY = "body"          # 3号 仿宋/宋体 running text
    TABLE = "table"        # 小四–四号 text of tabular forms
    SMALL = "small"        # notes and page furniture


@dataclass(frozen=True)
class Run:
    """A piece of text with one look. ``field`` names where it came from, in Chinese."""

    text: str
    bold: bool = False
    underline: bool = False
    field: str = ""


@dataclass
class Paragraph:
    runs: list[Run]
    role: Role = Role.BODY
    align: Align = Align.JUSTIFY
    indent: bool = False           # first line indented by two characters
    keep_with_next: bool = False
    space_before: float = 0.0      # in lines of this paragraph's size
    space_after: float = 0.0

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def para(*parts: str | Run, role: Role = Role.BODY, align: Align = Align.JUSTIFY, indent: bool = False,
         field: str = "", keep_with_next: bool = False, space_before: float = 0.0,
         space_after: float = 0.0) -> Paragraph:
    """A paragraph from strings and runs; bare strings take ``field`` as their source."""
    runs = [p if isinstance(p, Run) else Run(p, field=field) for p in parts]
    return Paragraph([r for r in runs if r.text], role, align, indent, keep_with_next, space_before, space_after)


@dataclass
class Cell:
    paragraphs: list[Paragraph]
    colspan: int = 1
    min_height_mm: float = 0.0     # room for a signature, a seal or a fingerprint
    shade: bool = False            # label cells of a form are lightly shaded

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


def cell(*parts: str | Run, role: Role = Role.TABLE, align: Align = Align.LEFT, colspan: int = 1,
         min_height_mm: float = 0.0, shade: bool = False, field: str = "") -> Cell:
    """A cell of one paragraph per line of ``parts`` joined; ``\\n`` in a string starts a new one."""
    paragraphs: list[Paragraph] = []
    current: list[str | Run] = []
    for part in parts:
        text = part.text if isinstance(part, Run) else part
        if isinstance(part, str) and "\n" in part:
            lines = part.split("\n")
            current.append(lines[0])
            for line in lines[1:]:
                paragraphs.append(para(*current, role=role, align=align, field=field))
                current = [line]
        elif text:
            current.append(part)
    paragraphs.append(para(*current, role=role, align=align, field=field))
    return Cell(paragraphs, colspan, min_height_mm, shade)


@dataclass
class Table:
    """A grid. ``widths`` are relative; a row of fewer cells than columns is padded with colspans.

    ``keep_together`` keeps the whole table on one page when it fits (a signature block);
    ``borders`` False gives a layout table (signature lines without a grid)."""

    rows: list[list[Cell]]
    widths: list[float]
    borders: bool = True
    keep_together: bool = False
    header_rows: int = 0

    @property
    def columns(self) -> int:
        return len(self.widths)

    def spans(self, row: list[Cell]):  # type: ignore[no-untyped-def]
        """(first column, column span, cell) for each cell of ``row``: a row of fewer cells than
        columns has its last cell span the columns left over. Both renderers merge by this."""
        col = 0
        for i, c in enumerate(row):
            span = c.colspan if i < len(row) - 1 else max(c.colspan, self.columns - col)
            span = min(span, self.columns - col)
            yield col, span, c
            col += span

    @property
    def text(self) -> str:
        return "\n".join(c.text for row in self.rows for c in row)


@dataclass
class Spacer:
    height_mm: float


@dataclass
class PageBreak:
    pass


@dataclass
class KeepTogether:
    """Blocks that must share a page: the last signatures, the seal area and the date."""

    blocks: list[Block]

    @property
    def text(self) -> str:
        return "\n".join(block_text(b) for b in self.blocks)


@dataclass
class Image:
    """A picture (a logo, a scanned page) at a width in mm; ``data`` is PNG or JPEG bytes."""

    data: bytes
    width_mm: float
    align: Align = Align.CENTER
    caption: str = ""


Block = Paragraph | Table | Spacer | PageBreak | KeepTogether | Image


@dataclass
class PageFurniture:
    """What every page carries. ``number`` (编号) goes top right; the footer says
    “第 x 页 共 y 页”; ``qr_payload`` is drawn as a QR code in the bottom corner of every page."""

    number: str = ""
    page_numbers: bool = True
    qr_payload: str = ""
    header_left: str = ""          # a studio's name on its documents
    logo: bytes = b""              # a studio's logo (PNG/JPEG), top left


@dataclass
class Document:
    """One form, ready to render. ``kind`` is the CLI name (``agreement``, ``acceptance`` …)."""

    kind: str
    title: str
    blocks: list[Block]
    furniture: PageFurniture = field(default_factory=PageFurniture)
    copies: int = 1                # how many originals to print (the agreement: parties + 1)
    file_stem: str = ""            # proposed file name without suffix

    def title_paragraph(self) -> Paragraph:
        """The title as the first paragraph of the page, centred, as both renderers print it."""
        return Paragraph([Run(self.title, field="标题")], Role.TITLE, Align.CENTER, space_after=0.6)

    @property
    def text(self) -> str:
        """All the text of the document, in reading order (for hashing and tests)."""
        return "\n".join(block_text(b) for b in self.blocks)


def block_text(block: Block) -> str:
    if isinstance(block, (Paragraph, Table, KeepTogether)):
        return block.text
    if isinstance(block, Image):
        return block.caption
    return ""


def walk_runs(blocks: list[Block]):  # type: ignore[no-untyped-def]
    """Every run of every paragraph, tables and groups included, in order."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield from block.runs
        elif isinstance(block, Table):
            for row in block.rows:
                for c in row:
                    for p in c.paragraphs:
                        yield from p.runs
        elif isinstance(block, KeepTogether):
            yield from walk_runs(block.blocks)

"""Chinese line breaking for the PDF: spans that stay whole, the 28-character grid, justification.

reportlab's CJK wrapper (``wordWrap='CJK'``) may break between any two characters, so a case code
（2026）忙畔人调字第1号, a date 2026年10月9日 or a phone number could be cut at the end of a
line; it fills a line with as many characters as fit at the font size (27 of 3号 in GB/T 9704's
156 mm); and it does not justify Chinese lines at all. :class:`GridParagraph` replaces it:

* U+2060 WORD JOINER between two characters forbids a break there (the renderer puts it inside
  the spans :func:`~mediator_desktop.documents.model.unbreakable_spans` finds); it takes no room
  and is never drawn, so the text extracted from the PDF is the text of the document.
* A run of Latin letters and digits (a number, an amount, an ID or phone number, 0883-2123456)
  is one word: it moves to the next line whole.
* A character that cannot start a line (，。）…) stays on the line before; one that cannot end
  a line (（《“) goes to the next.
* ``char_space`` is added after every character — the character grid of Word's “文档网格”: with
  :meth:`~mediator_desktop.documents.style.DocumentStyle.char_space` a body line holds exactly
  28 characters of 3号. A justified line spreads (or squeezes) its characters to end at the right
  margin, as Word does with Chinese text.
"""

from __future__ import annotations

from typing import Any

from reportlab import rl_config
from reportlab.lib.textsplit import ALL_CANNOT_END
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.platypus.paragraph import FragLine, ParaLines, cjkU, makeCJKParaLine

WORD_JOINER = "\u2060"
_FUZZ = rl_config._FUZZ
_CANNOT_END = frozenset(ALL_CANNOT_END + "（《“‘〈【「『〔［｛")


def _is_word_char(char: str) -> bool:
    """Latin letters, digits and their punctuation, which break only at spaces."""
    return bool(char) and ord(char) < 0x2E80 and not char.isspace() and char != WORD_JOINER


def _allowed_break(units: list[Any], k: int, glued: list[bool]) -> bool:
    """May a line end before ``units[k]``?"""
    before, after = units[k - 1], units[k]
    if glued[k - 1]:
        return False
    if str(after) in rl_paragraph.ALL_CANNOT_START or str(before) in _CANNOT_END:
        return False
    return not (_is_word_char(str(before)) and _is_word_char(str(after)))


def grid_frag_split(frags: list[Any], max_widths: list[float], calc_bounds: bool, char_space: float,
                    justify: bool) -> ParaLines:
    """``frags`` as CJK lines (``ParaLines`` kind 1) by the rules of this module."""
    units: list[Any] = []
    for f in frags:
        text = f.text
        if isinstance(text, bytes):
            text = text.decode("utf8")
        if text:
            units.extend(cjkU(t, f, "utf8") for t in text)
        else:
            units.append(cjkU(text, f, "utf8"))
    # glued[k]: no break between units[k] and units[k + 1] (a word joiner stands between them)
    glued = [False] * len(units)
    for k, u in enumerate(units):
        if str(u) == WORD_JOINER and k > 0:
            glued[k - 1] = True
            glued[k] = True

    def width(u: Any) -> float:
        if str(u) == WORD_JOINER:
            return 0.0
        w = u.width
        if hasattr(w, "normalizedValue"):
            w = w.normalizedValue(max_width)
        return float(w) + (char_space if str(u) else 0.0)

    lines: list[FragLine] = []
    start, n = 0, len(units)
    while start < n:
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        used, i, line_break = 0.0, start, False
        while i < n:
            u = units[i]
            if hasattr(u.frag, "lineBreak"):
                i += 1
                line_break = True
                break
            w = width(u)
            if used + w > max_width + _FUZZ and i > start:
                if str(u) in rl_paragraph.ALL_CANNOT_START and (i + 1 >= n or _allowed_break(units, i + 1, glued)):
                    used += w          # hangs on this line: justification squeezes it in
                    i += 1
                    break
                k = i
                while k > start + 1 and not _allowed_break(units, k, glued):
                    k -= 1
                if k > start + 1 or _allowed_break(units, k, glued):
                    used -= sum(width(x) for x in units[k:i])
                    i = k
                break
            used += w
            i += 1
        line_units = units[start:i]
        extra = max_width - used
        line = makeCJKParaLine(line_units, max_width, used, extra, line_break, calc_bounds)
        drawn = [u for u in line_units if str(u) and str(u) != WORD_JOINER]
        line.charSpace = char_space
        last = i >= n
        if justify and not last and not line_break and len(drawn) > 1:
            # the visible line ends at the margin: every gap takes a share of what is left over
            line.charSpace = char_space + (extra + char_space) / (len(drawn) - 1)
        lines.append(line)
        start = i
    return ParaLines(kind=1, lines=lines)


class GridParagraph(rl_paragraph.Paragraph):  # type: ignore[misc]  # reportlab has no types
    """A reportlab paragraph broken by :func:`grid_frag_split`; ``char_space`` in points."""

    def __init__(self, text: str, style: Any, char_space: float = 0.0, **kwargs: Any) -> None:
        self.char_space = char_space
        super().__init__(text, style, **kwargs)

    def breakLinesCJK(self, maxWidths: Any) -> Any:  # noqa: N802, N803 - reportlab's names
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        if not self.frags:
            return super().breakLinesCJK(maxWidths)
        calc_bounds = getattr(self, "autoLeading", getattr(self.style, "autoLeading", "")) not in ("", "off")
        justify = self.style.alignment == rl_paragraph.TA_JUSTIFY
        # reportlab wraps a paragraph again and again at the same width (tables, KeepTogether,
        # each page it is tried on): the lines are broken once per width.
        key = (tuple(maxWidths), id(self.frags), len(self.frags), self.char_space, calc_bounds, justify)
        cached = getattr(self, "_grid_lines", None)
        if cached is None or cached[0] != key:
            cached = (key, grid_frag_split(self.frags, list(maxWidths), calc_bounds, self.char_space, justify))
            self._grid_lines = cached
        return cached[1]

    def _get_split_blParaFunc(self) -> Any:  # noqa: N802 - reportlab's name
        if self.blPara.kind == 1:
            return _split_lines
        return super()._get_split_blParaFunc()

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803
        """reportlab builds the two halves with ``self.__class__(None, style, frags=…)``, where
        ``char_space`` takes its default: they get this paragraph's."""
        parts = super().split(availWidth, availHeight)
        for part in parts:
            if isinstance(part, GridParagraph):
                part.char_space = self.char_space
        return list(parts)


def _split_lines(bl_para: Any, start: int, stop: int) -> list[Any]:
    """The frags of lines ``start:stop`` as they were (reportlab's version puts a space after
    every line, which in Chinese text is a visible gap once the lines are wrapped again)."""
    return [w for line in bl_para.lines[start:stop] for w in line.words]


def _with_grid(draw: Any) -> Any:
    """Wrap a reportlab line-drawing function: our lines set the character spacing while they
    are drawn, and their word joiners are left out."""
    def drawn(tx: Any, offset: float, line: Any, last: int = 0) -> Any:
        space = getattr(line, "charSpace", None)
        if space is None:
            return draw(tx, offset, line, last)
        words = line.words
        line.words = [w.clone(text=w.text.replace(WORD_JOINER, "")) if WORD_JOINER in getattr(w, "text", "")
                      else w for w in words]
        tx.setCharSpace(space)
        try:
            return draw(tx, offset, line, last)
        finally:
            tx.setCharSpace(0)
            line.words = words

    drawn.__wrapped__ = draw  # type: ignore[attr-defined]
    return drawn


def apply() -> None:
    for name in ("_leftDrawParaLineX", "_centerDrawParaLineX", "_rightDrawParaLineX", "_justifyDrawParaLineX"):
        current = getattr(rl_paragraph, name)
        if not hasattr(current, "__wrapped__"):
            setattr(rl_paragraph, name, _with_grid(current))


apply()

__all__ = ["WORD_JOINER", "GridParagraph", "grid_frag_split"]

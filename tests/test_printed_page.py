"""The printed page a court clerk accepts (issue 12): what lands on which page, how lines break,
which fonts a PDF carries, and how a Word file names a font for a rare character.

Cases of 2 to 12 parties are made from the shared sample case; PDFs are read back with pypdf
(text and its positions) and ``pdffonts`` (poppler-utils)."""

from __future__ import annotations

import copy
import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from mediator_desktop import settings as opts
from mediator_desktop.documents import catalog, forms
from mediator_desktop.documents.model import Document, PageFurniture, para
from mediator_desktop.documents.render_pdf import render_pdf
from mediator_desktop.documents.style import DocumentStyle, style_from_settings

ORG = forms.OrgHeader("临翔区忙畔街道人民调解委员会")
CODE = "（2026）忙畔人调字第1号"
NAMES = ["周国华", "杨秀英", "李明亮", "王桂芳", "张建国", "赵丽萍", "陈德胜", "刘淑珍", "孙志强", "马玉兰",
         "胡永福", "郭秀兰"]


@pytest.fixture
def style(tmp_path: Path) -> DocumentStyle:
    return style_from_settings(opts.Settings(tmp_path / "settings.json"))


@pytest.fixture
def sample_case(shared_samples: Path) -> dict[str, Any]:
    return json.loads(shared_samples.read_text(encoding="utf-8"))["cases"][0]


def case_with(sample: dict[str, Any], n: int) -> dict[str, Any]:
    """The sample case with ``n`` parties, applicants and respondents in turn, each with the
    sample's full particulars (address, phone, occupation)."""
    case = copy.deepcopy(sample)
    case["code"] = CODE
    base = case["parties"]
    case["parties"] = [dict(base[i % 2], name=NAMES[i], phone=f"139088300{i:02d}",
                            role="applicant" if i % 2 == 0 else "respondent") for i in range(n)]
    return case


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    return "".join(text.split())


# -- 3, 6: lines ------------------------------------------------------------------------------

def test_a_body_line_holds_28_characters(style: DocumentStyle) -> None:
    """GB/T 9704: 28 characters of 3号 a line in 156 mm (16 pt side by side make only 27)."""
    text = "人民调解委员会依法调解民间纠纷，" * 8
    data = render_pdf(Document("t", "测试", [para(text), para(text, indent=True)], PageFurniture()), style)
    lines = [line for line in pages_text(data)[0].splitlines() if "人民调解" in line or "纠纷" in line]
    assert [len(line) for line in lines[:2]] == [28, 28]
    indented = [line for line in lines if line.startswith(" ")]
    assert indented and len(indented[0].strip()) == 26      # two characters of indent


def test_codes_dates_and_phone_numbers_never_break_across_lines(style: DocumentStyle) -> None:
    """Each span would straddle the line end: it moves to the next line whole."""
    date, phone = "2026年10月9日", "0883-2123456"
    texts = ["调" * 20 + f"编号{CODE}有效。", "调" * 22 + f"于{date}前付清。", "调" * 21 + f"联系电话{phone}。"]
    data = render_pdf(Document("t", "测试", [para(t) for t in texts], PageFurniture()), style)
    lines = pages_text(data)[0].splitlines()
    for whole in (CODE, date, phone):
        assert any(whole in line for line in lines), (whole, lines)
    assert all("\u2060" not in line for line in lines)       # the joiners are never drawn

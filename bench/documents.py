"""Benchmarks of the documents (issue 4).

    .venv/bin/python bench/documents.py                # 1,000 agreements in the batch
    .venv/bin/python bench/documents.py --batch 200    # a quicker run

Measures, through the real service (database read, build, render, audit entry) on a SQLite
file: the agreement as PDF and as DOCX (warm: median of 30 after a first render that loads the
fonts), the whole case file of a case with 10 sessions and 20 scanned pages, and a batch of
agreements (one per case). Prints a table and writes the figures to --out (default: a temporary
folder, never the repository).
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SAMPLES, results_path  # noqa: E402  (the samples as the tests find them)


def _timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def _scan(n: int) -> bytes:
    """A scanned A4 page: 150 dpi greyscale JPEG with some content, about 150 KB."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (1240, 1754), 245)
    draw = ImageDraw.Draw(image)
    for y in range(120, 1650, 38):
        draw.line((110, y, 1130 - (y * 7 + n * 13) % 300, y), fill=40, width=6)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--out", type=Path, help="the results file (default: a temporary folder)")
    args = parser.parse_args()

    home = tempfile.mkdtemp()
    os.environ["MEDIATOR_DESKTOP_HOME"] = home
    from mediator_desktop.documents.casefile import Attachment, render_case_file
    from mediator_desktop.documents.style import style_from_settings
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.context import Actor
    from mediator_desktop.settings import Settings

    sample = json.loads(SAMPLES.read_text(encoding="utf-8"))
    base = sample["cases"][0]
    cases = []
    for i in range(args.batch):
        case = copy.deepcopy(base)
        case["title"] = f"{base['title']}（{i + 1}）"
        cases.append(case)
    services = Services.open(f"sqlite:///{home}/bench.sqlite3", Actor("bench"))
    # Deliberate copies of one case: the import would refuse them as duplicates.
    codes = services.exchange.import_document({**sample, "cases": cases}, allow_duplicates=True).created
    style = style_from_settings(Settings())
    code = codes[0]

    services.documents.render(code, "agreement", "pdf", style)  # fonts loaded: the rest is warm
    services.documents.render(code, "agreement", "docx", style)
    pdf = _timed(lambda: services.documents.render(code, "agreement", "pdf", style), 30)
    docx = _timed(lambda: services.documents.render(code, "agreement", "docx", style), 30)
    from mediator_desktop.documents.render_docx import render_docx
    from mediator_desktop.documents.render_pdf import render_pdf

    agreement = services.documents.build(code, "agreement")
    pdf_only = _timed(lambda: render_pdf(agreement, style), 30)
    docx_only = _timed(lambda: render_docx(agreement, style), 30)

    rich = copy.deepcopy(services.documents.case_data(code))
    session = rich["sessions"][1]
    rich["sessions"] = [dict(session, kind="investigation" if i < 3 else "mediation",
                             record=session["record"] * 6) for i in range(10)]
    scans = tuple(Attachment(3 if i < 4 else 6 if i < 16 else 9, f"扫描件{i + 1}", _scan(i), "image/jpeg")
                  for i in range(20))
    org = services.documents.org_header()
    render_case_file(org, rich, style, attachments=scans)
    case_file = _timed(lambda: render_case_file(org, rich, style, attachments=scans), 5)
    data, _ = render_case_file(org, rich, style, attachments=scans)
    from pypdf import PdfReader

    case_file_pages = len(PdfReader(io.BytesIO(data)).pages)

    start = time.perf_counter()
    for c in codes:
        services.documents.render(c, "agreement", "pdf", style)
    batch_s = time.perf_counter() - start
    services.close()

    result = {
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "agreement_pdf_median_ms": statistics.median(pdf) * 1000,
        "agreement_pdf_max_ms": max(pdf) * 1000,
        "agreement_docx_median_ms": statistics.median(docx) * 1000,
        "agreement_docx_max_ms": max(docx) * 1000,
        "agreement_pdf_render_only_median_ms": statistics.median(pdf_only) * 1000,
        "agreement_docx_render_only_median_ms": statistics.median(docx_only) * 1000,
        "case_file_median_s": statistics.median(case_file),
        "case_file_pages": case_file_pages,
        "batch_agreements": len(codes),
        "batch_s": batch_s,
    }
    table = "\n".join([
        "| measure | result | target |",
        "|---|---|---|",
        f"| agreement PDF, warm: rendering only / via the service (database read, audit entry) | "
        f"{result['agreement_pdf_render_only_median_ms']:.0f} ms / {result['agreement_pdf_median_ms']:.0f} ms | ≤ 150 ms |",
        f"| agreement DOCX, warm: rendering only / via the service | "
        f"{result['agreement_docx_render_only_median_ms']:.0f} ms / "
        f"{result['agreement_docx_median_ms']:.0f} ms | ≤ 100 ms |",
        f"| whole case file: 10 sessions + 20 scanned pages ({case_file_pages} pages) | "
        f"{result['case_file_median_s']:.2f} s | ≤ 2 s |",
        f"| {len(codes):,} agreements as PDF in a batch | {batch_s:.1f} s ({batch_s / len(codes) * 1000:.0f} ms each) | |",
    ])
    result["table"] = table
    out = results_path(args.out, "documents.json")
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(table)
    print(f"results written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

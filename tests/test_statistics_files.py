"""The statistics report through the command line: every figure as JSON by its key, the Excel
file reopened with openpyxl (merged header, frozen panes, print titles, real numbers and their
formats, one page wide), the PDF read back with pypdf (committee, period, figures; fonts
embedded), and the charts drawn without a missing glyph."""

from __future__ import annotations

import io
import json
import warnings
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from test_statistics import Q3, book  # noqa: F401 — the fixture

from mediator_desktop import cli
from mediator_desktop.documents.charts import CHARTS, render
from mediator_desktop.services.statistics import MonthTrend, Period, Trend

ARGS = ["--from", "2026-07-01", "--to", "2026-09-30"]


def test_report_command_json_has_every_figure_by_key(book, db_url, capsys) -> None:  # noqa: F811
    assert cli.main(["report", "--db", db_url, *ARGS, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["period"] == {"from": "2026-07-01", "to": "2026-09-30", "label": "2026年第三季度"}
    figures = data["figures"]
    assert figures["accepted.total"] == 7 and figures["success.rate"] == 60.0
    assert figures["amount.yuan"] == 21000.5 and figures["ledger.on_register"] == 9
    assert set(figures) == set(data["labels"]) and len(figures) > 80
    assert data["organizations"][str(book.ids["B"])]["figures"]["accepted.total"] == 2
    assert cli.main(["report", "--db", db_url, *ARGS, "--org", str(book.ids["B"])]) == 0
    text = capsys.readouterr().out
    assert "幸福村人民调解委员会" in text and "受理调解纠纷数：2 件" in text
    with pytest.raises(SystemExit):
        cli.main(["report", "--db", db_url, "--from", "2026-07-01"])
    assert cli.main(["report", "--db", db_url, "--from", "2026-09-01", "--to", "2026-08-01"]) == cli.EXIT_ERROR
    assert "结束日期不能早于开始日期" in capsys.readouterr().err
    assert cli.main(["report", "--db", db_url, *ARGS, "--org", "9999"]) == cli.EXIT_ERROR
    assert "没有编号为9999的调解组织" in capsys.readouterr().err


def test_report_command_writes_a_real_excel_file(book, db_url, tmp_path, capsys) -> None:  # noqa: F811
    out = tmp_path / "统计表.xlsx"
    assert cli.main(["report", "--db", db_url, *ARGS, "--json", "--xlsx", str(out)]) == 0
    assert "已另存Excel文件" in capsys.readouterr().err
    wb = load_workbook(out)
    ws = wb["统计表"]
    assert ws["A1"].value == "人民调解工作统计表" and "2026年第三季度" in ws["A2"].value
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:E1", "A3:A4", "B3:D3", "E3:E4"} <= merged
    assert [ws.cell(4, c).value for c in (2, 3, 4)] == ["龙门街道人民调解委员会", "幸福村人民调解委员会", "合计"]
    assert ws.freeze_panes == "A5"
    assert ws.print_title_rows == "$3:$4"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
    rows = {ws.cell(r, 1).value: r for r in range(5, ws.max_row + 1)}
    accepted = rows["受理调解纠纷数"]
    assert [ws.cell(accepted, c).value for c in (2, 3, 4)] == [5, 2, 7]
    assert ws.cell(accepted, 4).number_format == "0"
    amount = rows["协议涉及金额（元）"]
    assert ws.cell(amount, 4).value == 21000.5 and ws.cell(amount, 4).number_format == "#,##0.00"
    rate_row = rows["调解成功率"]
    assert ws.cell(rate_row, 4).value == pytest.approx(0.6) and ws.cell(rate_row, 4).number_format == "0.0%"
    assert ws.cell(rows["拖欠农民工工资纠纷"], 1).alignment.indent == 4
    months = wb["各月走势"]
    assert [months.cell(r, 1).value for r in (2, 3, 4)] == ["2026年7月", "2026年8月", "2026年9月"]
    assert months.freeze_panes == "B2" and months.print_title_rows == "$1:$1"


def test_report_command_writes_the_pdf_with_table_and_charts(book, db_url, tmp_path) -> None:  # noqa: F811
    out = tmp_path / "统计表.pdf"
    assert cli.main(["report", "--db", db_url, *ARGS, "--pdf", str(out)]) == 0
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = "".join("".join((p.extract_text() or "").split()) for p in reader.pages)
    for words in ("人民调解工作统计表", "龙门街道人民调解委员会", "幸福村人民调解委员会", "2026年第三季度",
                  "受理调解纠纷数", "21,000.50", "60.0%", "矛盾纠纷走势图"):
        assert words in text, words
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4
    embedded = {}
    images = 0
    for page in reader.pages:
        resources = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            desc = font.get("/DescendantFonts")
            descriptor = (desc[0].get_object() if desc else font).get("/FontDescriptor")
            embedded[str(font["/BaseFont"])] = descriptor is not None and "/FontFile2" in descriptor.get_object()
        images += sum(1 for x in resources.get("/XObject", {}).values() if x.get_object()["/Subtype"] == "/Image")
    assert embedded and all(embedded.values()), embedded
    assert images == len(CHARTS)


def test_charts_draw_every_chinese_label_with_the_shipped_fonts() -> None:
    trend = Trend((MonthTrend(2026, 1, {"婚姻家庭纠纷": 3, "劳动争议纠纷": 2}, 4, 5, 6, 5),
                   MonthTrend(2026, 2, {"邻里纠纷": 1}, 0, 0, 0, 0)),
                  ("婚姻家庭纠纷", "邻里纠纷", "劳动争议纠纷"))
    empty = Trend((MonthTrend(2027, 1, {}, 0, 0, 0, 0),), ("婚姻家庭纠纷",))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" would fail here
        for chart in CHARTS:
            for t in (trend, empty):
                png = render(t, chart.key, width=5, height=3, dpi=60)
                assert png.startswith(b"\x89PNG")


def test_whole_periods_are_named_as_such() -> None:
    assert Period.between(date(2026, 1, 1), date(2026, 12, 31)).text == "2026年"
    assert Period.between(date(2026, 7, 1), date(2026, 9, 30)).text == Q3.text
    assert Period.between(date(2026, 2, 1), date(2026, 2, 28)).text == "2026年2月"
    assert Period.between(date(2026, 2, 3), date(2026, 2, 28)).text == "2026年2月3日至2026年2月28日"


def test_start_up_imports_neither_matplotlib_nor_openpyxl(tmp_path) -> None:
    """The window's start-up (issue 15) pays for the charts and the Excel writer only when used."""
    import subprocess
    import sys

    script = ("import json, sys\n"
              "from mediator_desktop.services.app import Services\n"
              "import mediator_desktop.ui.main_window, mediator_desktop.ui.case.case_view\n"
              f"s = Services.open('sqlite:///{(tmp_path / 'a.sqlite3').as_posix()}')\n"
              "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "mediator_desktop" in loaded
    assert not loaded & {"matplotlib", "openpyxl", "numpy"}


def test_rates_are_stored_rounded_and_say_percent_once() -> None:
    from mediator_desktop.documents.report import cell_text, render_report_xlsx, unit_text
    from mediator_desktop.services.statistics import Figure, Report, Scope

    rate_fig = Figure("success.rate", "调解成功率", "%", {None: 81.9})
    report = Report("龙门街道人民调解委员会", Period.month(2026, 7), (Scope(None, "合计"),),
                    (rate_fig, Figure("concluded", "办结数", "件", {None: 3})))
    trend = Trend((MonthTrend(2026, 7, {}, 262, 320, 0, 0),), ())  # 262/320 = 81.875 → 81.9
    wb = load_workbook(io.BytesIO(render_report_xlsx(report, trend, date(2026, 8, 1))))
    ws = wb["统计表"]
    rows = {ws.cell(r, 1).value: r for r in range(5, ws.max_row + 1)}
    assert ws.cell(rows["调解成功率"], 2).value == 0.819  # not 0.8190000000000001
    assert ws.cell(rows["调解成功率"], 3).value in (None, "")  # the format shows the %, the unit column not again
    assert ws.cell(rows["办结数"], 3).value == "件"
    assert wb["各月走势"].cell(1, 5).value == "成功率" and wb["各月走势"].cell(2, 5).value == 0.819
    assert cell_text(rate_fig, 81.9) == "81.9%" and unit_text(rate_fig) == ""


def test_charts_whole_number_ticks_rate_not_cut_and_fonts_scaled() -> None:
    from mediator_desktop.documents.charts import BASE_FONT_SIZE, _style, figure
    from mediator_desktop.ui.reports.window import chart_scale

    months = tuple(MonthTrend(2026, m, {"邻里纠纷": n}, s, c, d, o)
                   for m, n, s, c, d, o in ((7, 1, 1, 1, 1, 0), (8, 2, 1, 2, 2, 1), (9, 1, 3, 3, 1, 1)))
    trend = Trend(months, ("邻里纠纷",))
    for scale in (1.0, 2.0):
        with _style(scale):
            for key, axis in (("by_month", "y"), ("visits", "y"), ("types", "x")):
                ax = figure(trend, key).axes[0]
                ticks = ax.get_yticks() if axis == "y" else ax.get_xticks()
                assert all(float(t).is_integer() for t in ticks), (key, list(ticks))
            fig = figure(trend, "rate")
            ax = fig.axes[0]
            assert ax.title.get_fontsize() == pytest.approx(BASE_FONT_SIZE * scale * 1.2)
            assert ax.get_xlim()[1] > 2.2  # room right of the last month's point and its label
            fig.canvas.draw()
            right = fig.bbox.x1
            labels = [t for t in ax.texts if t.get_text().endswith("%")]
            assert labels and all(t.get_window_extent().x1 <= right for t in labels)
    assert chart_scale(9) == 1.0 and chart_scale(18) == 2.0 and chart_scale(0) == 1.0

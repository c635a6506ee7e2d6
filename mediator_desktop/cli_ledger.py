"""The ledger's commands: ``ledger`` (export the 台账 as .xlsx) and ``import-ledger`` (a room's
existing Excel ledger, with a column mapping file). Kept apart from ``cli.py``, which adds them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def add_commands(sub: Any, common: argparse.ArgumentParser, date_arg: Any) -> None:
    p_ledger = sub.add_parser("ledger", parents=[common], help="导出矛盾纠纷排查化解台账（Excel）")
    p_ledger.add_argument("--from", dest="start", metavar="DATE", type=date_arg, required=True,
                          help="受理日期从这一天起（YYYY-MM-DD）")
    p_ledger.add_argument("--to", dest="end", metavar="DATE", type=date_arg, required=True,
                          help="到这一天止（YYYY-MM-DD）")
    p_ledger.add_argument("--xlsx", type=Path, metavar="FILE", required=True, help="输出的 Excel 文件（.xlsx）")
    p_ledger.add_argument("--full-ids", action="store_true",
                          help="纠纷简要情况等文字中的身份证号、电话不遮蔽（默认遮蔽）")
    p_import = sub.add_parser("import-ledger", parents=[common], help="导入已有的 Excel 台账（全部导入或全不导入）")
    p_import.add_argument("file", type=Path, help="台账文件（.xlsx）")
    p_import.add_argument("--mapping", type=Path, metavar="MAP.json",
                          help="列对应文件，如 {\"columns\": {\"受理日期\": \"C\", \"当事人\": \"当事人姓名\"}}；"
                               "不写的列按表头名称自动对应")
    p_import.add_argument("--dry-run", action="store_true", help="只检查，不写入")


def cmd_ledger(args: argparse.Namespace, open_services: Any) -> int:
    from mediator_desktop.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE

    if args.end < args.start:
        print("--to 的日期不能早于 --from", file=sys.stderr)
        return EXIT_USAGE
    services = open_services(args.db, create=args.create)
    try:
        n = services.ledger.export_xlsx(args.xlsx, args.start, args.end, full_ids=args.full_ids)
        figures = services.ledger.figures(args.start, args.end)
    except OSError as exc:
        print(f"无法写入文件 {args.xlsx}：{exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        services.close()
    print(f"已导出台账{n}件到 {args.xlsx}（{figures.text}）")
    return EXIT_OK


def cmd_import_ledger(args: argparse.Namespace, open_services: Any) -> int:
    from mediator_desktop.cli import EXIT_BAD_DOCUMENT, EXIT_OK
    from mediator_desktop.services.ledger_import import LABELS, LedgerImportError, mapping_from_json

    if not args.file.is_file():
        print(f"找不到台账文件 {args.file}；请检查文件名和所在文件夹", file=sys.stderr)
        return EXIT_BAD_DOCUMENT
    mapping_data: dict[str, Any] = {}
    if args.mapping is not None:
        try:
            mapping_data = json.loads(args.mapping.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"无法读取列对应文件 {args.mapping}：{exc}", file=sys.stderr)
            return EXIT_BAD_DOCUMENT
    services = open_services(args.db, create=args.create)
    try:
        sheet = services.ledger.read_sheet(args.file)
        mapping = mapping_from_json(mapping_data, sheet)
        print(f"表头在第{sheet.header_row}行，数据{len(sheet.rows)}行。列对应：")
        for key, index in mapping.items():
            print(f"  {LABELS[key]} ← {sheet.column_name(index) or '（无）'}")
        result = services.ledger.import_sheet(sheet, mapping, dry_run=args.dry_run)
    except LedgerImportError as exc:
        print(f"{exc.message}：", file=sys.stderr)
        for line in exc.problems:
            print(f"  {line}", file=sys.stderr)
        return EXIT_BAD_DOCUMENT
    finally:
        services.close()
    print(result.text)
    for line in result.report_lines(limit=None):
        print(line)
    return EXIT_OK

"""Command line: ``mediator-desktop`` (the window), ``import``, ``export``, ``demo``, ``render``,
``agenda``, ``backup``, ``restore``, ``audit verify``, ``user``, ``role``, ``ledger`` and ``import-ledger``
(``cli_ledger.py``).

Every sub-command takes ``--db URL`` (default: the embedded SQLite file in the user's data
folder). Errors are printed in Chinese and give a non-zero exit code.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mediator_desktop import APP_TITLE, __version__, paths

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_BAD_DOCUMENT = 0, 1, 2, 3


def _documents_help() -> str:
    """The render command's list of documents, from the catalog itself, so a form added there is
    never missing here (the builders are imported only when one is used)."""
    from mediator_desktop.documents.catalog import TITLES

    return "文书：" + "、".join(f"{name}（{title}）" for name, title in TITLES.items())


#: argparse's own sentences (its headings, help and errors) in Chinese. argparse looks each one up
#: through its module's ``_`` (gettext) when it uses it, and Python ships no Chinese catalogue;
#: a sentence missing here stays as argparse wrote it.
ARGPARSE_CHINESE = {
    "usage: ": "用法：",
    "positional arguments": "命令和参数",
    "options": "选项",
    "show this help message and exit": "显示本说明后退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必填的参数：%s",
    "unrecognized arguments: %s": "不认识的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "%(value)r 不是可选的值（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的值（应为 %(type)s）",
    "expected one argument": "后面要跟一个值",
    "expected at most one argument": "后面最多跟一个值",
    "expected at least one argument": "后面至少要跟一个值",
    "expected %s argument": "后面要跟 %s 个值",
    "expected %s arguments": "后面要跟 %s 个值",
    "not allowed with argument %s": "不能和参数 %s 一起用",
    "one of the arguments %s is required": "参数 %s 中必须给出一个",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "can't open '%(filename)s': %(error)s": "打不开文件“%(filename)s”：%(error)s",
}


def _argparse_in_chinese() -> None:
    """Have argparse speak Chinese (the same words for every parser of the program)."""
    argparse._ = lambda text: ARGPARSE_CHINESE.get(text, text)  # type: ignore[attr-defined]
    argparse.ngettext = (  # type: ignore[attr-defined]
        lambda singular, plural, n: ARGPARSE_CHINESE.get(singular if n == 1 else plural, singular if n == 1 else plural))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"参数错误：{message}\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    _argparse_in_chinese()
    db_help = "数据库：SQLite 文件路径或 postgresql://用户@主机/库名（默认：本机数据库）"
    parser = _Parser(prog="mediator-desktop", description=f"{APP_TITLE}：人民调解室案件管理")
    parser.add_argument("--db", metavar="URL", default=None, help=db_help)
    # ``--db`` may also follow the sub-command. Its default there is SUPPRESS: a sub-parser's own
    # default would otherwise overwrite a ``--db`` given before the sub-command, and the data would
    # land in the default database instead of where the user asked.
    common = _Parser(add_help=False)
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=db_help)
    create_help = "--db 指定的数据库文件不存在时新建一个空数据库（不加此项则报错，以免路径输错时悄悄新建）"
    parser.add_argument("--create", action="store_true", help=create_help)
    common.add_argument("--create", action="store_true", default=argparse.SUPPRESS, help=create_help)
    user_help = ("以这个用户的身份操作（数据库开启登录后必须给出；密码取自环境变量 MEDIATOR_DESKTOP_PASSWORD，"
                 "没有时在终端里询问）")
    parser.add_argument("--user", metavar="LOGIN", default=None, help=user_help)
    common.add_argument("--user", metavar="LOGIN", default=argparse.SUPPRESS, help=user_help)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}", help="显示版本号后退出")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    p_gui = sub.add_parser("gui", parents=[common], help="打开工作台窗口（默认）")
    p_gui.add_argument("--quit-after", type=int, metavar="MS", default=None,
                       help="窗口画出后过 MS 毫秒自动退出（检查安装包、测量启动时间用）")
    p_import = sub.add_parser("import", parents=[common], help="从案件交换文件（JSON）导入")
    p_import.add_argument("file", type=Path)
    p_import.add_argument("--update", action="store_true", help="案号已存在时用文件内容更新")
    p_import.add_argument("--allow-duplicates", action="store_true",
                          help="与已有案件重复（当事人、受理日期、纠纷简要情况都相同）时仍然导入")
    p_export = sub.add_parser("export", parents=[common], help="导出为案件交换文件（JSON）")
    p_export.add_argument("--case", dest="cases", action="append", metavar="CODE",
                          help="只导出这个案号（可重复）")
    p_export.add_argument("-o", "--output", type=Path, required=True, help="输出文件")
    p_export.add_argument("--masked", action="store_true",
                          help="对外提供用：遮蔽身份证号和电话（此文件不能再导入）")
    p_export.add_argument("--format-version", type=int, choices=(1, 2), default=2,
                          help="交换文件的版本（默认2；1 给只能读取第1版的旧程序，不含第2版新增的内容）")
    p_demo = sub.add_parser("demo", parents=[common], help="填入约200件示例案件，供试用")
    p_demo.add_argument("--count", type=int, default=200)
    p_demo.add_argument("--seed", type=int, default=2026)
    p_render = sub.add_parser("render", parents=[common], help="生成文书（PDF 或 Word）")
    p_render.add_argument("case", metavar="CASE_CODE", help="案号")
    p_render.add_argument("document", metavar="DOCUMENT", help=_documents_help())
    p_render.add_argument("--format", choices=["pdf", "docx"], default="pdf")
    p_render.add_argument("-o", "--output", type=Path, required=True, help="输出文件")
    p_render.add_argument("--court", default="", help="司法确认申请书：受理的人民法院")
    p_agenda = sub.add_parser("agenda", parents=[common], help="列出各案的期限和回访（含已逾期的）")
    p_agenda.add_argument("--from", dest="start", metavar="DATE", type=_date_arg,
                          help="从这一天起（YYYY-MM-DD；默认包括所有已逾期的）")
    p_agenda.add_argument("--to", dest="end", metavar="DATE", type=_date_arg, help="到这一天止（YYYY-MM-DD）")
    p_agenda.add_argument("--json", action="store_true", help="以 JSON 输出")
    p_agenda.add_argument("--ics", type=Path, metavar="FILE", help="另存为 iCalendar 日历文件（.ics），可导入手机日历")
    p_report = sub.add_parser("report", parents=[common], help="人民调解工作统计表（可另存为 Excel 或 PDF）")
    p_report.add_argument("--from", dest="start", metavar="DATE", type=_date_arg, required=True,
                          help="统计期间的第一天（YYYY-MM-DD）")
    p_report.add_argument("--to", dest="end", metavar="DATE", type=_date_arg, required=True,
                          help="统计期间的最后一天（YYYY-MM-DD）")
    p_report.add_argument("--org", dest="orgs", type=int, action="append", metavar="ID",
                          help="只统计这个调解组织（编号，可重复；默认全部）")
    p_report.add_argument("--json", action="store_true", help="以 JSON 输出每个统计项（键见 README）")
    p_report.add_argument("--xlsx", type=Path, metavar="FILE", help="另存为 Excel 文件")
    p_report.add_argument("--pdf", type=Path, metavar="FILE", help="另存为 PDF 文件（含走势图）")
    passphrase_warning = ("注意：加密的备份只有用同一个密码才能恢复。密码忘记了，备份就再也打不开，谁也无法找回——"
                          "请把密码抄在纸上，和U盘分开保管。")
    p_backup = sub.add_parser("backup", parents=[common], help="把整个数据库（含附件）备份成一个文件",
                              description="把整个数据库（含附件）备份成一个文件；恢复用 restore。" + passphrase_warning)
    p_backup.add_argument("-o", "--output", type=Path, required=True, help="备份文件（如 U盘上的 调解工作台备份.mdbackup）")
    p_backup.add_argument("--encrypt", action="store_true",
                          help="用密码加密备份文件（会询问密码两次）。" + passphrase_warning)
    p_backup.add_argument("--passphrase-file", type=Path, metavar="FILE",
                          help="加密用的密码从这个文件的第一行读取（供计划任务使用；隐含 --encrypt）")
    p_restore = sub.add_parser("restore", parents=[common], help="用备份文件恢复整个数据库（先检查，当前数据先另存备份）",
                               description="用备份文件恢复整个数据库。先检查备份文件是否完好，再把当前数据另存为"
                                           "一份备份，然后恢复。" + passphrase_warning)
    p_restore.add_argument("file", type=Path, help="备份文件")
    p_restore.add_argument("--passphrase-file", type=Path, metavar="FILE", help="加密备份的密码从这个文件的第一行读取")
    p_restore.add_argument("--check", action="store_true", help="只检查备份文件是否完好、能否恢复，不恢复")
    p_audit = sub.add_parser("audit", parents=[common], help="审计记录：核对是否被改动")
    audit_sub = p_audit.add_subparsers(dest="audit_command", parser_class=_Parser, required=True)
    audit_sub.add_parser("verify", parents=[common],
                         help="逐条核对审计记录的校验链：有记录在软件之外被改动、删除或插入时退出码为1，并指出第一条")
    p_user = sub.add_parser("user", parents=[common], help="用户和登录：add、edit、list、passwd、disable、enable、sign-in",
                            description="管理登录用户。第一个用户必须是管理员，添加后开启登录；之后每条命令都要用 "
                                        "--user 指定用户。新密码取自环境变量 MEDIATOR_DESKTOP_NEW_PASSWORD，"
                                        "没有时在终端里询问两次。")
    user_sub = p_user.add_subparsers(dest="user_command", parser_class=_Parser, required=True)
    p_add = user_sub.add_parser("add", parents=[common], help="添加用户")
    p_add.add_argument("login", metavar="LOGIN", help="用户名（登录时输入）")
    p_add.add_argument("--name", required=True, help="姓名")
    role_help = ("角色代码或名称：admin 管理员、mediator 调解员、clerk 记录员、viewer 只读，或管理员新增的角色"
                 "（见 role list）")
    committee_help = "只看这个调委会（编号，可重复；不给则看全部调委会）"
    p_add.add_argument("--role", required=True, help=role_help)
    p_add.add_argument("--committee", dest="committees", action="append", type=int, metavar="ID", default=[],
                       help=committee_help)
    p_add.add_argument("--mediator", type=_mediator_arg, metavar="ID", default=None,
                       help="这位用户是哪位调解员（编号；调解员角色只能办理分配给他的案件）")
    p_edit = user_sub.add_parser("edit", parents=[common], help="修改用户的姓名、角色、调委会、对应调解员（只改给出的）",
                                 description="管理员修改用户；没给出的项不变。用户下次登录时按新的角色和范围。")
    p_edit.add_argument("login", metavar="LOGIN")
    p_edit.add_argument("--name", default=None, help="姓名")
    p_edit.add_argument("--role", default=None, help=role_help)
    scope = p_edit.add_mutually_exclusive_group()
    scope.add_argument("--committee", dest="committees", action="append", type=int, metavar="ID", default=None,
                       help=committee_help)
    scope.add_argument("--all-committees", action="store_true", help="改为可以看全部调委会")
    p_edit.add_argument("--mediator", type=_mediator_arg, metavar="ID|none", default=_KEEP,
                        help="这位用户是哪位调解员（编号），none 表示不是调解员")
    user_sub.add_parser("list", parents=[common], help="列出用户")
    p_passwd = user_sub.add_parser("passwd", parents=[common], help="修改密码（管理员可重设任何人的密码，并解除锁定）")
    p_passwd.add_argument("login", metavar="LOGIN")
    for verb, text in (("disable", "停用用户"), ("enable", "重新启用用户")):
        user_sub.add_parser(verb, parents=[common], help=text).add_argument("login", metavar="LOGIN")
    p_sign = user_sub.add_parser("sign-in", parents=[common], help="开启或关闭登录（单机调解室可关闭；记入审计）")
    p_sign.add_argument("state", choices=["on", "off"])
    from mediator_desktop.domain.permissions import Permission

    p_role = sub.add_parser("role", parents=[common], help="角色和权限：list、set",
                            description="每个角色能做什么（管理员修改；用户下次登录时生效）。")
    role_sub = p_role.add_subparsers(dest="role_command", parser_class=_Parser, required=True)
    role_sub.add_parser("list", parents=[common], help="列出角色、用户数和权限")
    p_set = role_sub.add_parser("set", parents=[common], help="设定一个角色的权限（和名称）")
    p_set.add_argument("code", metavar="CODE", help="角色代码（见 role list）")
    p_set.add_argument("--permissions", required=True, metavar="P1,P2,…",
                       help="这个角色的全部权限，用逗号分开：" + "、".join(f"{p.value}（{p.label}）" for p in Permission))
    p_set.add_argument("--name", default=None, help="同时改角色名称")
    p_move = sub.add_parser("move-to-server", parents=[common],
                            help="把本机数据库整个复制到中心的 PostgreSQL 服务器（逐表核对）",
                            description="把本机（SQLite）数据库整个复制到一个空的 PostgreSQL 数据库，逐表核对行数和校验值、"
                                        "核对审计记录，全部一致才保留；本机文件原样保留。之后用 --db 服务器地址，"
                                        "或在 设置 → 数据库 填写服务器地址。")
    p_move.add_argument("server", metavar="URL", help="postgresql://用户@主机/库名（须是空的数据库）")
    from mediator_desktop import cli_ledger

    cli_ledger.add_commands(sub, common, _date_arg)
    return parser


def _date_arg(text: str):  # type: ignore[no-untyped-def]
    from datetime import date

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”格式不对，应为 YYYY-MM-DD，如 2026-12-01") from None


#: Whether the running command is the program itself (:func:`main` called without arguments:
#: the ``mediator-desktop`` script, ``python -m mediator_desktop``); see :func:`_loading`.
_whole_program = False


@contextmanager
def _loading() -> Iterator[None]:
    """Load the command's modules with the cyclic garbage collector paused, then freeze what
    was made (``gc.freeze``: kept out of every later collection) — when the command is the
    whole program, which ends with it.

    SQLAlchemy and the models make some 80,000 objects that live as long as the command; the
    collector walked them again and again, while they were made and after, about 30 ms of a
    render. The command's own work is collected as usual (what is frozen stays until the program
    ends with the command: a little garbage of the start-up with it). Called from a program that
    goes on after it (the tests call main() among the window's tests) the collector is left
    alone: what was frozen there would never be collected."""
    if not _whole_program:
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _open(url: str | None, *, create: bool = False):  # type: ignore[no-untyped-def]
    """The services on ``--db`` (or the default database, made when missing). A named SQLite
    file that does not exist is refused unless ``--create`` (or ``demo``) asks for a new one."""
    with _loading():
        from mediator_desktop import settings as opts
        from mediator_desktop.services.app import Services
        from mediator_desktop.services.context import Actor
        from mediator_desktop.storage.db import DatabaseMissingError, StorageError

        try:
            # A write waiting behind another (a long import elsewhere) says so instead of hanging mutely.
            services = Services.open(url, Actor(name="命令行"), create=create or url is None, lazy=True,
                                     on_wait=lambda message: print(message, file=sys.stderr, flush=True))
        except DatabaseMissingError as exc:
            raise StorageError(f"{exc}如确要在这里新建一个空数据库，请加 --create。", "missing") from exc
    opts.configure_services(services, opts.Settings())
    try:
        _sign_in(services)
    except BaseException:
        services.close()
        raise
    return services


#: ``--user`` of the running command (set by :func:`main`).
_login: str | None = None


def _sign_in(services) -> None:  # type: ignore[no-untyped-def]
    """Act as ``--user`` (its password from MEDIATOR_DESKTOP_PASSWORD or typed); without it,
    refuse a database whose sign-in is on."""
    import os

    from mediator_desktop.services.errors import PermissionDenied

    if not _login:
        if services.accounts.sign_in_required():
            raise PermissionDenied("这个数据库已开启登录：请用 --user 用户名 说明是谁在操作"
                                   "（密码放在环境变量 MEDIATOR_DESKTOP_PASSWORD 里，或在终端里输入）。")
        return
    password = os.environ.get("MEDIATOR_DESKTOP_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise PermissionDenied("需要密码：请在终端里运行以便输入密码，"
                                   "或把密码放在环境变量 MEDIATOR_DESKTOP_PASSWORD 里。")
        import getpass

        password = getpass.getpass(f"{_login} 的密码：")
    services.accounts.sign_in(_login, password)


def _new_password() -> str:
    import os

    from mediator_desktop.services.errors import ServiceError

    password = os.environ.get("MEDIATOR_DESKTOP_NEW_PASSWORD")
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise ServiceError("需要新密码：请在终端里运行以便输入，或把新密码放在环境变量 MEDIATOR_DESKTOP_NEW_PASSWORD 里。")
    import getpass

    first = getpass.getpass("新密码：")
    if getpass.getpass("再输入一次新密码：") != first:
        raise ServiceError("两次输入的新密码不一样，没有修改。")
    return first


#: ``user edit`` without ``--mediator``: the link stays.
_KEEP = object()


def _mediator_arg(value: str) -> int | None:
    if value.strip().lower() in ("none", "无", "0"):
        return None
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"调解员编号应是数字或 none，不是“{value}”") from None


def _role_code(accounts: Any, given: str | None) -> str | None:
    """``--role`` as its code: the role's name (只读, as 设置 and ``user list`` show it) is taken
    for its code (viewer); anything else is passed on as given (and refused by the service)."""
    if given is None:
        return None
    return next((code for code, name in accounts.roles() if name == given.strip()), given)


def cmd_user(args: argparse.Namespace) -> int:
    command = args.user_command
    password = _new_password() if command in ("add", "passwd") else ""
    services = _open(args.db, create=args.create)
    try:
        accounts = services.accounts
        if command in ("add", "edit"):
            args.role = _role_code(accounts, args.role)
        if command == "add":
            user = accounts.add_user(args.login, args.name, args.role, password, organization_ids=args.committees,
                                     mediator_id=args.mediator)
            print(f"已添加用户 {user.login}（{user.name}，{user.role_label}）。")
        elif command == "edit":
            from mediator_desktop.services.errors import ServiceError

            user = next((u for u in accounts.users() if u.login == args.login.strip()), None)
            if user is None:
                raise ServiceError(f"没有用户“{args.login.strip()}”")
            committees = [] if args.all_committees else user.organization_ids if args.committees is None \
                else args.committees
            user = accounts.update_user(user.login, name=user.name if args.name is None else args.name,
                                        role=args.role or user.role, organization_ids=committees,
                                        mediator_id=user.mediator_id if args.mediator is _KEEP else args.mediator)
            print(f"已修改用户 {user.login}（{user.name}，{user.role_label}），下次登录时生效。")
        elif command == "list":
            users = accounts.users()
            if not users:
                print("还没有用户：登录未开启。添加第一个用户（必须是管理员）："
                      "mediator-desktop user add 用户名 --name 姓名 --role admin")
            for u in users:
                state = "启用" if u.active else "停用"
                if u.locked_until is not None and u.locked_until > services.ctx.now():
                    state += f"，锁定到{u.locked_until:%H:%M}"
                scope = "调委会" + "、".join(map(str, u.organization_ids)) if u.organization_ids else "全部调委会"
                print(f"{u.login}\t{u.name}\t{u.role_label}\t{state}\t{scope}")
            print("登录：" + ("已开启" if accounts.sign_in_required() else "未开启"))
        elif command == "passwd":
            accounts.change_password(args.login, password)
            print(f"已修改 {args.login} 的密码。")
        elif command in ("disable", "enable"):
            accounts.set_active(args.login, command == "enable")
            print(f"已{'启用' if command == 'enable' else '停用'}用户 {args.login}。")
        else:
            accounts.set_sign_in(args.state == "on")
            print("已开启登录。" if args.state == "on" else "已关闭登录：本机的使用者不再需要登录。")
    finally:
        services.close()
    return EXIT_OK


def cmd_role(args: argparse.Namespace) -> int:
    from mediator_desktop.domain.permissions import Permission

    services = _open(args.db, create=args.create)
    try:
        roles = services.roles
        if args.role_command == "list":
            labels = {p.value: p.label for p in Permission}
            for r in roles.list():
                print(f"{r.code}\t{r.name}\t{r.users}位用户\t" + ",".join(r.permissions) + "\t"
                      + "、".join(labels[p] for p in r.permissions))
        else:
            chosen = [p.strip() for p in args.permissions.split(",") if p.strip()]
            role = roles.get(args.code)
            role = roles.save(role.code, name=role.name if args.name is None else args.name, permissions=chosen)
            print(f"已保存角色 {role.code}（{role.name}）：{'、'.join(p.label for p in Permission if role.has(p))}。"
                  "已登录的用户下次登录时生效。")
    finally:
        services.close()
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from mediator_desktop.services.exchange import ExchangeError

    # A folder or a missing file is a bad document like any other (exit 3), said in Chinese.
    if args.file.is_dir():
        print(f"{args.file} 是文件夹，不是案件交换文件；请指定其中的 .json 文件", file=sys.stderr)
        return EXIT_BAD_DOCUMENT
    if not args.file.exists():
        print(f"找不到文件 {args.file}；请检查文件名和所在文件夹", file=sys.stderr)
        return EXIT_BAD_DOCUMENT
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"无法读取文件 {args.file}：{exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    services = _open(args.db, create=args.create)
    try:
        result = services.exchange.import_text(data, update_existing=args.update,
                                               allow_duplicates=args.allow_duplicates)
    except ExchangeError as exc:
        print(f"{exc.message}：", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem.path}：{problem.message}", file=sys.stderr)
        if exc.duplicates:
            print("如确需再导入一份重复的案件，请加 --allow-duplicates", file=sys.stderr)
        return EXIT_BAD_DOCUMENT
    finally:
        services.close()
    print(f"导入完成：{result.counts_text}")
    for line in result.report_lines():
        print(line)
    return EXIT_OK


def _write_output(path: Path, data: bytes, done: str, *, private: bool = False) -> int:
    """Write a command's output file (``private``: the user's alone, 0600) and say ``done``;
    a file that cannot be written is said in a sentence, with exit code EXIT_ERROR."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb", opener=paths.private_opener if private else None) as fh:
            fh.write(data)
    except OSError as exc:
        print(f"无法写入文件 {path}：{exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    print(done)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    services = _open(args.db, create=args.create)
    try:
        doc = services.exchange.export_document(args.cases, masked=args.masked, version=args.format_version)
    finally:
        services.close()
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    # Personal data: the export is the user's alone (a rendered document keeps the umask).
    return _write_output(args.output, text.encode("utf-8"), f"已导出{len(doc['cases'])}件案件到 {args.output}",
                         private=True)


def cmd_demo(args: argparse.Namespace) -> int:
    from mediator_desktop.services.demo import load_demo

    if not 1 <= args.count <= 200_000:
        print("--count 应在 1 到 200000 之间", file=sys.stderr)
        return EXIT_USAGE
    services = _open(args.db, create=True)  # a demo database is new by intent
    try:
        created = load_demo(services, args.count, seed=args.seed)
    finally:
        services.close()
    print(f"已填入{created}件示例案件。")
    return EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    from mediator_desktop import settings as opts
    from mediator_desktop.documents.style import style_from_settings

    services = _open(args.db, create=args.create)
    try:
        rendered = services.documents.render(args.case, args.document, args.format,
                                             style_from_settings(opts.Settings()), court=args.court)
        if args.document == "judicial-confirmation":
            # Printed for the record all the same, but a court will not accept it (LEGAL.md §5).
            lapsed = services.documents.confirmation_advice(args.case).lapsed
            if lapsed:
                print(f"警告：{lapsed}", file=sys.stderr)
    finally:
        services.close()
    return _write_output(args.output, rendered.data, f"已生成{rendered.document.title}：{args.output}")


def cmd_agenda(args: argparse.Namespace) -> int:
    if args.start and args.end and args.end < args.start:
        print("--to 的日期不能早于 --from", file=sys.stderr)
        return EXIT_USAGE
    services = _open(args.db, create=args.create)
    try:
        items = services.reminders.items(args.start, args.end)
        org = services.organization.get()
    finally:
        services.close()
    if args.ics:
        from mediator_desktop.services.reminders import to_ics

        try:
            args.ics.parent.mkdir(parents=True, exist_ok=True)
            with open(args.ics, "wb", opener=paths.private_opener) as fh:
                fh.write(to_ics(items, org.name if org else ""))
        except OSError as exc:
            print(f"无法写入文件 {args.ics}：{exc.strerror or exc}", file=sys.stderr)
            return EXIT_ERROR
    if args.json:
        print(json.dumps([r.as_json() for r in items], ensure_ascii=False, indent=2))
    else:
        if not items:
            print("没有需要提醒的期限或回访。")
        for r in items:
            flag = "暂定" if r.provisional else ""
            print(f"{r.due.isoformat()}  {flag:<2}  {r.kind_label:<8}  {r.code}  {r.party or '—'}  {r.left}  {r.detail}")
    if args.ics:
        print(f"已另存{len(items)}项到 {args.ics}", file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from mediator_desktop.documents.report import cell_text, label_text
    from mediator_desktop.services.statistics import Period

    period = Period.between(args.start, args.end)
    services = _open(args.db, create=args.create)
    try:
        stats = services.statistics
        report = stats.report(period, args.orgs)
        files: list[tuple[Path, bytes, str]] = []
        if args.xlsx or args.pdf:
            trend = stats.trend(period, args.orgs)
            if args.xlsx:
                files.append((args.xlsx, stats.xlsx(period, args.orgs, report=report, trend=trend), "Excel"))
            if args.pdf:
                files.append((args.pdf, stats.pdf(period, args.orgs, report=report, trend=trend), "PDF"))
    finally:
        services.close()
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(f"{report.committee}　人民调解工作统计（{period.text}）")
        total = report.total_scope
        for f in report.figures:
            print(f"{label_text(f)}：{cell_text(f, f.value(total))} {f.unit if f.unit != '%' else ''}".rstrip())
        for note in report.notes:
            print("注：" + note)
    for path, data, what in files:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as exc:
            print(f"无法写入文件 {path}：{exc.strerror or exc}", file=sys.stderr)
            return EXIT_ERROR
        print(f"已另存{what}文件：{path}", file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def _read_passphrase(args: argparse.Namespace, *, new: bool) -> str | None:
    """The passphrase from ``--passphrase-file`` or typed (twice for a new one); None: none given."""
    from mediator_desktop.services.backup import BackupError, check_passphrase

    if args.passphrase_file is not None:
        try:
            lines = args.passphrase_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise BackupError(f"无法读取密码文件 {args.passphrase_file}：{getattr(exc, 'strerror', None) or exc}") from exc
        passphrase = lines[0] if lines else ""
        if new:
            check_passphrase(passphrase, passphrase)
        elif not passphrase:
            raise BackupError(f"密码文件 {args.passphrase_file} 的第一行是空的。")
        return passphrase
    if new and not getattr(args, "encrypt", False):
        return None
    if not sys.stdin.isatty():
        raise BackupError("需要密码：请在终端里运行以便输入密码，或用 --passphrase-file 指定存放密码的文件。")
    import getpass

    passphrase = getpass.getpass("备份密码：")
    if new:
        check_passphrase(passphrase, getpass.getpass("再输入一次密码："))
    return passphrase


def cmd_backup(args: argparse.Namespace) -> int:
    from mediator_desktop.services.backup import BackupError

    try:
        passphrase = _read_passphrase(args, new=True)
    except BackupError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    services = _open(args.db, create=args.create)
    try:
        info = services.backups.create(args.output, passphrase=passphrase)
    finally:
        services.close()
    print(f"已备份到 {args.output}：{info.describe()}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from mediator_desktop import settings as opts
    from mediator_desktop.services.backup import BackupError, read_backup, restore_backup, verify_backup
    from mediator_desktop.storage.db import Database

    try:
        info = read_backup(args.file)
        passphrase = _read_passphrase(args, new=False) if info.encrypted else None
        if args.check:
            verify_backup(args.file, passphrase)
            print(f"备份文件完好，可以恢复：{info.describe()}")
            return EXIT_OK
        actor = _restoring_actor(args.db)
        # Not opened through the services: a missing database is made from the backup, and a
        # damaged one is replaced without being migrated first.
        db = Database(args.db, create=True)
        try:
            result = restore_backup(db, args.file, passphrase=passphrase, policy=opts.backup_policy(opts.Settings()))
        finally:
            db.dispose()
    except BackupError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_BAD_DOCUMENT
    from mediator_desktop.services.app import Services

    restored = Services.open(args.db, actor, lazy=True)
    try:
        restored.backups.record_restore(args.file, result.info)
    finally:
        restored.close()
    print(f"已恢复：{info.describe()}。")
    if result.previous is not None:
        print(f"恢复前的数据已另存为 {result.previous}")
    return EXIT_OK


def _restoring_actor(url: str | None):  # type: ignore[no-untyped-def]
    """Who restores over the database ``url``: with sign-in on, only an administrator (``--user``)
    may replace a database that opens; one missing or too damaged to open is replaced by whoever
    can reach this PC's files (that is the repair)."""
    from mediator_desktop.services.context import Actor
    from mediator_desktop.services.errors import PermissionDenied

    try:
        services = _open(url)
    except PermissionDenied:
        raise
    except Exception:  # noqa: BLE001 (missing or damaged: the restore is what repairs it)
        logging.getLogger(__name__).info("restoring over a database that does not open", exc_info=True)
        return Actor(name="命令行")
    try:
        services.ctx.require_admin("恢复数据")
        return services.ctx.actor
    finally:
        services.close()


def cmd_audit(args: argparse.Namespace) -> int:
    services = _open(args.db, create=args.create)
    try:
        result = services.audit.verify()
    finally:
        services.close()
    print(result.sentence(), file=sys.stdout if result.ok else sys.stderr)
    return EXIT_OK if result.ok else EXIT_ERROR
def cmd_ledger(args: argparse.Namespace) -> int:
    from mediator_desktop.cli_ledger import cmd_ledger as run

    return run(args, _open)


def cmd_import_ledger(args: argparse.Namespace) -> int:
    from mediator_desktop.cli_ledger import cmd_import_ledger as run

    return run(args, _open)


def cmd_move(args: argparse.Namespace) -> int:
    services = _open(args.db, create=args.create)
    try:
        result = services.transfer.copy_to_server(args.server)
    finally:
        services.close()
    print(result.describe())
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from mediator_desktop.ui.app import run

    return run(args.db, create=args.create, quit_after=getattr(args, "quit_after", None))


def main(argv: list[str] | None = None) -> int:
    global _whole_program, _login
    _whole_program = argv is None
    args = build_parser().parse_args(argv)
    _login = getattr(args, "user", None)
    from mediator_desktop.logfile import setup_logging

    log_file = setup_logging()  # the same file as the window's (paths.log_file)
    from mediator_desktop.services.errors import ServiceError
    from mediator_desktop.storage.db import StorageError

    handlers = {"import": cmd_import, "export": cmd_export, "demo": cmd_demo, "render": cmd_render, "gui": cmd_gui,
                "agenda": cmd_agenda, "report": cmd_report, "backup": cmd_backup, "restore": cmd_restore,
                "audit": cmd_audit, "user": cmd_user, "role": cmd_role, "move-to-server": cmd_move, "ledger": cmd_ledger,
                "import-ledger": cmd_import_ledger,
                None: cmd_gui}
    try:
        return handlers[args.command](args)
    except (ServiceError, StorageError) as exc:
        logging.getLogger(__name__).warning("%s failed: %s", args.command, exc, exc_info=True)
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception:  # a fault no message foresaw: a Chinese sentence, the details in the log
        logging.getLogger(__name__).exception("%s failed unexpectedly", args.command)
        print(f"错误：程序出了意外的问题，这一步没有完成。详细情况已记入日志 {log_file}，"
              "请把它交给负责电脑的同事。", file=sys.stderr)
        return EXIT_ERROR

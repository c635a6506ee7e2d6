"""Help for the user and for whoever supports them (Qt-free): the user guide's pages, the
licences 关于 lists, and the diagnostics file (versions and the log, never case data).
"""

from __future__ import annotations

import platform
import re
import sys
import zipfile
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path

from mediator_desktop import __version__, paths
from mediator_desktop.domain.identity import mask_text
from mediator_desktop.services.progress import replacing_file

#: The libraries the application ships, as 关于 names them.
LIBRARIES = ("PySide6-Essentials", "SQLAlchemy", "alembic", "reportlab", "python-docx", "pypinyin", "chinesecalendar",
             "platformdirs", "psycopg", "segno", "icalendar", "pypdf", "fastjsonschema")


@dataclass(frozen=True)
class GuidePage:
    """One page of the user guide: a task, told for a mediator (Markdown with pictures)."""

    title: str
    path: Path


def guide_pages() -> list[GuidePage]:
    """The guide's pages in reading order (their file names start with the number), from the
    ``guide`` folder of the shipped resources."""
    pages = []
    for path in sorted((paths.resources_dir() / "guide").glob("*.md")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        pages.append(GuidePage(first.lstrip("# ").split("：")[0].strip(), path))
    return pages


@dataclass(frozen=True)
class Licence:
    name: str
    version: str
    licence: str


def licences() -> list[Licence]:
    """The shipped fonts (from their licence files) and libraries (from their metadata)."""
    fonts = [Licence("Fandol 仿宋 FandolFang", "0.3", "GPL-3.0，附字体嵌入例外"),
             Licence("花園明朝 Hanazono Mincho A/B", "20170904", "花園フォントライセンス 或 SIL OFL 1.1"),
             Licence("文泉驿微米黑 WenQuanYi Micro Hei", "0.2.0-beta", "Apache-2.0 或 GPL-3.0，附字体嵌入例外")]
    libraries = []
    for name in LIBRARIES:
        try:
            meta = metadata.metadata(name)
        except metadata.PackageNotFoundError:
            continue
        licence = meta["License-Expression"] or _short_licence(meta)
        libraries.append(Licence(name, meta["Version"] or "", licence))
    return fonts + libraries


def _short_licence(meta: metadata.PackageMetadata) -> str:
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or []
                   if c.startswith("License ::")]
    if classifiers:
        return "、".join(classifiers)
    text = (meta["License"] or "").strip()
    return text.splitlines()[0][:60] if text else "见其发行包"


# -- diagnostics -------------------------------------------------------------------------------

#: SQLAlchemy puts a failed statement's values in its message: they are case data.
_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\s*(\(Background|\[|$))", re.S | re.M)
#: What a message quotes is what the user typed (a name, an address): never in the file.
_QUOTED = re.compile(r"“[^”\n]*”|「[^」\n]*」|‘[^’\n]*’")
_HOME = re.compile(re.escape(str(Path.home())))


def scrub(text: str) -> str:
    """A log as it may leave the office: no statement values, nothing quoted, ID and phone
    numbers masked (:func:`~mediator_desktop.domain.identity.mask_text`), the home folder as ~."""
    text = _PARAMETERS.sub("[parameters: 已略去]", text)
    text = _QUOTED.sub("“＊”", text)
    return _HOME.sub("~", mask_text(text))


def version_lines(database: str) -> list[str]:
    lines = [f"调解工作台 {__version__}", f"Python {sys.version.split()[0]} ({sys.executable})",
             f"系统 {platform.system()} {platform.release()} {platform.machine()}",
             f"冻结程序 {'是' if getattr(sys, 'frozen', False) else '否'}", f"数据库 {scrub(database)}",
             f"数据文件夹 {scrub(str(paths.data_dir()))}", f"日志 {scrub(str(paths.log_file()))}", ""]
    lines += [f"{x.name} {x.version}" for x in licences()]
    return lines


def write_diagnostics(target: Path, database: str) -> Path:
    """帮助 → 导出诊断信息: one zip with the versions and the (scrubbed) log files — no
    database, no settings with names, no attachments. Written whole or not at all."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with replacing_file(target) as out, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
        z.writestr("versions.txt", "\n".join([f"导出时间 {stamp}", *version_lines(database)]) + "\n")
        log = paths.log_file()
        for part in sorted(log.parent.glob(log.name + "*")):
            z.writestr(part.name + ".txt", scrub(part.read_text(encoding="utf-8", errors="replace")))
    return target

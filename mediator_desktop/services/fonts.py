"""Installing the shipped fonts for the current user (issue 12).

A Word file names its fonts and does not carry them: a rare name character such as 𠮷, which
Windows' 仿宋 lacks, is set in 花園明朝 (HanaMinA/HanaMinB, the Hanazono fonts in
``resources/fonts``), and shows as a box on a PC where that font is not installed. This copies
the fonts into the current user's font folder — no administrator rights needed:

* Windows 10 (1809) and later: ``%LOCALAPPDATA%\\Microsoft\\Windows\\Fonts`` plus a value per
  font under ``HKEY_CURRENT_USER\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Fonts``
  (Word sees them once it is started again);
* Linux: ``~/.local/share/fonts`` (``$XDG_DATA_HOME/fonts``), then ``fc-cache``;
* macOS: ``~/Library/Fonts``.

Qt-free: the window offers it (a button is the UI's business), the CLI or a test may call it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from mediator_desktop.errors import ServiceError
from mediator_desktop.paths import fonts_dir

#: The fonts a Word file from this application may name besides the office's own 仿宋/黑体.
WORD_FALLBACK_FONTS: tuple[str, ...] = ("HanaMinA.ttf", "HanaMinB.ttf")
_REGISTRY_KEY = r"Software\Microsoft\Windows NT\CurrentVersion\Fonts"


@dataclass(frozen=True)
class FontInstall:
    """What :func:`install_fonts` did, for the message the user sees."""

    folder: Path
    copied: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        if not self.copied:
            return f"字体已经安装过了（{self.folder}）。"
        return (f"已为当前用户安装字体：{'、'.join(Path(n).stem for n in self.copied)}（{self.folder}）。"
                "请关闭并重新打开 Word 或 WPS，生僻字才能显示。")


def user_font_folder(platform: str | None = None, env: dict[str, str] | None = None,
                     home: Path | None = None) -> Path:
    """The current user's own font folder on ``platform`` (``sys.platform`` by default)."""
    platform = platform or sys.platform
    env = dict(os.environ) if env is None else env
    home = home or Path.home()
    if platform.startswith("win"):
        local = env.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(local) / "Microsoft" / "Windows" / "Fonts"
    if platform == "darwin":
        return home / "Library" / "Fonts"
    data = env.get("XDG_DATA_HOME") or str(home / ".local" / "share")
    return Path(data) / "fonts"


def missing_fonts(files: tuple[str, ...] = WORD_FALLBACK_FONTS, folder: Path | None = None) -> list[str]:
    """The font files of ``files`` not yet in the user's font folder (nor, on Windows, in the
    system's): what the window can offer to install."""
    places = [folder or user_font_folder()]
    if sys.platform.startswith("win"):
        places.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
    return [name for name in files if not any((place / name).is_file() for place in places)]


def _register_windows(path: Path) -> None:  # pragma: no cover - Windows only
    if sys.platform == "win32":   # (the type checker reads winreg only for Windows)
        import winreg

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, _REGISTRY_KEY) as key:
            winreg.SetValueEx(key, f"{path.stem} (TrueType)", 0, winreg.REG_SZ, str(path))


def install_fonts(files: tuple[str, ...] = WORD_FALLBACK_FONTS, folder: Path | None = None) -> FontInstall:
    """Copy the shipped ``files`` into the user's font folder and make them known to the
    system. Raises :class:`ServiceError` (Chinese) when a file cannot be copied."""
    target = folder or user_font_folder()
    copied: list[str] = []
    already: list[str] = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            source = fonts_dir() / name
            if not source.is_file():
                raise ServiceError(f"程序自带的字体文件“{name}”不见了，请重新安装调解工作台。")
            dest = target / name
            if dest.is_file() and dest.stat().st_size == source.stat().st_size:
                already.append(name)
            else:
                partial = dest.with_name(dest.name + ".part")
                shutil.copyfile(source, partial)
                partial.replace(dest)
                copied.append(name)
            if sys.platform.startswith("win"):  # pragma: no cover - Windows only
                _register_windows(dest)
    except OSError as exc:
        raise ServiceError(f"无法把字体复制到“{target}”：{exc.strerror or exc}。") from exc
    if copied and not sys.platform.startswith(("win", "darwin")) and shutil.which("fc-cache"):
        subprocess.run(["fc-cache", "-f", str(target)], capture_output=True, timeout=300, check=False)
    return FontInstall(target, copied, already)


__all__ = ["WORD_FALLBACK_FONTS", "FontInstall", "install_fonts", "missing_fonts", "user_font_folder"]

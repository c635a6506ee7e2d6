"""reportlab TrueType fonts whose parsed tables are kept between runs.

Registering a TrueType font, reportlab reads its tables in Python — names, metrics, the whole
character map, every glyph's advance and location: 20–70 ms for each of the shipped fonts, paid
again by every program that prints (the command line renders one document per process). What
that parse extracts (``TTFontFile.extractInfo``) is a function of the font file and reportlab's
version alone, so it is kept in the cache folder after the first parse and read back with
:mod:`marshal` (plain dicts, lists and numbers; the format Python keeps its own compiled modules
in, in the same kind of per-user folder). The font file itself is still read whole: the subsets
embedded in a PDF are cut from its glyph table, exactly as before.

A kept file is named by the font's key, size and modification time, reportlab's version and
Python's, so an updated font or library is parsed afresh; one that cannot be read back is
ignored (and replaced) — never trusted half-read.
"""

from __future__ import annotations

import gc
import logging
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import reportlab
from reportlab import rl_config
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

from mediator_desktop import paths

log = logging.getLogger(__name__)

#: Changed whenever what is kept, or how, changes.
FORMAT = 2
#: Attributes ``extractInfo`` sets that are not kept: the read position, and the scaling
#: function (remade from ``unitsPerEm`` exactly as reportlab makes it).
_NOT_KEPT = frozenset({"_pos", "_pdfScale"})
#: Kept, but unpacked only when first read: glyph → characters, the costliest to unpack (a list
#: per glyph), is read by reportlab only to shape text with HarfBuzz.
_ON_DEMAND = frozenset({"glyphToChar"})


def kept_file(path: Path, index: int) -> Path | None:
    """Where the parsed tables of face ``index`` of ``path`` are kept (None: no such file)."""
    try:
        st = path.stat()
    except OSError:
        return None
    python = f"{sys.version_info[0]}{sys.version_info[1]}"
    return paths.cache_dir() / (f"ttf-{path.stem}-{index}-{st.st_size}-{st.st_mtime_ns}"
                                f"-rl{reportlab.Version}-py{python}-v{FORMAT}.marshal")


def _scale(units_per_em: int) -> Any:
    """reportlab's font-unit → 1/1000 em function (``extractInfo``), made the same way."""
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor


def _pack(info: dict[str, Any]) -> bytes:
    """The extracted attributes as marshal data; reportlab's name strings (a bytes subclass
    carrying its text) are kept as their text, the attributes unpacked on demand as marshal
    data of their own."""
    plain, names, on_demand = {}, {}, {}
    for key, value in info.items():
        if type(value) is TTFNameBytes:
            names[key] = value.ustr
        elif key in _ON_DEMAND:
            on_demand[key] = marshal.dumps(value)
        else:
            plain[key] = value
    return marshal.dumps((FORMAT, reportlab.Version, plain, names, on_demand))


def _unpack(data: bytes) -> tuple[dict[str, Any], dict[str, bytes]] | None:
    """The attributes kept in ``data`` and those to unpack on demand (None: not ours, or damaged).

    Unpacked with the cyclic garbage collector paused: the data is some 100,000 dicts, lists
    and tuples of numbers (no cycles to find), and the collector walking the whole program's
    objects again and again as they were made took longer than the unpacking itself (20-25 ms
    of a command-line render)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        fmt, version, plain, names, on_demand = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None
    finally:
        if was_enabled:
            gc.enable()
    if (fmt != FORMAT or version != reportlab.Version
            or not all(isinstance(x, dict) for x in (plain, names, on_demand))):
        return None
    info = dict(plain)
    info.update({key: TTFNameBytes(text.encode("utf-8")) for key, text in names.items()})
    if not isinstance(info.get("unitsPerEm"), int) or not isinstance(info.get("charToGlyph"), dict):
        return None
    return info, on_demand


def _keep(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` as a whole: a file of its own, then renamed, so a second
    program reading at the same moment sees all of it or nothing."""
    try:
        fd, tmp = tempfile.mkstemp(dir=paths.private_dir(target.parent), suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("could not keep the parsed font %s: %s", target, exc)


class KeptFace(TTFontFace):  # type: ignore[misc]  # reportlab has no types
    """A ``TTFontFace`` whose extracted tables come from the cache folder when kept there."""

    def __init__(self, path: Path, index: int = 0) -> None:
        self._kept_file = kept_file(path, index)
        self._on_demand: dict[str, bytes] = {}
        super().__init__(str(path), subfontIndex=index)

    def __getattr__(self, name: str) -> Any:
        """An attribute kept for unpacking on demand (only called for one not set)."""
        on_demand = self.__dict__.get("_on_demand") or {}
        if name not in on_demand:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value = marshal.loads(on_demand.pop(name))
        setattr(self, name, value)
        return value

    def extractInfo(self, charInfo: int = 1) -> None:  # noqa: N802, N803 - reportlab's names
        kept = self._kept_file
        if charInfo and kept is not None:
            unpacked = None
            try:
                unpacked = _unpack(kept.read_bytes())
            except FileNotFoundError:
                pass
            except OSError as exc:
                log.warning("kept font %s unreadable, parsing the font: %s", kept, exc)
            if unpacked is not None:
                info, self._on_demand = unpacked
                self.__dict__.update(info)
                self._pdfScale = _scale(info["unitsPerEm"])
                return
        before = dict(self.__dict__)
        super().extractInfo(charInfo)
        if not charInfo or kept is None:
            return
        info = {key: value for key, value in self.__dict__.items()
                if key not in _NOT_KEPT and key != "_on_demand" and (key not in before or before[key] is not value)}
        try:
            data = _pack(info)
        except ValueError as exc:  # a value marshal cannot hold (a later reportlab's): not kept
            log.warning("parsed font %s not kept: %s", self.filename, exc)
            return
        _keep(kept, data)


class KeptTTFont(TTFont):  # type: ignore[misc]  # reportlab has no types
    """``TTFont(name, path, subfontIndex=index)`` with the face read through :class:`KeptFace`.

    reportlab's ``TTFont.__init__`` makes its face itself; this is the same constructor with
    the face made here (tests/test_font_cache.py compares the two, attribute by attribute)."""

    def __init__(self, name: str, path: Path, index: int = 0) -> None:
        from fnmatch import fnmatch
        from weakref import WeakKeyDictionary

        from reportlab.pdfbase.ttfonts import unShapedFontGlob

        self.fontName = name
        self.face = KeptFace(path, index)
        self.encoding = TTEncoding()
        self.state: WeakKeyDictionary[Any, Any] = WeakKeyDictionary()
        self._asciiReadable = rl_config.ttfAsciiReadable
        self.shapable = not any(fnmatch(name, glob) for glob in unShapedFontGlob)

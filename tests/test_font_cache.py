"""The fonts' parsed tables are kept between runs (documents/fontcache.py): a font registered
from what was kept is the very font reportlab parses, a kept file is really used, and a damaged
one is parsed afresh and replaced."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

from mediator_desktop.documents.fontcache import KeptTTFont, kept_file
from mediator_desktop.documents.style import FontFace, builtin_faces


def _attributes(font: Any) -> dict[str, Any]:
    """Everything reportlab reads from a font object, the face's scaling function by its value."""
    font.face.glyphToChar  # noqa: B018 - (a kept font unpacks it when first read)
    out = {f"font.{k}": v for k, v in vars(font).items() if k not in ("face", "encoding", "state")}
    out["font.encoding"] = vars(font.encoding)
    out.update({f"face.{k}": v for k, v in vars(font.face).items()
                if k not in ("_pdfScale", "_pos", "_kept_file", "_on_demand")})
    out["face.scale"] = [font.face._pdfScale(x) for x in (0, 1, 1000, 1234)]
    for key in ("name", "familyName", "styleName", "fullName", "uniqueFontID"):
        value = getattr(font.face, key)
        out[f"face.{key}.type"] = type(value)
        out[f"face.{key}.text"] = getattr(value, "ustr", None)
    return out


@pytest.mark.parametrize("key", ["fang", "sans", "serif", "serif-b"])
def test_a_kept_font_is_the_font_reportlab_parses(key: str) -> None:
    face = builtin_faces()[key]
    parsed = _attributes(TTFont("probe", str(face.path), subfontIndex=face.index))
    kept = kept_file(face.path, face.index)
    assert kept is not None and not kept.exists()

    first = KeptTTFont("probe", face.path, face.index)   # parses, and keeps what it read
    assert kept.exists()
    assert _attributes(first) == parsed
    again = KeptTTFont("probe", face.path, face.index)   # reads what was kept
    assert _attributes(again) == parsed
    assert again.face.charToGlyph is not first.face.charToGlyph


def test_a_kept_font_is_not_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    face = builtin_faces()["fang"]
    KeptTTFont("probe", face.path, face.index)

    def no_parsing(self: TTFontFile, charInfo: int = 1) -> None:  # noqa: N803
        raise AssertionError("the font was parsed again")

    monkeypatch.setattr(TTFontFile, "extractInfo", no_parsing)
    assert ord("调") in KeptTTFont("probe", face.path, face.index).face.charToGlyph


@pytest.mark.parametrize("damage", [lambda b: b[: len(b) // 2], lambda b: b"", lambda b: b"\x00" * 64])
def test_a_damaged_kept_font_is_parsed_afresh_and_replaced(damage: Any) -> None:
    face = builtin_faces()["fang"]
    collecting = gc.isenabled()  # (off once a window's collector runs on the GUI thread)
    parsed = _attributes(TTFont("probe", str(face.path), subfontIndex=face.index))
    KeptTTFont("probe", face.path, face.index)
    kept = kept_file(face.path, face.index)
    assert kept is not None
    whole = kept.read_bytes()
    kept.write_bytes(damage(whole))
    assert _attributes(KeptTTFont("probe", face.path, face.index)) == parsed
    assert kept.read_bytes() == whole
    assert gc.isenabled() == collecting                    # (paused while unpacking only)


def test_a_changed_font_file_is_kept_under_another_name(tmp_path: Any) -> None:
    source = builtin_faces()["fang"].path
    copy = tmp_path / source.name
    copy.write_bytes(source.read_bytes())
    before = kept_file(copy, 0)
    copy.write_bytes(source.read_bytes() + b"\0\0\0\0")   # (a font file padded: another size)
    assert kept_file(copy, 0) != before
    face = FontFace(copy)
    assert _attributes(KeptTTFont("probe", face.path)) == _attributes(TTFont("probe", str(copy)))

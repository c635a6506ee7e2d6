"""The settings file is written atomically and durably (issue 18): a save that fails midway
leaves the previous file whole and no temporary file behind."""

from __future__ import annotations

import os

import pytest

from mediator_desktop import settings as opts


def test_a_failed_save_keeps_the_old_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    s = opts.Settings()
    s.set(opts.UI_FONT_SIZE, 16)
    s.save()
    before = s.path.read_bytes()
    assert b"16" in before

    def power_cut(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    s.set(opts.UI_FONT_SIZE, 28)
    with monkeypatch.context() as m, pytest.raises(OSError):
        m.setattr(os, "replace", power_cut)
        s.save()
    assert s.path.read_bytes() == before
    assert [p.name for p in s.path.parent.iterdir() if p.name.startswith(".settings-")] == []
    assert opts.Settings().get(opts.UI_FONT_SIZE) == 16


def test_a_save_is_synced_before_it_replaces_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (order.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (order.append("replace"), real_replace(a, b))[1])
    s = opts.Settings()
    s.set(opts.UI_FONT_SIZE, 20)
    s.save()
    assert order[:2] == ["fsync", "replace"]
    assert opts.Settings().get(opts.UI_FONT_SIZE) == 20

"""The screenshot scripts show a room PC's folder, not the temporary one they run in."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from room_screen import shown_path  # noqa: E402


def test_temporary_and_home_paths_are_shown_as_a_users_folder() -> None:
    shown = shown_path("/tmp/tmpa1_b2/旧台账.xlsx：表头在第3行")
    assert shown == "C:\\Users\\调解室\\Documents\\调解工作台\\旧台账.xlsx：表头在第3行"
    assert shown_path(f"备份文件夹 {Path.home()}/备份") == "备份文件夹 C:\\Users\\调解室\\备份"
    assert shown_path("无路径的文字 /tmpx") == "无路径的文字 /tmpx"

"""The command line writes where it is told: ``--db`` before or after the sub-command."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediator_desktop import cli, paths

SUBCOMMANDS = {
    "gui": [],
    "import": ["cases.json"],
    "export": ["-o", "out.json"],
    "demo": [],
    "render": ["（2026）某人调字第1号", "agreement", "-o", "a.pdf"],
    "agenda": [],
}


@pytest.mark.parametrize("command", sorted(SUBCOMMANDS))
def test_db_option_in_either_position(command: str) -> None:
    parser = cli.build_parser()
    rest = SUBCOMMANDS[command]
    before = parser.parse_args(["--db", "/x/before.sqlite3", command, *rest])
    after = parser.parse_args([command, *rest, "--db", "/x/after.sqlite3"])
    neither = parser.parse_args([command, *rest])
    assert before.db == "/x/before.sqlite3"
    assert after.db == "/x/after.sqlite3"
    assert neither.db is None
    # Given twice, the one nearer the end wins, as argparse does for any repeated option.
    both = parser.parse_args(["--db", "/x/first.sqlite3", command, *rest, "--db", "/x/last.sqlite3"])
    assert both.db == "/x/last.sqlite3"


def test_import_with_db_before_the_command_writes_there(tmp_path: Path, shared_samples: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """The form ``--help`` shows: the cases land in the named file, never in the default database."""
    target = tmp_path / "room.sqlite3"
    assert cli.main(["--db", str(target), "--create", "import", str(shared_samples)]) == 0
    assert "新增2件" in capsys.readouterr().out
    assert not paths.default_database_file().exists()
    assert cli.main(["agenda", "--db", str(target), "--json"]) == 0
    assert "（2026）" in capsys.readouterr().out
    assert not paths.default_database_file().exists()


def test_the_log_names_the_system_without_running_a_program(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command's first log line names the system; ``platform.platform()`` would ask for
    the processor, which runs ``uname -p`` (about 10 ms of a command that takes half a second)."""
    import platform
    import subprocess
    import sys

    from mediator_desktop import logfile

    def no_programs(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a program was run: {args}")

    monkeypatch.setattr(platform, "_uname_cache", None)  # (asked afresh, not from an earlier test)
    monkeypatch.setattr(subprocess, "Popen", no_programs)
    text = logfile._platform_text()
    monkeypatch.undo()
    assert text.startswith(f"{platform.system()}-{platform.release()}-")
    if sys.platform == "linux":
        assert text == platform.platform()


def test_only_the_command_as_the_program_freezes_its_start_up_objects(tmp_path: Path, shared_samples: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """As the program (no argv: the script, python -m) the command's modules are loaded with the
    collector paused and then frozen out of it (cli._loading); called from other code, as here,
    main leaves the collector as it found it."""
    import gc
    import json
    import subprocess
    import sys

    target = tmp_path / "room.sqlite3"
    found = (gc.isenabled(), gc.get_freeze_count())  # (off once a GUI test's collector runs)
    assert cli.main(["--db", str(target), "--create", "import", str(shared_samples)]) == 0
    assert (gc.isenabled(), gc.get_freeze_count()) == found
    assert cli.main(["--db", str(target), "agenda"]) == 0
    assert (gc.isenabled(), gc.get_freeze_count()) == found
    capsys.readouterr()

    script = ("import gc, json, sys\n"
              "from mediator_desktop import cli\n"
              f"sys.argv = ['mediator-desktop', '--db', {str(target)!r}, 'agenda']\n"
              "rc = cli.main()\n"
              "print(json.dumps([rc, gc.isenabled(), gc.get_freeze_count()]))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    rc, enabled, frozen = json.loads(done.stdout.strip().splitlines()[-1])
    assert rc == 0 and enabled and frozen > 10_000


def test_gui_quit_after_is_an_option_of_the_window() -> None:
    """``gui --quit-after MS`` (the packaging test closes the frozen window with it)."""
    parser = cli.build_parser()
    assert parser.parse_args(["gui", "--quit-after", "300"]).quit_after == 300
    assert parser.parse_args(["gui"]).quit_after is None


def test_render_help_lists_every_document_of_the_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    """The list used to be typed by hand and missed referral-letter; it now comes from the catalog."""
    from mediator_desktop.documents.catalog import TITLES

    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["render", "--help"])
    shown = "".join(capsys.readouterr().out.split())
    for name, title in TITLES.items():
        assert f"{name}（{title}）" in shown, name
    assert "referral-letter（移送函）" in shown and "conference-record（联席会议记录）" in shown


def test_argparse_speaks_chinese_in_help_and_mistakes(capsys) -> None:  # type: ignore[no-untyped-def]
    """The command line's own words (headings, -h, a missing or unknown argument) are Chinese
    like the rest of the program, and a mistake exits with 2 naming what was wrong."""
    with pytest.raises(SystemExit) as stopped:
        cli.main(["--help"])
    assert stopped.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("用法：mediator-desktop") and "选项" in text and "显示本说明后退出" in text
    assert "usage" not in text and "show this help" not in text
    for argv, expected in ((["backup"], "缺少必填的参数：-o/--output"),
                           (["export", "-o", "x.json", "--bogus"], "不认识的参数：--bogus"),
                           (["export", "-o", "x.json", "--format-version", "7"], "7 不是可选的值")):
        with pytest.raises(SystemExit) as stopped:
            cli.main(argv)
        err = capsys.readouterr().err
        assert stopped.value.code == 2 and expected in err and "用法：" in err, err

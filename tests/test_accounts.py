"""Accounts and sign-in (issue 16): the first administrator turns sign-in on, argon2 hashes,
the lock after five wrong passwords, the CLI's --user, a viewer's masked export and refused import."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import make_services, sample_draft, setup_org

from mediator_desktop.cli import main
from mediator_desktop.services.errors import PermissionDenied, ValidationError

ADMIN_PW = "zhang-2026!"
VIEWER_PW = "kan-kan-2026"


def _problem_fields(exc: ValidationError) -> set[str]:
    return {p.field for p in exc.problems}


def test_a_database_without_users_works_as_before_and_the_first_user_must_be_an_admin(services) -> None:  # type: ignore[no-untyped-def]
    accounts = services.accounts
    assert not accounts.sign_in_required() and accounts.users() == []
    with pytest.raises(ValidationError) as err:
        accounts.add_user("lisi", "李四", "mediator", "12345678")
    assert "role" in _problem_fields(err.value) and "管理员" in str(err.value)
    with pytest.raises(ValidationError) as err:
        accounts.add_user("a b", "", "admin", "short")
    assert _problem_fields(err.value) == {"login", "name", "password"}
    admin = accounts.add_user("zhangsan", "张三", "admin", ADMIN_PW)
    assert admin.role_label == "管理员" and accounts.sign_in_required()
    with services.db.read() as s:
        from sqlalchemy import text
        stored = s.execute(text("SELECT password_hash FROM user_account")).scalar()
    assert stored.startswith("$argon2id$") and ADMIN_PW not in stored


def test_five_wrong_passwords_lock_the_account_for_five_minutes(services, clock) -> None:  # type: ignore[no-untyped-def]
    accounts = services.accounts
    accounts.add_user("zhangsan", "张三", "admin", ADMIN_PW)
    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationError) as err:
            accounts.authenticate("zhangsan", "wrong-password")
        assert f"再输错{left}次" in str(err.value) and _problem_fields(err.value) == {"password"}
    with pytest.raises(ValidationError) as err:
        accounts.authenticate("zhangsan", "wrong-password")
    assert "已连续输错5次" in str(err.value) and "09:35" in str(err.value)
    with pytest.raises(ValidationError, match="账户已锁定"):
        accounts.authenticate("zhangsan", ADMIN_PW)          # the right one too, while locked
    clock.value += timedelta(minutes=5, seconds=1)
    actor = accounts.authenticate("zhangsan", ADMIN_PW)
    assert actor.name == "张三" and actor.role == "admin" and actor.can_administer
    with pytest.raises(ValidationError) as err:
        accounts.authenticate("nobody", ADMIN_PW)
    assert "用户名或密码不对" in str(err.value)
    texts = [e.text for e in services.audit.entries()]
    assert "张三登录" in texts and any(t.startswith("登录失败：张三") for t in texts)


def test_only_an_admin_manages_users_and_the_last_admin_stays(services) -> None:  # type: ignore[no-untyped-def]
    accounts = services.accounts
    accounts.add_user("zhangsan", "张三", "admin", ADMIN_PW)
    with pytest.raises(PermissionDenied, match="管理员"):      # nobody signed in yet
        accounts.add_user("wangwu", "王五", "viewer", VIEWER_PW)
    accounts.sign_in("zhangsan", ADMIN_PW)
    with pytest.raises(ValidationError) as err:
        accounts.add_user("zhaoliu", "赵六", "mediator", VIEWER_PW, organization_ids=[999])
    assert _problem_fields(err.value) == {"committees"} and "999" in str(err.value)
    accounts.add_user("wangwu", "王五", "viewer", VIEWER_PW)
    with pytest.raises(ValidationError, match="已经有人用了"):
        accounts.add_user("wangwu", "王五二", "viewer", VIEWER_PW)
    with pytest.raises(ValidationError, match="最后一个管理员"):
        accounts.set_active("zhangsan", False)
    accounts.sign_in("wangwu", VIEWER_PW)
    with pytest.raises(PermissionDenied, match="王五"):
        accounts.change_password("zhangsan", "new-password-1")
    accounts.change_password("wangwu", "new-password-2")       # one's own
    accounts.sign_in("zhangsan", ADMIN_PW)
    accounts.set_active("wangwu", False)
    with pytest.raises(ValidationError, match="已停用") as err:
        accounts.authenticate("wangwu", "new-password-2")
    assert "王五" not in str(err.value)          # a typed login does not learn whose account it is
    # With a second administrator, one still cannot disable the account one is signed in with.
    accounts.add_user("lisi", "李四", "admin", ADMIN_PW)
    with pytest.raises(ValidationError, match="不能停用自己正在使用的账户"):
        accounts.set_active("zhangsan", False)
    accounts.sign_in("lisi", ADMIN_PW)
    accounts.set_active("zhangsan", False)


@pytest.fixture
def db_file(tmp_path: Path, sqlite_template: Path) -> str:
    import shutil

    target = tmp_path / "room.sqlite3"
    shutil.copy(sqlite_template, target)
    services = make_services(str(target))
    setup_org(services)
    services.cases.register(sample_draft())
    services.close()
    return str(target)


def test_the_command_line_needs_a_user_once_sign_in_is_on(db_file: str, tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MEDIATOR_DESKTOP_NEW_PASSWORD", ADMIN_PW)
    assert main(["--db", db_file, "user", "add", "zhangsan", "--name", "张三", "--role", "admin"]) == 0
    assert "已添加用户 zhangsan（张三，管理员）" in capsys.readouterr().out
    out = tmp_path / "all.json"
    assert main(["--db", db_file, "export", "-o", str(out)]) == 1
    assert "已开启登录" in capsys.readouterr().err and not out.exists()
    monkeypatch.setenv("MEDIATOR_DESKTOP_PASSWORD", "not-the-password")
    assert main(["--db", db_file, "--user", "zhangsan", "export", "-o", str(out)]) == 1
    assert "用户名或密码不对" in capsys.readouterr().err
    monkeypatch.setenv("MEDIATOR_DESKTOP_PASSWORD", ADMIN_PW)
    monkeypatch.setenv("MEDIATOR_DESKTOP_NEW_PASSWORD", VIEWER_PW)
    assert main(["--db", db_file, "--user", "zhangsan", "user", "add", "wangwu", "--name", "王五", "--role",
                 "viewer"]) == 0
    assert main(["--db", db_file, "user", "list", "--user", "zhangsan"]) == 0
    listing = capsys.readouterr().out
    assert "wangwu\t王五\t只读\t启用\t全部调委会" in listing and "登录：已开启" in listing

    # The viewer's export is masked although --masked was not given; its import is refused.
    full = tmp_path / "full.json"
    assert main(["--db", db_file, "--user", "zhangsan", "export", "-o", str(full)]) == 0
    monkeypatch.setenv("MEDIATOR_DESKTOP_PASSWORD", VIEWER_PW)
    assert main(["--db", db_file, "--user", "wangwu", "export", "-o", str(out)]) == 0
    ids_full = [p["id_number"] for c in json.loads(full.read_text("utf-8"))["cases"] for p in c["parties"]
                if p.get("id_number")]
    ids_viewer = [p["id_number"] for c in json.loads(out.read_text("utf-8"))["cases"] for p in c["parties"]
                  if p.get("id_number")]
    assert ids_full and all("*" not in i for i in ids_full) and all("*" in i for i in ids_viewer)
    assert main(["--db", db_file, "--user", "wangwu", "import", str(full)]) == 1
    assert "没有导入案件的权限" in capsys.readouterr().err

    # An administrator switches sign-in off (a one-PC room): commands need no --user again.
    monkeypatch.setenv("MEDIATOR_DESKTOP_PASSWORD", ADMIN_PW)
    assert main(["--db", db_file, "--user", "zhangsan", "user", "sign-in", "off"]) == 0
    capsys.readouterr()
    assert main(["--db", db_file, "export", "-o", str(tmp_path / "again.json")]) == 0
    assert main(["--db", db_file, "audit", "verify"]) == 0
    services = make_services(db_file)
    try:
        texts = [e.text for e in services.audit.entries()]
        assert "关闭登录（本机只有一位使用者）" in texts
    finally:
        services.close()


def test_who_saw_or_took_out_full_id_numbers_is_recorded_and_a_viewer_sees_them_masked(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    setup_org(services)
    d = services.cases.register(sample_draft())
    party = d.parties[0]
    assert party.id_number and "*" not in party.id_number
    services.accounts.add_user("zhangsan", "张三", "admin", ADMIN_PW)
    services.accounts.sign_in("zhangsan", ADMIN_PW)
    services.accounts.add_user("wangwu", "王五", "viewer", VIEWER_PW)
    assert services.cases.open_party(party.id).id_number == party.id_number
    services.exchange.export_to_file(tmp_path / "full.json")
    services.accounts.sign_in("wangwu", VIEWER_PW)
    seen = services.cases.open_party(party.id)
    assert "*" in seen.id_number and seen.id_number[:2] == party.id_number[:2]
    services.exchange.export_to_file(tmp_path / "masked.json")
    entries = [(e.actor, e.text) for e in services.audit.entries()]
    assert ("张三", f"查看当事人“{party.name}”的完整信息") in entries
    assert ("张三", "导出案件交换文件（1件，含完整身份证号和电话）") in entries
    assert ("王五", "导出案件交换文件（1件，身份证号和电话已遮蔽）") in entries
    assert not any(actor == "王五" and text.startswith("查看当事人") for actor, text in entries)


def test_only_an_administrator_backs_up_or_restores_once_sign_in_is_on(  # type: ignore[no-untyped-def]
        db_file: str, tmp_path: Path, monkeypatch, capsys) -> None:
    """A backup holds every full ID number and a restore replaces the whole database: with
    sign-in on, only an administrator does either (the window, the command line); both are
    recorded in the audit trail, the restore in the restored database."""
    from mediator_desktop.services.errors import PermissionDenied

    monkeypatch.setenv("MEDIATOR_DESKTOP_NEW_PASSWORD", ADMIN_PW)
    assert main(["--db", db_file, "user", "add", "zhangsan", "--name", "张三", "--role", "admin"]) == 0
    monkeypatch.setenv("MEDIATOR_DESKTOP_PASSWORD", ADMIN_PW)
    monkeypatch.setenv("MEDIATOR_DESKTOP_NEW_PASSWORD", VIEWER_PW)
    assert main(["--db", db_file, "--user", "zhangsan", "user", "add", "li", "--name", "李调解", "--role",
                 "mediator"]) == 0
    capsys.readouterr()
    backup = tmp_path / "room.mdbak"
    monkeypatch.setenv("MEDIATOR_DESKTOP_PASSWORD", VIEWER_PW)
    assert main(["--db", db_file, "--user", "li", "backup", "-o", str(backup)]) == 1
    assert "没有备份数据的权限" in capsys.readouterr().err and not backup.exists()
    monkeypatch.setenv("MEDIATOR_DESKTOP_PASSWORD", ADMIN_PW)
    assert main(["--db", db_file, "--user", "zhangsan", "backup", "-o", str(backup)]) == 0
    capsys.readouterr()
    monkeypatch.setenv("MEDIATOR_DESKTOP_PASSWORD", VIEWER_PW)
    assert main(["--db", db_file, "--user", "li", "restore", str(backup)]) == 1
    assert "没有恢复数据的权限" in capsys.readouterr().err
    monkeypatch.setenv("MEDIATOR_DESKTOP_PASSWORD", ADMIN_PW)
    assert main(["--db", db_file, "--user", "zhangsan", "restore", str(backup)]) == 0

    services = make_services(db_file)
    try:
        services.accounts.sign_in("li", VIEWER_PW)
        with pytest.raises(PermissionDenied, match="没有备份数据的权限"):
            services.backups.create(tmp_path / "mine.mdbak")
        with pytest.raises(PermissionDenied, match="没有恢复数据的权限"):
            services.backups.restore(backup)
        assert not (tmp_path / "mine.mdbak").exists()
        entries = services.audit.entries()
        restored = [e for e in entries if e.action == "restore"]
        assert restored and restored[0].actor == "张三" and str(backup) in restored[0].text
        # The backup's own entry was written after the copy was taken: it is in the database
        # the restore replaced, not in the backup.
        assert services.audit.verify().ok
    finally:
        services.close()


def test_the_command_line_takes_a_role_by_its_name_as_well(db_file: str, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """An IT person types the role as the window and ``user list`` show it (只读, 记录员): taken
    for its code; a role that does not exist is still refused, naming the roles."""
    monkeypatch.setenv("MEDIATOR_DESKTOP_NEW_PASSWORD", ADMIN_PW)
    monkeypatch.setenv("MEDIATOR_DESKTOP_PASSWORD", ADMIN_PW)
    assert main(["--db", db_file, "user", "add", "zhangsan", "--name", "张三", "--role", "管理员"]) == 0
    monkeypatch.setenv("MEDIATOR_DESKTOP_NEW_PASSWORD", VIEWER_PW)
    assert main(["--db", db_file, "--user", "zhangsan", "user", "add", "zhou", "--name", "周科员", "--role", "只读"]) == 0
    assert "已添加用户 zhou（周科员，只读）" in capsys.readouterr().out
    assert main(["--db", db_file, "--user", "zhangsan", "user", "edit", "zhou", "--role", "记录员"]) == 0
    assert "已修改用户 zhou（周科员，记录员）" in capsys.readouterr().out
    assert main(["--db", db_file, "--user", "zhangsan", "user", "edit", "zhou", "--role", "书记员"]) == 1
    assert "请选择角色：管理员、调解员、记录员、只读" in capsys.readouterr().err

"""The roles table the administrator edits and a user's role, committees and mediator changed
(issue 16: services/roles.py, AccountService.update_user), with every refusal, on SQLite and
PostgreSQL; the changes reach the guard at the next sign-in and are audited with old and new."""

from __future__ import annotations

import pytest
from conftest import sample_draft
from sqlalchemy import text

from mediator_desktop.domain.permissions import DEFAULT_ROLES, Permission
from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.services.errors import PermissionDenied, ValidationError

PW = "role-edit-2026"


def _fields(exc: ValidationError) -> set[str]:
    return {p.field for p in exc.problems}


@pytest.fixture
def room(org_services):  # type: ignore[no-untyped-def]
    s = org_services
    s.accounts.add_user("admin", "张主任", "admin", PW)
    s.accounts.sign_in("admin", PW)
    s.accounts.add_user("yang", "杨志强", "mediator", PW, mediator_id=s.mediator_ids[0])
    s.accounts.add_user("zhou", "周科员", "viewer", PW)
    return s


def test_roles_are_listed_with_their_permissions_and_users(room) -> None:  # type: ignore[no-untyped-def]
    roles = {r.code: r for r in room.roles.list()}
    assert [r.name for r in room.roles.list()] == ["管理员", "调解员", "记录员", "只读"]
    assert roles["admin"].users == 1 and roles["mediator"].users == 1 and roles["clerk"].users == 0
    assert roles["viewer"].permissions == tuple(p.value for p in DEFAULT_ROLES["viewer"])
    assert all(r.builtin for r in roles.values())


def test_a_role_loses_a_permission_and_its_user_is_refused_from_the_next_sign_in(room) -> None:  # type: ignore[no-untyped-def]
    s = room
    mediator = s.roles.get("mediator")
    without_intake = [p for p in mediator.permissions if p != Permission.INTAKE.value]
    saved = s.roles.save("mediator", name="专职调解员", permissions=without_intake)
    assert saved.name == "专职调解员" and not saved.has(Permission.INTAKE)
    actor = s.accounts.sign_in("yang", PW)
    assert not actor.may(Permission.INTAKE) and actor.may(Permission.EDIT_ASSIGNED)
    with pytest.raises(PermissionDenied, match="登记新案件"):
        s.cases.register(sample_draft(mediators=[MediatorAssignment(s.mediator_ids[0])]))
    assert s.accounts.users()[1].role_label == "专职调解员"
    s.accounts.sign_in("admin", PW)
    texts = [e.text for e in s.audit.entries()]
    assert "修改角色：调解员 → 专职调解员（去掉权限：受理登记）" in texts


def test_only_an_administrator_edits_roles(room) -> None:  # type: ignore[no-untyped-def]
    s = room
    s.accounts.sign_in("zhou", PW)
    for call in (lambda: s.roles.save("viewer", name="只读", permissions=["read"]),
                 lambda: s.roles.add("审核员", copy_from="viewer"),
                 lambda: s.roles.delete("clerk"),
                 s.roles.restore_defaults,
                 lambda: s.accounts.update_user("zhou", name="周科员", role="admin")):
        with pytest.raises(PermissionDenied, match="周科员"):
            call()
    assert s.roles.get("viewer").permissions == ("read", "print")


def test_the_administrator_role_keeps_administer_and_someone_always_may_administer(room) -> None:  # type: ignore[no-untyped-def]
    s = room
    with pytest.raises(ValidationError, match="必须保留“管理用户、设置和代码表”") as err:
        s.roles.save("admin", name="管理员", permissions=["read"])
    assert _fields(err.value) == {"permissions"}
    with pytest.raises(ValidationError) as err:
        s.roles.save("viewer", name="", permissions=["read", "nonsense"])
    assert _fields(err.value) == {"name", "permissions"}
    with pytest.raises(ValidationError, match="已经有叫“管理员”的角色"):
        s.roles.save("viewer", name="管理员", permissions=["read"])
    # The last active administrator keeps a role that may administer.
    with pytest.raises(ValidationError, match="最后一个管理员") as err:
        s.accounts.update_user("admin", name="张主任", role="viewer")
    assert _fields(err.value) == {"role"}
    s.roles.save("clerk", name="记录员", permissions=["read", "administer"])
    s.accounts.update_user("yang", name="杨志强", role="clerk", mediator_id=s.mediator_ids[0])
    s.accounts.update_user("admin", name="张主任", role="viewer")     # 杨志强 administers now
    assert not s.can_administer                                          # at once: it is the user acting here
    s.accounts.sign_in("yang", PW)
    with pytest.raises(ValidationError, match="没有启用的用户能管理用户和角色"):
        s.roles.save("clerk", name="记录员", permissions=["read"])


def test_a_role_is_added_from_another_and_deleted_only_when_nobody_has_it(room) -> None:  # type: ignore[no-untyped-def]
    s = room
    new = s.roles.add("人民陪审员", copy_from="viewer")
    assert new.code == "role5" and new.permissions == ("read", "print") and not new.builtin
    with pytest.raises(ValidationError) as err:
        s.roles.add("人民陪审员", copy_from="nobody", code="Bad Code")
    assert _fields(err.value) == {"name", "copy_from", "code"}
    named = s.roles.add("外聘专家", copy_from="clerk", code="expert")
    assert named.code == "expert"
    s.accounts.update_user("zhou", name="周科员", role="role5")
    with pytest.raises(ValidationError, match="还有1位用户是“人民陪审员”"):
        s.roles.delete("role5")
    with pytest.raises(ValidationError, match="不能删除"):
        s.roles.delete("admin")
    s.roles.delete("expert")
    assert [r.code for r in s.roles.list()] == ["admin", "mediator", "clerk", "viewer", "role5"]
    texts = [e.text for e in s.audit.entries()]
    assert "新增角色：人民陪审员（role5，权限同“只读”：查看本调委会的案件、打印文书）" in texts
    assert "删除角色：外聘专家（expert）" in texts
    assert s.accounts.users()[2].role_label == "人民陪审员"


def test_restoring_the_defaults_brings_back_the_built_in_roles_and_keeps_added_ones(room) -> None:  # type: ignore[no-untyped-def]
    s = room
    s.roles.save("viewer", name="查看", permissions=["read"])
    s.roles.delete("clerk")
    s.roles.add("陪审", copy_from="viewer")
    changed = s.roles.restore_defaults()
    assert changed == ["记录员", "只读"]
    roles = {r.code: r for r in s.roles.list()}
    assert roles["viewer"].name == "只读" and roles["viewer"].permissions == ("read", "print")
    assert roles["clerk"].permissions == tuple(p.value for p in DEFAULT_ROLES["clerk"])
    assert "陪审" in {r.name for r in roles.values()}
    assert s.roles.restore_defaults() == []
    assert "角色恢复默认：查看 → 只读（增加权限：打印文书）" in [e.text for e in s.audit.entries()]


def test_a_user_is_given_a_role_committees_and_a_mediator(room) -> None:  # type: ignore[no-untyped-def]
    s = room
    with s.db.write() as db:   # a second committee of the centre
        db.execute(text("INSERT INTO organization (name, short_name, kind, address, phone, seal_text, code_pattern, "
                        "version) VALUES ('幸福村人民调解委员会', '幸福', 'committee', '', '', '', '', 1)"))
    committees = s.accounts.committees()
    assert [name for _id, name in committees] == ["龙门街道人民调解委员会", "幸福村人民调解委员会"]
    first, second = (i for i, _name in committees)
    with pytest.raises(ValidationError) as err:
        s.accounts.update_user("zhou", name=" ", role="nobody", organization_ids=[999], mediator_id=999)
    assert _fields(err.value) == {"name", "role", "committees", "mediator"}
    with pytest.raises(ValidationError, match="没有用户“nobody”"):
        s.accounts.update_user("nobody", name="某", role="viewer")
    user = s.accounts.update_user("zhou", name="周建国", role="mediator", organization_ids=[second, first, second],
                                  mediator_id=s.mediator_ids[1])
    assert (user.name, user.role, set(user.organization_ids), user.mediator_id) == (
        "周建国", "mediator", {first, second}, s.mediator_ids[1])
    actor = s.accounts.authenticate("zhou", PW)
    assert actor.organization_ids == {first, second} and actor.mediator_id == s.mediator_ids[1]
    s.accounts.update_user("zhou", name="周建国", role="mediator", organization_ids=[second])
    assert s.accounts.authenticate("zhou", PW).organization_ids == {second}
    texts = [e.text for e in s.audit.entries()]
    assert any(t.startswith("修改用户周建国（zhou）：姓名 周科员 → 周建国；角色 只读 → 调解员；") for t in texts)
    assert f"修改用户周建国（zhou）：调委会{first}、{second} → 调委会{second}；对应调解员 {s.mediator_ids[1]} → 无（编号）" \
        in texts


def test_a_new_user_gets_an_added_role_and_an_unknown_one_is_refused(room) -> None:  # type: ignore[no-untyped-def]
    s = room
    s.roles.add("陪审", copy_from="viewer", code="juror")
    assert s.accounts.add_user("wu", "吴陪审", "juror", PW).role_label == "陪审"
    with pytest.raises(ValidationError, match="管理员、调解员、记录员、只读、陪审") as err:
        s.accounts.add_user("wu2", "吴二", "nobody", PW)
    assert _fields(err.value) == {"role"}


def test_the_command_line_edits_users_and_roles(tmp_path, sqlite_template, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from conftest import make_services, setup_org

    from mediator_desktop.cli import main

    db = tmp_path / "room.sqlite3"
    shutil.copy(sqlite_template, db)
    services = make_services(str(db))
    mediators = setup_org(services)
    services.close()
    monkeypatch.setenv("MEDIATOR_DESKTOP_NEW_PASSWORD", PW)
    monkeypatch.setenv("MEDIATOR_DESKTOP_PASSWORD", PW)
    assert main(["--db", str(db), "user", "add", "admin", "--name", "张主任", "--role", "admin"]) == 0
    as_admin = ["--db", str(db), "--user", "admin"]
    assert main([*as_admin, "user", "add", "yang", "--name", "杨志强", "--role", "viewer"]) == 0
    capsys.readouterr()
    assert main([*as_admin, "user", "edit", "yang", "--role", "mediator", "--committee", "1",
                 "--mediator", str(mediators[0])]) == 0
    assert "已修改用户 yang（杨志强，调解员），下次登录时生效" in capsys.readouterr().out
    assert main([*as_admin, "role", "set", "mediator", "--permissions", "read,edit_assigned,print",
                 "--name", "驻村调解员"]) == 0
    assert "已保存角色 mediator（驻村调解员）：查看本调委会的案件、办理分配给自己的案件、打印文书" in capsys.readouterr().out
    assert main([*as_admin, "role", "set", "admin", "--permissions", "read"]) == 1
    assert "必须保留" in capsys.readouterr().err
    assert main([*as_admin, "role", "set", "viewer", "--permissions", "read,fly"]) == 1
    assert "没有这样的权限：fly" in capsys.readouterr().err
    assert main([*as_admin, "role", "list"]) == 0
    listing = capsys.readouterr().out
    assert "mediator\t驻村调解员\t1位用户\tread,edit_assigned,print\t" \
           "查看本调委会的案件、办理分配给自己的案件、打印文书" in listing
    assert main([*as_admin, "user", "edit", "yang", "--all-committees", "--mediator", "none", "--name", "杨志刚"]) == 0
    assert main([*as_admin, "user", "edit", "nobody", "--name", "某"]) == 1
    assert "没有用户“nobody”" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main([*as_admin, "user", "edit", "yang", "--mediator", "abc"])
    assert stop.value.code == 2 and "调解员编号应是数字或 none" in capsys.readouterr().err
    monkeypatch.setenv("MEDIATOR_DESKTOP_PASSWORD", PW)
    assert main(["--db", str(db), "--user", "yang", "role", "set", "viewer", "--permissions", "read"]) == 1
    assert "杨志刚" in capsys.readouterr().err
    assert main(["--db", str(db), "--user", "admin", "audit", "verify"]) == 0   # the new entries keep the chain whole
    services = make_services(str(db))
    try:
        yang = next(u for u in services.accounts.users() if u.login == "yang")
        assert (yang.name, yang.role, yang.organization_ids, yang.mediator_id) == ("杨志刚", "mediator", (), None)
        actor = services.accounts.authenticate("yang", PW)
        assert not actor.may(Permission.INTAKE) and actor.may(Permission.EDIT_ASSIGNED)
    finally:
        services.close()

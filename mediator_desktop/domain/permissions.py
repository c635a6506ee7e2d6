"""Roles and what they may do (issue 16): a registry of permissions and the default roles.

The administrator edits the roles (the ``user_role`` table starts from :data:`DEFAULT_ROLES`);
services ask :func:`allows` before they act, so the window, the command line and the import
obey the same rules.
"""

from __future__ import annotations

from mediator_desktop.domain.enums import LabelledEnum


class Permission(LabelledEnum):
    ADMINISTER = "administer", "管理用户、设置和代码表"
    READ = "read", "查看本调委会的案件"
    EDIT_ASSIGNED = "edit_assigned", "办理分配给自己的案件"
    EDIT_ANY = "edit_any", "办理本调委会的任何案件"
    INTAKE = "intake", "受理登记"
    RECORDS_ANY = "records_any", "为本调委会的任何案件安排调解、填写调解记录和告知"
    PRIVATE_NOTES = "private_notes", "写和看自己的个人笔记"
    ARCHIVE = "archive", "结案归档"
    PRINT = "print", "打印文书"
    FULL_IDS = "full_ids", "查看和导出完整身份证号"
    EXPORT = "export", "导出"
    IMPORT = "import", "导入"


class RoleCode(LabelledEnum):
    ADMIN = "admin", "管理员"
    MEDIATOR = "mediator", "调解员"
    CLERK = "clerk", "记录员"
    VIEWER = "viewer", "只读"


_ALL = tuple(Permission)
P = Permission
#: The roles a new database starts with (LEGAL.md §2; issue 16): what each may do.
DEFAULT_ROLES: dict[str, tuple[Permission, ...]] = {
    RoleCode.ADMIN.value: _ALL,
    RoleCode.MEDIATOR.value: (P.READ, P.EDIT_ASSIGNED, P.INTAKE, P.PRIVATE_NOTES, P.ARCHIVE, P.PRINT,
                              P.FULL_IDS, P.EXPORT, P.IMPORT),
    RoleCode.CLERK.value: (P.READ, P.INTAKE, P.RECORDS_ANY, P.PRINT, P.FULL_IDS),
    RoleCode.VIEWER.value: (P.READ, P.PRINT),
}


def allows(permissions: frozenset[str] | None, permission: Permission) -> bool:
    """Whether a user with ``permissions`` may do ``permission``; None: sign-in is off, the
    PC's one user may do everything."""
    return permissions is None or permission.value in permissions


def role_label(code: str) -> str:
    """A role's name to show (管理员, 调解员…); a role added by hand shows its code."""
    return RoleCode(code).label if code in {r.value for r in RoleCode} else code

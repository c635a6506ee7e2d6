"""The roles table the administrator edits (issue 16): each role's name and what it may do.

A database starts with :data:`~mediator_desktop.domain.permissions.DEFAULT_ROLES` (管理员,
调解员, 记录员, 只读). An administrator renames a role, ticks and unticks its permissions, adds a
role (its permissions copied from another), deletes a role nobody has, and restores the
defaults of the four built-in roles. Two rules keep the room from locking itself out: 管理员
always keeps ADMINISTER, and no change may leave no active user who may administer.

A user signed in elsewhere gets the new permissions at their next sign-in; the user acting
here (an administrator editing their own role) at once.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediator_desktop.domain.permissions import DEFAULT_ROLES, Permission, RoleCode
from mediator_desktop.services.accounts import AccountService, administrators, require_admin
from mediator_desktop.services.context import Service
from mediator_desktop.services.errors import FieldProblem, ValidationError
from mediator_desktop.storage.models import UserAccount, UserRole

_CODE = re.compile(r"[a-z][a-z0-9_]{1,19}")
NAME_LIMIT = 40


@dataclass(frozen=True)
class RoleView:
    code: str
    name: str
    #: The permission values (``Permission.value``) the role has, in the registry's order.
    permissions: tuple[str, ...]
    #: One of the four roles a database starts with (恢复默认 restores them).
    builtin: bool
    #: How many users (active or not) have the role.
    users: int

    def has(self, permission: Permission) -> bool:
        return permission.value in self.permissions


def _ordered(values: Iterable[str]) -> list[str]:
    chosen = set(values)
    return [p.value for p in Permission if p.value in chosen]


class RoleService(Service):
    def list(self) -> builtins.list[RoleView]:
        """Every role, in order, with what it may do and how many users have it."""
        with self.ctx.db.read() as s:
            counts = {role: n for role, n in s.execute(select(UserAccount.role, func.count()).group_by(UserAccount.role))}
            return [self._view(r, counts.get(r.code, 0)) for r in self._roles(s)]

    def get(self, code: str) -> RoleView:
        with self.ctx.db.read() as s:
            return self._view(self._role(s, code), self._users(s, code))

    # -- changing ------------------------------------------------------------------------------

    def save(self, code: str, *, name: str, permissions: Iterable[str]) -> RoleView:
        """Rename a role and set what it may do."""
        name, wanted = name.strip(), list(permissions)
        with self.ctx.db.write() as s:
            self.ctx.db.serialize(s, "user_role")
            require_admin(self.ctx, s, "修改角色")
            role = self._role(s, code)
            problems = self._name_problems(s, name, code) + self._permission_problems(s, role, wanted)
            if problems:
                raise ValidationError(problems)
            self._change(s, role, name, _ordered(wanted))
            return self._view(role, self._users(s, code))

    def add(self, name: str, *, copy_from: str, code: str = "") -> RoleView:
        """A new role named ``name`` that may do what ``copy_from`` may (then edited like any
        other); ``code``: its code for the command line, else one is made (role5…)."""
        name, code = name.strip(), code.strip()
        with self.ctx.db.write() as s:
            self.ctx.db.serialize(s, "user_role")
            require_admin(self.ctx, s, "新增角色")
            AccountService._ensure_roles(s)
            source = s.get(UserRole, copy_from)
            problems = self._name_problems(s, name, None)
            if source is None:
                problems.append(FieldProblem("copy_from", "请选择照哪个角色的权限新增"))
            if code and not _CODE.fullmatch(code):
                problems.append(FieldProblem("code", "角色代码要2到20个字符：小写字母开头，只用小写字母、数字和 _"))
            elif code and s.get(UserRole, code) is not None:
                problems.append(FieldProblem("code", f"角色代码“{code}”已经有了，请换一个"))
            if problems:
                raise ValidationError(problems)
            assert source is not None
            codes = set(s.scalars(select(UserRole.code)))
            if not code:
                code = next(f"role{n}" for n in range(len(codes) + 1, len(codes) + 1000) if f"role{n}" not in codes)
            position = (s.scalar(select(func.max(UserRole.position))) or 0) + 1
            role = UserRole(code=code, name=name, permissions=_ordered(source.permissions), position=position)
            s.add(role)
            s.flush()
            self.ctx.audit(s, "add", "user_role", None, code=code, name=name, source=source.name,
                           permissions=list(role.permissions))
            return self._view(role, 0)

    def delete(self, code: str) -> None:
        """Delete a role nobody has (管理员 stays)."""
        with self.ctx.db.write() as s:
            self.ctx.db.serialize(s, "user_role")
            require_admin(self.ctx, s, "删除角色")
            role = self._role(s, code)
            if code == RoleCode.ADMIN.value:
                raise ValidationError([FieldProblem("code", f"“{role.name}”不能删除（第一个用户和管理用户都靠它）")])
            users = self._users(s, code)
            if users:
                raise ValidationError([FieldProblem("code", f"还有{users}位用户是“{role.name}”，不能删除；"
                                                            "请先在“用户”页把他们改成别的角色")])
            self.ctx.audit(s, "delete", "user_role", None, code=code, name=role.name,
                           permissions=list(role.permissions))
            s.delete(role)

    def restore_defaults(self) -> builtins.list[str]:
        """The four built-in roles get their default names and permissions back (added again if
        deleted); roles the administrator added stay. Returns the names of the roles changed."""
        with self.ctx.db.write() as s:
            self.ctx.db.serialize(s, "user_role")
            require_admin(self.ctx, s, "恢复默认角色")
            changed = []
            position = (s.scalar(select(func.max(UserRole.position))) or 0) + 1
            for code, permissions in DEFAULT_ROLES.items():
                name, values = RoleCode(code).label, [p.value for p in permissions]
                role = s.get(UserRole, code)
                if role is None:
                    role = UserRole(code=code, name=name, permissions=values, position=position)
                    position += 1
                    s.add(role)
                    self.ctx.audit(s, "add", "user_role", None, code=code, name=name, source="默认",
                                   permissions=values)
                    changed.append(name)
                elif role.name != name or list(role.permissions) != values:
                    if any(r.name == name and r.code != code for r in s.scalars(select(UserRole))):
                        raise ValidationError([FieldProblem("name", f"已有别的角色叫“{name}”，请先给它改个名字")])
                    self._change(s, role, name, values, restored=True)
                    changed.append(name)
            return changed

    # -- helpers -------------------------------------------------------------------------------

    def _change(self, s: Session, role: UserRole, name: str, permissions: builtins.list[str], *,
                restored: bool = False) -> None:
        old_name, old = role.name, list(role.permissions)
        if old_name == name and old == permissions:
            return
        role.name, role.permissions = name, permissions
        self.ctx.audit(s, "update", "user_role", None, code=role.code, name=name, old_name=old_name,
                       old=old, new=permissions, restored=restored)
        s.flush()
        actor = self.ctx.actor
        if actor.login and actor.role == role.code:
            user = s.scalar(select(UserAccount).where(UserAccount.login == actor.login))
            if user is not None:
                self.ctx.actor = AccountService._actor(s, user)

    @staticmethod
    def _roles(s: Session) -> builtins.list[UserRole]:
        return list(s.scalars(select(UserRole).order_by(UserRole.position, UserRole.code)))

    @staticmethod
    def _role(s: Session, code: str) -> UserRole:
        role = s.get(UserRole, code)
        if role is None:
            raise ValidationError([FieldProblem("code", f"没有代码为“{code}”的角色")])
        return role

    @staticmethod
    def _users(s: Session, code: str) -> int:
        return s.scalar(select(func.count()).select_from(UserAccount).where(UserAccount.role == code)) or 0

    @staticmethod
    def _view(role: UserRole, users: int) -> RoleView:
        return RoleView(role.code, role.name, tuple(_ordered(role.permissions)), role.code in DEFAULT_ROLES, users)

    @staticmethod
    def _name_problems(s: Session, name: str, code: str | None) -> builtins.list[FieldProblem]:
        if not name:
            return [FieldProblem("name", "请填写角色名称")]
        if len(name) > NAME_LIMIT:
            return [FieldProblem("name", f"角色名称最多{NAME_LIMIT}个字")]
        if any(r.name == name and r.code != code for r in s.scalars(select(UserRole))):
            return [FieldProblem("name", f"已经有叫“{name}”的角色了，请换一个名称")]
        return []

    @staticmethod
    def _permission_problems(s: Session, role: UserRole, wanted: builtins.list[str]) -> builtins.list[FieldProblem]:
        known = {p.value for p in Permission}
        unknown = [p for p in wanted if p not in known]
        if unknown:
            return [FieldProblem("permissions", "没有这样的权限：" + "、".join(unknown) + "。可用的有："
                                 + "、".join(p.value for p in Permission))]
        if role.code == RoleCode.ADMIN.value and Permission.ADMINISTER.value not in wanted:
            return [FieldProblem("permissions", f"“{role.name}”必须保留“{Permission.ADMINISTER.label}”的权限"
                                                "（否则没有人能管理用户和角色）")]
        if administrators(s) and not administrators(s, roles={role.code: _ordered(wanted)}):
            return [FieldProblem("permissions", "这样改之后就没有启用的用户能管理用户和角色了；"
                                                f"请保留“{Permission.ADMINISTER.label}”的权限")]
        return []

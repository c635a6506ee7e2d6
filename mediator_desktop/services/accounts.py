"""Accounts and sign-in (issue 16): who uses the application, with which role.

A database without users works as it always did: sign-in is off and the PC's one user may do
everything. The first user added must be an administrator and turns sign-in on; from then on
the window asks for a login and a password, and every command needs ``--user``. A single-PC
room may switch sign-in off again (recorded in the audit trail).

Passwords are stored as argon2id hashes (argon2-cffi: a well-kept implementation of the
winner of the Password Hashing Competition; never a home-made hash). Five wrong passwords in a
row lock the account for five minutes — on every PC, as the count lives in the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediator_desktop.domain.permissions import DEFAULT_ROLES, Permission, RoleCode
from mediator_desktop.services.context import Actor, Service, ServiceContext
from mediator_desktop.services.errors import FieldProblem, PermissionDenied, ValidationError
from mediator_desktop.storage.models import Organization, SchemaInfo, UserAccount, UserOrganization, UserRole

if TYPE_CHECKING:
    from argon2 import PasswordHasher

#: Wrong passwords in a row that lock an account, and for how long.
MAX_FAILURES = 5
LOCK_MINUTES = 5
MIN_PASSWORD = 8
SIGN_IN_KEY = "sign_in"
_LOGIN = re.compile(r"[A-Za-z0-9_.\-\u4e00-\u9fff]{2,60}")
#: The sentence for an unknown login and a wrong password alike (which one is not said).
WRONG = "用户名或密码不对，请再输入一次（注意大小写和输入法）"
#: The same on the screen lock, where the login is known.
WRONG_PASSWORD = "密码不对，请再输入一次（注意大小写和输入法）"


class SignInError(ValidationError):
    """Sign-in refused: a wrong password, a locked or disabled account (keyed to the password)."""

    def __init__(self, message: str) -> None:
        super().__init__([FieldProblem("password", message)])


@dataclass(frozen=True)
class UserView:
    id: int
    login: str
    name: str
    role: str
    role_label: str
    active: bool
    locked_until: datetime | None
    mediator_id: int | None
    organization_ids: tuple[int, ...]


def _hasher() -> PasswordHasher:
    # Imported when first needed: a database without users never loads it.
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def _name_problems(name: str) -> list[FieldProblem]:
    if not name:
        return [FieldProblem("name", "请填写姓名")]
    if len(name) > 100:
        return [FieldProblem("name", "姓名最多100个字")]
    return []


def require_admin(ctx: ServiceContext, s: Session, what: str) -> None:
    """Only an administrator; while sign-in is off the PC's one user is one."""
    if not AccountService._required(s):
        return
    if ctx.actor.permissions is None:
        raise PermissionDenied(f"请先以管理员身份登录，再{what}")
    ctx.require_admin(what)


def administrators(s: Session, *, without: int | None = None, roles: dict[str, list[str]] | None = None) -> int:
    """How many active users may administer (their role has ADMINISTER), leaving out the user
    ``without``; ``roles``: the permissions of some roles as they are about to be saved."""
    permissions = {r.code: list(r.permissions) for r in s.scalars(select(UserRole))} | (roles or {})
    codes = [code for code, perms in permissions.items() if Permission.ADMINISTER.value in perms]
    query = select(func.count()).select_from(UserAccount).where(UserAccount.active, UserAccount.role.in_(codes))
    if without is not None:
        query = query.where(UserAccount.id != without)
    return s.scalar(query) or 0


class AccountService(Service):
    # -- reading -------------------------------------------------------------------------------

    def users(self) -> list[UserView]:
        with self.ctx.db.read() as s:
            labels = {r.code: r.name for r in s.scalars(select(UserRole))}
            return [self._view(u, labels) for u in s.scalars(select(UserAccount).order_by(UserAccount.id))]

    def roles(self) -> list[tuple[str, str]]:
        """(code, name) of every role, in order."""
        with self.ctx.db.read() as s:
            roles = [(r.code, r.name) for r in s.scalars(select(UserRole).order_by(UserRole.position))]
        return roles or [(code, RoleCode(code).label) for code in DEFAULT_ROLES]

    @staticmethod
    def _ensure_roles(s: Session) -> None:
        """The default roles, if the table is empty (a database emptied by hand, not migrated)."""
        if s.scalar(select(func.count()).select_from(UserRole)):
            return
        for k, (code, permissions) in enumerate(DEFAULT_ROLES.items()):
            s.add(UserRole(code=code, name=RoleCode(code).label, permissions=[p.value for p in permissions], position=k))
        s.flush()

    def sign_in_required(self) -> bool:
        """Whether the application asks who is using it: there are active users and sign-in was
        not switched off."""
        with self.ctx.db.read() as s:
            return self._required(s)

    @staticmethod
    def _required(s: Session) -> bool:
        meta = s.get(SchemaInfo, SIGN_IN_KEY)
        if meta is not None and meta.value == "off":
            return False
        return bool(s.scalar(select(func.count()).select_from(UserAccount).where(UserAccount.active)))

    @staticmethod
    def _view(u: UserAccount, labels: dict[str, str]) -> UserView:
        return UserView(u.id, u.login, u.name, u.role, labels.get(u.role, u.role), u.active, u.locked_until,
                        u.mediator_id, tuple(o.organization_id for o in u.organizations))

    # -- signing in ----------------------------------------------------------------------------

    def authenticate(self, login: str, password: str) -> Actor:
        """The actor ``login`` signs in as, or :class:`SignInError` (wrong password, locked,
        disabled). Each wrong password is counted and audited, also when the sign-in fails."""
        now = self.ctx.now()
        failure: str | None = None
        with self.ctx.db.write() as s:
            user = s.scalar(select(UserAccount).where(UserAccount.login == login.strip()))
            if user is None:
                self.ctx.audit(s, "sign_in_failed", "user_account", None, login=login.strip()[:60],
                               text=f"登录失败：没有用户“{login.strip()[:60]}”")
                failure = WRONG
            elif not user.active:
                failure = "这个账户已停用，请联系管理员"   # not whose: the login was only typed
            elif user.locked_until is not None and user.locked_until > now:
                failure = self._locked_text(user.locked_until)
            elif not self._check(user, password):
                user.failed_logins += 1
                if user.failed_logins >= MAX_FAILURES:
                    user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                    user.failed_logins = 0
                    failure = f"已连续输错{MAX_FAILURES}次密码。{self._locked_text(user.locked_until)}"
                else:
                    failure = f"{WRONG}。再输错{MAX_FAILURES - user.failed_logins}次，账户将锁定{LOCK_MINUTES}分钟"
                self.ctx.audit(s, "sign_in_failed", "user_account", user.id, login=user.login,
                               text=f"登录失败：{user.name}的密码不对")
            else:
                user.failed_logins, user.locked_until = 0, None
                actor = self._actor(s, user)
                self.ctx.audit(s, "sign_in", "user_account", user.id, login=user.login, text=f"{user.name}登录")
        if failure is not None:
            raise SignInError(failure)
        return actor

    def sign_in(self, login: str, password: str) -> Actor:
        """Authenticate and act as that user from now on."""
        actor = self.authenticate(login, password)
        self.ctx.actor = actor
        return actor

    def confirm_password(self, password: str) -> None:
        """The signed-in user types their password again (the screen lock): refused like a
        sign-in (and counted), the acting user stays."""
        if not self.ctx.actor.login:
            return
        try:
            self.authenticate(self.ctx.actor.login, password)
        except SignInError as exc:
            # The lock asks for the password only: 用户名或密码不对 would send the user looking
            # for a login field that is not there.
            raise SignInError(exc.problems[0].message.replace(WRONG, WRONG_PASSWORD)) from None

    @staticmethod
    def _locked_text(until: datetime) -> str:
        return f"账户已锁定，请在{until:%H:%M}以后再试，或请管理员重设密码"

    def _check(self, user: UserAccount, password: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError

        hasher = _hasher()
        try:
            hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hasher.hash(password)
        return True

    @staticmethod
    def _actor(s: Session, user: UserAccount) -> Actor:
        from mediator_desktop.storage.models import Mediator

        role = s.get(UserRole, user.role)
        permissions = frozenset(role.permissions if role else ())
        # The mediator this person is: as linked, else the active mediator of the same name.
        mediator_id = user.mediator_id or s.scalar(select(Mediator.id).where(
            Mediator.name == user.name, Mediator.active).order_by(Mediator.id).limit(1))
        return Actor(name=user.name, can_administer=Permission.ADMINISTER.value in permissions, login=user.login,
                     role=user.role, permissions=permissions, mediator_id=mediator_id,
                     organization_ids=frozenset(o.organization_id for o in user.organizations))

    # -- managing ------------------------------------------------------------------------------

    def add_user(self, login: str, name: str, role: str, password: str, *, mediator_id: int | None = None,
                 organization_ids: Iterable[int] = ()) -> UserView:
        """Add a user. The first must be an administrator (and turns sign-in on); later ones
        are added by an administrator."""
        login, name = login.strip(), name.strip()
        problems = self._account_problems(login, name, password)
        with self.ctx.db.write() as s:
            self.ctx.db.serialize(s, "user_account")
            self._ensure_roles(s)
            problems += self._role_problems(s, role)
            first = not s.scalar(select(func.count()).select_from(UserAccount))
            if first and role != RoleCode.ADMIN.value:
                problems.append(FieldProblem("role", "第一个用户必须是管理员（由他再添加其他用户）"))
            if not first:
                self._require_admin(s, "添加用户")
            if login and s.scalar(select(UserAccount.id).where(UserAccount.login == login)) is not None:
                problems.append(FieldProblem("login", f"用户名“{login}”已经有人用了，请换一个"))
            organization_ids = list(dict.fromkeys(organization_ids))
            problems += self._link_problems(s, organization_ids, mediator_id)
            if problems:
                raise ValidationError(problems)
            user = UserAccount(login=login, name=name, role=role, password_hash=hash_password(password), active=True,
                               failed_logins=0, mediator_id=mediator_id, created_at=self.ctx.now(),
                               password_changed_at=self.ctx.now(),
                               organizations=[UserOrganization(organization_id=o) for o in organization_ids])
            s.add(user)
            s.flush()
            if first:
                meta = s.get(SchemaInfo, SIGN_IN_KEY)
                if meta is not None:
                    meta.value = "on"
            labels = {r.code: r.name for r in s.scalars(select(UserRole))}
            self.ctx.audit(s, "add_user", "user_account", user.id, login=login, name=name, role=role,
                           text=f"添加用户{name}（{login}，{labels.get(role, role)}）"
                                + ("，开启登录" if first else ""))
            return self._view(user, labels)

    def update_user(self, login: str, *, name: str, role: str, organization_ids: Iterable[int] = (),
                    mediator_id: int | None = None) -> UserView:
        """An administrator changes a user's name, role, committees (none: every committee of
        the database, as when added) and the mediator they are (the cases "assigned to them").
        The last active administrator keeps a role that may administer. The user gets the new
        role at their next sign-in (at once when it is the user acting here)."""
        name = name.strip()
        organization_ids = list(dict.fromkeys(organization_ids))
        with self.ctx.db.write() as s:
            self.ctx.db.serialize(s, "user_account")
            self._require_admin(s, "修改用户")
            user = self._user(s, login)
            problems = _name_problems(name) + self._role_problems(s, role)
            problems += self._link_problems(s, organization_ids, mediator_id)
            new_role = s.get(UserRole, role)
            if user.active and new_role is not None and Permission.ADMINISTER.value not in new_role.permissions \
                    and not administrators(s, without=user.id) and administrators(s):
                problems.append(FieldProblem("role", f"{user.name}是最后一个管理员，不能改成“{new_role.name}”"
                                                     "（否则没有人能管理用户）；请先把另一位用户设为管理员"))
            if problems:
                raise ValidationError(problems)
            labels = {r.code: r.name for r in s.scalars(select(UserRole))}
            committees = sorted(o.organization_id for o in user.organizations)
            old: dict[str, object] = {"name": user.name, "role": user.role,
                                      "role_name": labels.get(user.role, user.role), "committees": committees,
                                      "mediator_id": user.mediator_id}
            user.name, user.role, user.mediator_id = name, role, mediator_id
            if set(committees) != set(organization_ids):
                user.organizations = [UserOrganization(organization_id=o) for o in organization_ids]
            new: dict[str, object] = {"name": name, "role": role, "role_name": labels.get(role, role),
                   "committees": sorted(organization_ids), "mediator_id": mediator_id}
            if old != new:
                self.ctx.audit(s, "update", "user_account", user.id, login=user.login, old=old, new=new)
            s.flush()
            if user.login == self.ctx.actor.login:
                self.ctx.actor = self._actor(s, user)
            return self._view(user, labels)

    def committees(self) -> list[tuple[int, str]]:
        """(id, name) of every committee in the database: what a user may be limited to."""
        with self.ctx.db.read() as s:
            return [(o.id, o.name) for o in s.scalars(select(Organization).order_by(Organization.id))]

    def change_password(self, login: str, new_password: str) -> None:
        """A user changes their own password, or an administrator sets anyone's (which also
        unlocks the account)."""
        problems = [] if len(new_password) >= MIN_PASSWORD else [
            FieldProblem("password", f"密码至少要{MIN_PASSWORD}位")]
        with self.ctx.db.write() as s:
            user = self._user(s, login)
            if user.login != self.ctx.actor.login:
                self._require_admin(s, "重设别人的密码")
            if problems:
                raise ValidationError(problems)
            user.password_hash = hash_password(new_password)
            user.password_changed_at = self.ctx.now()
            user.failed_logins, user.locked_until = 0, None
            self.ctx.audit(s, "change_password", "user_account", user.id, login=user.login,
                           text=f"修改{user.name}的密码")

    def set_active(self, login: str, active: bool) -> None:
        """Disable (or enable again) a user; the last active administrator stays."""
        with self.ctx.db.write() as s:
            self._require_admin(s, "停用用户")
            user = self._user(s, login)
            if not active and user.active and not administrators(s, without=user.id):
                raise ValidationError([FieldProblem("login", "这是最后一个管理员，不能停用（否则没有人能管理用户）")])
            if not active and user.login == getattr(self.ctx.actor, "login", None):
                raise ValidationError([FieldProblem("login", "不能停用自己正在使用的账户（请另一位管理员来停用）")])
            user.active = active
            self.ctx.audit(s, "enable_user" if active else "disable_user", "user_account", user.id, login=user.login,
                           text=f"{'启用' if active else '停用'}用户{user.name}")

    def set_sign_in(self, enabled: bool) -> None:
        """Switch sign-in on or off (a single-PC room): only an administrator; recorded."""
        with self.ctx.db.write() as s:
            self._require_admin(s, "开关登录")
            meta = s.get(SchemaInfo, SIGN_IN_KEY)
            if meta is None:
                s.add(SchemaInfo(key=SIGN_IN_KEY, value="on" if enabled else "off"))
            else:
                meta.value = "on" if enabled else "off"
            self.ctx.audit(s, "sign_in_on" if enabled else "sign_in_off", "settings", None,
                           text="开启登录（每个人用自己的账户）" if enabled else "关闭登录（本机只有一位使用者）")

    def _require_admin(self, s: Session, what: str) -> None:
        require_admin(self.ctx, s, what)

    @staticmethod
    def _user(s: Session, login: str) -> UserAccount:
        user = s.scalar(select(UserAccount).where(UserAccount.login == login.strip()))
        if user is None:
            raise ValidationError([FieldProblem("login", f"没有用户“{login.strip()}”")])
        return user

    @staticmethod
    def _account_problems(login: str, name: str, password: str) -> list[FieldProblem]:
        problems = []
        if not _LOGIN.fullmatch(login):
            problems.append(FieldProblem("login", "用户名要2到60个字符，只用汉字、字母、数字和 . _ -，不能有空格"))
        problems += _name_problems(name)
        if len(password) < MIN_PASSWORD:
            problems.append(FieldProblem("password", f"密码至少要{MIN_PASSWORD}位"))
        return problems

    @staticmethod
    def _role_problems(s: Session, role: str) -> list[FieldProblem]:
        """A role of the table (the administrator may have added some)."""
        names = [r.name for r in s.scalars(select(UserRole).order_by(UserRole.position))]
        if s.get(UserRole, role) is not None:
            return []
        return [FieldProblem("role", "请选择角色：" + "、".join(names))]

    @staticmethod
    def _link_problems(s: Session, organization_ids: list[int], mediator_id: int | None) -> list[FieldProblem]:
        """The committees and the mediator a user is linked to exist."""
        from mediator_desktop.storage.models import Mediator

        problems = []
        known = set(s.scalars(select(Organization.id)))
        if any(o not in known for o in organization_ids):
            problems.append(FieldProblem("committees", "没有编号为" + "、".join(
                str(o) for o in organization_ids if o not in known) + "的调委会"))
        if mediator_id is not None and s.get(Mediator, mediator_id) is None:
            problems.append(FieldProblem("mediator", f"没有编号为{mediator_id}的调解员"))
        return problems


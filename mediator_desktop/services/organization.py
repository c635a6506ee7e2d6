"""The organisation profile (调解组织), its mediators (人民调解员) and the dispute-type table."""

from __future__ import annotations

import builtins
from dataclasses import dataclass

from sqlalchemy import func, select

from mediator_desktop.domain import codes
from mediator_desktop.domain.dispute_types import DEFAULT_DISPUTE_TYPES
from mediator_desktop.domain.enums import OrgKind
from mediator_desktop.domain.identity import normalize_phone, validate_phone
from mediator_desktop.errors import STALE_MESSAGE  # noqa: F401 — re-exported (services, tests)
from mediator_desktop.services.context import Service
from mediator_desktop.services.errors import (
    ConflictError,
    FieldProblem,
    NotFoundError,
    ValidationError,
)
from mediator_desktop.storage.models import DisputeType, Mediator, Organization

MAX_LOGO_BYTES = 2 * 1024 * 1024


@dataclass
class OrganizationDraft:
    """The 调解组织's profile as edited in the settings (its name heads every document)."""

    name: str = ""
    short_name: str = ""
    kind: str = "committee"
    address: str = ""
    phone: str = ""
    seal_text: str = ""
    code_pattern: str = codes.DEFAULT_PATTERN
    logo: bytes = b""              # PNG or JPEG, printed on a studio's documents


@dataclass(frozen=True)
class OrganizationView:
    id: int
    name: str
    short_name: str
    kind: str
    address: str
    phone: str
    seal_text: str
    code_pattern: str
    version: int
    logo: bytes = b""

    def to_draft(self) -> OrganizationDraft:
        return OrganizationDraft(
            self.name, self.short_name, self.kind, self.address, self.phone, self.seal_text,
            self.code_pattern, self.logo,
        )


@dataclass
class MediatorDraft:
    name: str = ""
    phone: str = ""
    certificate_no: str = ""
    active: bool = True


@dataclass(frozen=True)
class MediatorView:
    id: int
    name: str
    phone: str
    certificate_no: str
    active: bool
    version: int


@dataclass(frozen=True)
class DisputeTypeView:
    id: int
    name: str
    parent_id: int | None
    position: int
    active: bool
    version: int


def _org_view(o: Organization) -> OrganizationView:
    return OrganizationView(
        o.id, o.name, o.short_name, o.kind, o.address, o.phone, o.seal_text, o.code_pattern,
        o.version, o.logo or b"",
    )


def _mediator_view(m: Mediator) -> MediatorView:
    return MediatorView(m.id, m.name, m.phone, m.certificate_no, m.active, m.version)


def _type_view(t: DisputeType) -> DisputeTypeView:
    return DisputeTypeView(t.id, t.name, t.parent_id, t.position, t.active, t.version)


def check_required(problems: list[FieldProblem], field: str, label: str, value: str, limit: int) -> None:
    if not value.strip():
        problems.append(FieldProblem(field, f"请填写“{label}”"))
    elif len(value) > limit:
        problems.append(FieldProblem(field, f"“{label}”不能超过{limit}个字"))


def check_phone(problems: list[FieldProblem], field: str, label: str, value: str) -> str:
    value = normalize_phone(value) if value else ""
    if value:
        message = validate_phone(value)
        if message:
            problems.append(FieldProblem(field, f"“{label}”{message}"))
    return value


class OrganizationService(Service):
    def get(self) -> OrganizationView | None:
        with self.ctx.db.read() as s:
            org = s.scalars(select(Organization).order_by(Organization.id)).first()
            return _org_view(org) if org else None

    def is_set_up(self) -> bool:
        """True when the first-run set-up (organisation and at least one mediator) is done."""
        with self.ctx.db.read() as s:
            has_org = (s.scalar(select(func.count()).select_from(Organization)) or 0) > 0
            has_mediator = (s.scalar(select(func.count()).select_from(Mediator)) or 0) > 0
            return bool(has_org and has_mediator)

    def validate(self, draft: OrganizationDraft) -> list[FieldProblem]:
        problems: list[FieldProblem] = []
        check_required(problems, "name", "组织名称", draft.name, 200)
        check_required(problems, "short_name", "简称", draft.short_name, 40)
        if draft.kind not in OrgKind.__members__.values():
            problems.append(FieldProblem("kind", "请选择组织类型"))
        draft.phone = check_phone(problems, "phone", "联系电话", draft.phone)
        pattern_message = codes.pattern_problem(draft.code_pattern)
        if pattern_message:
            problems.append(FieldProblem("code_pattern", pattern_message))
        if draft.logo:
            if not draft.logo.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
                problems.append(FieldProblem("logo", "徽标只能是 PNG 或 JPEG 图片"))
            elif len(draft.logo) > MAX_LOGO_BYTES:
                problems.append(FieldProblem("logo", f"徽标图片太大：最多{MAX_LOGO_BYTES // 1024 // 1024} MB"))
        return problems

    def save(self, draft: OrganizationDraft, version: int | None = None) -> OrganizationView:
        """Create the organisation, or update it when ``version`` (the one shown) is given."""
        self.ctx.require_admin("修改调解组织信息")
        draft.name, draft.short_name = draft.name.strip(), draft.short_name.strip()
        problems = self.validate(draft)
        if problems:
            raise ValidationError(problems)
        with self.ctx.db.write() as s:
            self.ctx.db.serialize(s, "organization")  # one organisation, however many PCs set up
            org = s.scalars(select(Organization).order_by(Organization.id)).first()
            if org is None:
                org = Organization()
                s.add(org)
            elif version is not None and org.version != version:
                raise ConflictError(STALE_MESSAGE)
            for key, value in vars(draft).items():
                setattr(org, key, value.strip() if isinstance(value, str) else value)
            org.logo = draft.logo or None
            s.flush()
            self.ctx.audit(s, "save", "organization", org.id, name=org.name)
            return _org_view(org)


class MediatorService(Service):
    def list(self, *, active_only: bool = False) -> list[MediatorView]:
        with self.ctx.db.read() as s:
            stmt = select(Mediator).order_by(Mediator.active.desc(), Mediator.id)
            if active_only:
                stmt = stmt.where(Mediator.active.is_(True))
            return [_mediator_view(m) for m in s.scalars(stmt)]

    def get(self, mediator_id: int) -> MediatorView:
        with self.ctx.db.read() as s:
            m = s.get(Mediator, mediator_id)
            if m is None:
                raise NotFoundError("找不到这位调解员")
            return _mediator_view(m)

    def validate(self, draft: MediatorDraft) -> builtins.list[FieldProblem]:
        problems: builtins.list[FieldProblem] = []
        check_required(problems, "name", "姓名", draft.name, 100)
        draft.phone = check_phone(problems, "phone", "电话", draft.phone)
        if len(draft.certificate_no) > 60:
            problems.append(FieldProblem("certificate_no", "“证书编号”不能超过60个字符"))
        return problems

    def save(
        self, draft: MediatorDraft, mediator_id: int | None = None, version: int | None = None
    ) -> MediatorView:
        self.ctx.require_admin("管理调解员")
        draft.name = draft.name.strip()
        problems = self.validate(draft)
        if problems:
            raise ValidationError(problems)
        with self.ctx.db.write() as s:
            m: Mediator | None
            if mediator_id is None:
                m = Mediator()
                s.add(m)
            else:
                m = s.get(Mediator, mediator_id)
                if m is None:
                    raise NotFoundError("找不到这位调解员，可能已被删除")
                if version is not None and m.version != version:
                    raise ConflictError(STALE_MESSAGE)
            m.name, m.phone = draft.name, draft.phone
            m.certificate_no, m.active = draft.certificate_no.strip(), draft.active
            s.flush()
            self.ctx.audit(s, "save", "mediator", m.id, name=m.name, active=m.active)
            return _mediator_view(m)


class DisputeTypeService(Service):
    def list(self, *, active_only: bool = False) -> list[DisputeTypeView]:
        """Parents each followed by their children, in table order."""
        with self.ctx.db.read() as s:
            rows = list(s.scalars(select(DisputeType).order_by(DisputeType.position, DisputeType.id)))
        if active_only:
            rows = [r for r in rows if r.active]
        parents = [r for r in rows if r.parent_id is None]
        ordered: list[DisputeTypeView] = []
        for p in parents:
            ordered.append(_type_view(p))
            ordered.extend(_type_view(c) for c in rows if c.parent_id == p.id)
        return ordered

    def ensure_defaults(self) -> bool:
        """Seed the table from LEGAL.md's list when it is empty; True if it seeded."""
        with self.ctx.db.read() as s:  # (no write at every start: a read-only file opens)
            if s.scalar(select(func.count()).select_from(DisputeType)) or self.ctx.db.read_only:
                return False
        with self.ctx.db.write() as s:
            self.ctx.db.serialize(s, "dispute_types")  # two first starts at once seed once
            if s.scalar(select(func.count()).select_from(DisputeType)):
                return False
            position = 0
            for name, children in DEFAULT_DISPUTE_TYPES:
                parent = DisputeType(name=name, position=position)
                s.add(parent)
                s.flush()
                position += 1
                for child in children:
                    s.add(DisputeType(name=child, parent_id=parent.id, position=position))
                    position += 1
            self.ctx.audit(s, "seed", "dispute_type")
            return True

    def add(self, name: str, parent_id: int | None = None) -> DisputeTypeView:
        self.ctx.require_admin("修改纠纷类型")
        name = name.strip()
        problems: list[FieldProblem] = []
        check_required(problems, "name", "纠纷类型名称", name, 100)
        with self.ctx.db.write() as s:
            if not problems and s.scalar(select(DisputeType.id).where(DisputeType.name == name)):
                problems.append(FieldProblem("name", f"纠纷类型“{name}”已存在"))
            if parent_id is not None:
                parent = s.get(DisputeType, parent_id)
                if parent is None or parent.parent_id is not None:
                    problems.append(FieldProblem("parent_id", "只能在一级类型下添加子类型"))
            if problems:
                raise ValidationError(problems)
            position = (s.scalar(select(func.max(DisputeType.position))) or 0) + 1
            t = DisputeType(name=name, parent_id=parent_id, position=position)
            s.add(t)
            s.flush()
            self.ctx.audit(s, "add", "dispute_type", t.id, name=name)
            return _type_view(t)

    def update(self, type_id: int, version: int, *, name: str, active: bool) -> DisputeTypeView:
        """Rename or (de)activate a type; cases keep pointing at it either way."""
        self.ctx.require_admin("修改纠纷类型")
        name = name.strip()
        problems: list[FieldProblem] = []
        check_required(problems, "name", "纠纷类型名称", name, 100)
        with self.ctx.db.write() as s:
            t = s.get(DisputeType, type_id)
            if t is None:
                raise NotFoundError("找不到这个纠纷类型")
            if t.version != version:
                raise ConflictError(STALE_MESSAGE)
            clash = s.scalar(
                select(DisputeType.id).where(DisputeType.name == name, DisputeType.id != type_id)
            )
            if clash:
                problems.append(FieldProblem("name", f"纠纷类型“{name}”已存在"))
            if problems:
                raise ValidationError(problems)
            old = t.name
            t.name, t.active = name, active
            s.flush()
            self.ctx.audit(s, "update", "dispute_type", t.id, old=old, name=name, active=active)
            return _type_view(t)

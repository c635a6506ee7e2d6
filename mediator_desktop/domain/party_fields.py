"""The party's own fields (当事人信息), defined once.

Everything that only passes a party's fields along is driven by :data:`PARTY_FIELDS`: the
service copying a draft onto the stored row and back into a view, the case exchange reading and
writing them (and masking them for a masked export), the import's audit of old → new values, the
length checks. The places that must name a field by hand — the stored row (and its migration),
the draft and view classes, the exchange schema, the party dialog's widgets, a document that
prints it — are checked against this list by tests/test_party_fields.py, which names any copy
that was missed.

Adding a field (e.g. 文化程度): a :class:`PartyField` here; the column in
``storage/models.py`` with a migration; the attribute in ``services/dto.py`` (PartyDraft,
PartyView); the property in ``exchange/case_exchange.schema.json``; the widget in
``ui/intake/party_dialog.py``; and, where it is printed, the document in ``documents/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PartyField:
    #: The attribute of PartyDraft, PartyView and the stored CaseParty row.
    name: str
    #: What the user calls it (validation messages).
    label: str
    #: Where it is in a case exchange file, within a party ("representative.name").
    exchange: str
    #: "text", "phone", "date" or "choice" (a code of one of the domain's tables).
    kind: str = "text"
    #: Longest text accepted (validation), for plain text fields.
    limit: int | None = None
    #: What a file that leaves the field out means.
    missing: Any = ""
    #: How a masked export shows it: "drop" (left out), "id" (first and last two characters),
    #: "phone" (last four digits), "id_if_person" (an ID for a person, public for an organisation).
    mask: str | None = None


PARTY_FIELDS: tuple[PartyField, ...] = (
    PartyField("role", "当事人身份", "role", "choice"),
    PartyField("kind", "当事人类型", "kind", "choice"),
    PartyField("name", "姓名或名称", "name"),
    PartyField("gender", "性别", "gender", "choice", missing=None),
    PartyField("ethnicity", "民族", "ethnicity", limit=40),
    PartyField("birth_date", "出生日期", "birth_date", "date", missing=None, mask="drop"),
    PartyField("id_type", "证件类型", "id_type", "choice", missing=None),
    PartyField("id_number", "证件号码", "id_number", mask="id"),
    PartyField("occupation", "职业或职务", "occupation", limit=100),
    PartyField("phone", "联系电话", "phone", "phone", mask="phone"),
    PartyField("address", "住址", "address", limit=300),
    PartyField("credit_code", "统一社会信用代码", "credit_code", mask="id_if_person"),
    PartyField("rep_name", "法定代表人", "representative.name", limit=100),
    PartyField("rep_title", "职务", "representative.title", limit=100),
)

PARTY_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in PARTY_FIELDS)


def exchange_get(party: dict[str, Any], path: str) -> Any:
    """The value at ``path`` ("representative.name") of a party in an exchange file; None when
    any step is missing."""
    value: Any = party
    for step in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return value


def exchange_put(party: dict[str, Any], path: str, value: Any) -> None:
    """Set ``path`` in a party of an exchange file, making the objects on the way."""
    *outer, last = path.split(".")
    target = party
    for step in outer:
        target = target.setdefault(step, {})
    target[last] = value

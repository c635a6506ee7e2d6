"""The party's fields are defined once (domain/party_fields.py): every copy that must name them
by hand is checked here, and every field makes the whole round trip — through the party dialog,
into the database, out to an exchange file and into a fresh database — unchanged.

Adding a field to the definition alone makes these tests name each copy still missing it."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date
from pathlib import Path

from conftest import make_services, sample_draft
from sqlalchemy import inspect as sa_inspect

from mediator_desktop.domain.party_fields import PARTY_FIELDS, PartyField, exchange_get
from mediator_desktop.exchange.validate import SCHEMA
from mediator_desktop.services.dto import PartyDraft, PartyView
from mediator_desktop.storage.models import CaseParty

#: A distinctive value of every field, for a person and for an organisation (a field that does
#: not apply to the kind is empty there). A new field needs its value here.
PERSON = {"role": "applicant", "kind": "person", "name": "欧阳秀英", "gender": "female", "ethnicity": "回族",
          "birth_date": date(1949, 12, 31), "id_type": "resident_id", "id_number": "11010519491231002X",
          "occupation": "退休教师", "phone": "13908831234", "address": "龙门街道幸福路8号",
          "credit_code": "", "rep_name": "", "rep_title": ""}
ORGANIZATION = {"role": "respondent", "kind": "organization", "name": "龙门物业服务有限公司", "gender": None,
                "ethnicity": "", "birth_date": None, "id_type": None, "id_number": "", "occupation": "",
                "phone": "0883-2100001", "address": "龙门街道商业街1号", "credit_code": "91512081MA62K0260E",
                "rep_name": "李建国", "rep_title": "总经理"}


def missing_copies(fields: tuple[PartyField, ...]) -> list[str]:
    """The copies that do not know a field of the definition."""
    missing = []
    draft = {f.name for f in dataclasses.fields(PartyDraft)}
    view = {f.name for f in dataclasses.fields(PartyView)}
    columns = {c.key for c in sa_inspect(CaseParty).column_attrs}
    schema_party = SCHEMA["$defs"]["party"]["properties"]
    for f in fields:
        if f.name not in draft:
            missing.append(f"services/dto.py PartyDraft.{f.name}")
        if f.name not in view:
            missing.append(f"services/dto.py PartyView.{f.name}")
        if f.name not in columns:
            missing.append(f"storage/models.py CaseParty.{f.name} (and a migration)")
        outer, _, inner = f.exchange.partition(".")
        known = schema_party.get(outer)
        if known is not None and "$ref" in known:           # "#/$defs/representative"
            known = SCHEMA["$defs"][known["$ref"].rsplit("/", 1)[-1]]
        if known is None or (inner and inner not in known.get("properties", {})):
            missing.append(f"exchange/case_exchange.schema.json party.{f.exchange}")
        if f.name not in PERSON or f.name not in ORGANIZATION:
            missing.append(f"tests/test_party_fields.py PERSON/ORGANIZATION[{f.name!r}]")
    return missing


def test_every_copy_knows_every_field() -> None:
    assert missing_copies(PARTY_FIELDS) == []


def test_a_field_added_to_the_definition_alone_is_named_in_every_copy_that_misses_it() -> None:
    education = PartyField("education", "文化程度", "education", limit=20)
    assert missing_copies((*PARTY_FIELDS, education)) == [
        "services/dto.py PartyDraft.education",
        "services/dto.py PartyView.education",
        "storage/models.py CaseParty.education (and a migration)",
        "exchange/case_exchange.schema.json party.education",
        "tests/test_party_fields.py PERSON/ORGANIZATION['education']",
    ]


def test_every_field_survives_the_dialog(qtbot, services) -> None:  # type: ignore[no-untyped-def]
    from mediator_desktop.ui.intake.party_dialog import PartyDialog

    for values in (PERSON, ORGANIZATION):
        dialog = PartyDialog(services, PartyDraft(**values))
        qtbot.addWidget(dialog)
        typed = dialog.draft()
        assert {f.name: getattr(typed, f.name) for f in PARTY_FIELDS} == values


def test_every_field_survives_saving_exporting_and_importing_into_a_fresh_database(
        org_services, sqlite_template: Path, tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    case = org_services.cases.register(sample_draft(parties=[PartyDraft(**PERSON), PartyDraft(**ORGANIZATION)]))
    stored = org_services.cases.get(case.id).parties
    assert [{f.name: getattr(p, f.name) for f in PARTY_FIELDS} for p in stored] == [PERSON, ORGANIZATION]

    exported = org_services.exchange.export_document([case.code])
    parties = exported["cases"][0]["parties"]
    for party, values in zip(parties, (PERSON, ORGANIZATION)):
        for f in PARTY_FIELDS:
            expected = values[f.name]
            shown = exchange_get(party, f.exchange)
            assert shown == (expected.isoformat() if isinstance(expected, date) else (expected or None)), f.name

    shutil.copy(sqlite_template, tmp_path / "fresh.sqlite3")
    fresh = make_services(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", clock)
    try:
        fresh.exchange.import_document(exported)
        code = fresh.cases.page(fresh_query())[0].id
        again = fresh.cases.get(code).parties
        assert [{f.name: getattr(p, f.name) for f in PARTY_FIELDS} for p in again] == [PERSON, ORGANIZATION]
    finally:
        fresh.close()


def fresh_query():  # type: ignore[no-untyped-def]
    from mediator_desktop.services.dto import CaseQuery

    return CaseQuery()

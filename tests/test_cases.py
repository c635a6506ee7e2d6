"""Case intake, codes, editing, states and the case list — on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from conftest import make_services, sample_draft, setup_org

from mediator_desktop.services.dto import CaseQuery, MediatorAssignment, PartyDraft
from mediator_desktop.services.errors import ConflictError, TransitionError, ValidationError
from mediator_desktop.services.organization import OrganizationDraft


def test_register_assigns_code_and_derives_identity(org_services) -> None:
    s = org_services
    draft = sample_draft(mediators=[MediatorAssignment(s.mediator_ids[0], "presiding")])
    detail = s.cases.register(draft)
    assert detail.code == "（2026）龙门人调字第1号"
    assert detail.status == "registered"
    zhang = detail.parties[0]
    assert zhang.id_number == "11010519491231002X"  # lower-case x stored upper-case
    assert zhang.birth_date == date(1949, 12, 31) and zhang.gender == "female"
    assert detail.mediators[0].name == "杨志强"
    assert [h.text for h in detail.history] == ["登记案件 （2026）龙门人调字第1号"]
    assert detail.history[0].actor == "测试员"
    second = s.cases.register(sample_draft())
    assert second.code == "（2026）龙门人调字第2号"


def test_codes_are_one_series_per_year_and_never_reused(org_services) -> None:
    s = org_services
    a = s.cases.register(sample_draft(received_on=date(2025, 12, 30)))
    b = s.cases.register(sample_draft(received_on=date(2026, 1, 2)))
    c = s.cases.register(sample_draft(received_on=date(2025, 12, 31)))
    assert (a.code, b.code, c.code) == (
        "（2025）龙门人调字第1号", "（2026）龙门人调字第1号", "（2025）龙门人调字第2号")


def test_code_pattern_is_configurable(org_services) -> None:
    s = org_services
    org = s.organization.get()
    draft = org.to_draft()
    draft.code_pattern = "{short_name}调〔{year}〕{N:03d}号"
    s.organization.save(draft, org.version)
    assert s.cases.register(sample_draft()).code == "龙门调〔2026〕001号"


def test_bad_code_pattern_is_refused_with_the_field(org_services) -> None:
    org = org_services.organization.get()
    draft = org.to_draft()
    draft.code_pattern = "（{year}）{short_name}人调字第号"
    with pytest.raises(ValidationError) as err:
        org_services.organization.save(draft, org.version)
    assert err.value.problems[0].field == "code_pattern"
    assert "{N}" in err.value.problems[0].message


def test_validation_names_every_field_in_chinese(org_services) -> None:
    draft = sample_draft(received_on=None, summary="  ", dispute_type="不存在的纠纷")
    draft.parties[0].id_number = "110105194912310021"  # wrong check digit
    draft.parties[1].phone = "1380000"
    draft.parties[1].name = ""
    with pytest.raises(ValidationError) as err:
        org_services.cases.register(draft)
    fields = {p.field: p.message for p in err.value.problems}
    assert fields["received_on"] == "请填写“受理日期”"
    assert fields["summary"] == "请填写“纠纷简要情况”"
    assert "不存在的纠纷" in fields["dispute_type"]
    assert "校验" in fields["parties[0].id_number"]
    assert "联系电话" in fields["parties[1].phone"]
    assert "姓名" in fields["parties[1].name"]
    assert org_services.cases.count(CaseQuery()) == 0  # nothing written


def test_id_number_conflicting_with_gender_is_an_error(org_services) -> None:
    draft = sample_draft()
    draft.parties[0].gender = "male"  # the ID says female
    with pytest.raises(ValidationError) as err:
        org_services.cases.register(draft)
    assert err.value.problems[0].field == "parties[0].gender"
    assert "女" in err.value.problems[0].message


def test_credit_code_failure_warns_and_can_be_confirmed(org_services) -> None:
    draft = sample_draft()
    draft.parties[1] = PartyDraft(role="respondent", kind="organization", name="某某物业服务有限公司",
                                  credit_code="91350100M000100Y4Z", rep_name="刘强", rep_title="总经理")
    with pytest.raises(ValidationError) as err:
        org_services.cases.register(draft)
    assert [p.field for p in err.value.problems] == ["parties[1].credit_code"]
    assert err.value.problems[0].warning
    draft.confirmed_warnings = {"parties[1].credit_code"}
    detail = org_services.cases.register(draft)
    assert detail.parties[1].credit_code == "91350100M000100Y4Z"


def test_registration_needs_an_organisation(services) -> None:
    with pytest.raises(ValidationError) as err:
        services.cases.register(sample_draft())
    assert "调解组织" in str(err.value)


def test_optimistic_locking_refuses_the_second_save(org_services, db_url, clock) -> None:
    s = org_services
    detail = s.cases.register(sample_draft())
    other_pc = make_services(db_url, clock, actor_name="二号机")
    try:
        mine, theirs = detail.to_draft(), detail.to_draft()
        mine.summary = "我的修改"
        theirs.summary = "另一台电脑的修改"
        saved = other_pc.cases.update(detail.id, detail.version, theirs)
        assert saved.version == detail.version + 1
        with pytest.raises(ConflictError) as err:
            s.cases.update(detail.id, detail.version, mine)
        assert "其他电脑" in str(err.value)
        assert mine.summary == "我的修改"  # the user's edit is still there to retry
        assert s.cases.get(detail.id).summary == "另一台电脑的修改"
    finally:
        other_pc.close()


def test_update_edits_parties_in_place(org_services) -> None:
    s = org_services
    detail = s.cases.register(sample_draft())
    draft = detail.to_draft()
    draft.parties[1].phone = "13911112222"
    draft.parties.append(PartyDraft(role="third_party", kind="person", name="王五"))
    updated = s.cases.update(detail.id, detail.version, draft)
    assert [p.name for p in updated.parties] == ["张三", "李四", "王五"]
    assert updated.parties[1].id == detail.parties[1].id
    assert updated.parties[1].phone == "13911112222"
    assert s.cases.page(CaseQuery(text="王五"))[0].party_names == "张三、李四、王五"


def test_transitions_follow_the_rules_and_record_who(org_services) -> None:
    s = org_services
    d = s.cases.register(sample_draft())
    with pytest.raises(TransitionError) as err:
        s.cases.transition(d.id, d.version, "agreed")
    assert "登记" in str(err.value) and "受理" in str(err.value)
    d = s.cases.transition(d.id, d.version, "accepted")
    with pytest.raises(TransitionError, match="指定调解员"):
        s.cases.transition(d.id, d.version, "in_mediation")
    draft = d.to_draft()
    draft.mediators = [MediatorAssignment(s.mediator_ids[0])]
    d = s.cases.update(d.id, d.version, draft)
    d = s.cases.transition(d.id, d.version, "in_mediation")
    with pytest.raises(ValidationError) as err:
        s.cases.transition(d.id, d.version, "terminated", reason="一方撤回申请")
    assert {p.field for p in err.value.problems} == {"reason_kind", "routes_explained"}
    d = s.cases.transition(d.id, d.version, "terminated", reason="一方撤回申请", routes_explained=True,
                           reason_kind="withdrawn")
    assert d.status == "terminated"
    assert d.history[-1].text == "状态：调解中 → 终止调解（一方撤回申请）"
    assert all(h.actor == "测试员" for h in d.history)


def _seed(s, names_phones):  # type: ignore[no-untyped-def]
    made = []
    for i, (name, phone, summary) in enumerate(names_phones):
        draft = sample_draft(summary=summary, received_on=date(2026, 1, 1 + i))
        draft.parties[0] = PartyDraft(role="applicant", kind="person", name=name, phone=phone)
        made.append(s.cases.register(draft))
    return made


def test_search_by_code_name_pinyin_phone_summary(org_services) -> None:
    s = org_services
    cases = _seed(s, [
        ("张三", "13800001111", "宅基地边界争议，涉及围墙"),
        ("赵六", "13800002222", "拖欠装修款三万元"),
        ("𠮷田𫖮", "13800003333", "噪音扰民"),
    ])

    def found(text: str) -> list[str]:
        return [r.code for r in s.cases.page(CaseQuery(text=text))]

    assert found("张三") == [cases[0].code]
    assert found("zs") == [cases[0].code]
    assert found("zhangsan") == [cases[0].code]
    assert found("0002222") == [cases[1].code]
    assert found("装修款") == [cases[1].code]
    assert found("第2号") == [cases[1].code]
    assert found("𠮷田") == [cases[2].code]
    assert found("𫖮") == [cases[2].code]
    assert found("李四 装修") == [cases[1].code]  # every term must match
    assert found("50%_") == []
    rows = s.cases.page(CaseQuery(text="𫖮"))
    assert rows[0].party_names.startswith("𠮷田𫖮")


def test_filters_sort_and_keyset_paging(org_services) -> None:
    s = org_services
    made = _seed(s, [(f"当事人{i}", "", f"纠纷{i}") for i in range(7)])
    d = s.cases.transition(made[3].id, made[3].version, "accepted")
    assert [r.code for r in s.cases.page(CaseQuery(status="accepted"))] == [d.code]
    all_rows = []
    page = s.cases.page(CaseQuery(sort="code", descending=False), limit=3)
    while page:
        all_rows.extend(page)
        page = s.cases.page(CaseQuery(sort="code", descending=False), after=page[-1], limit=3)
    assert [r.code_n for r in all_rows] == list(range(1, 8))
    newest = s.cases.page(CaseQuery(received_from=date(2026, 1, 6)))
    assert [r.received_on for r in newest] == [date(2026, 1, 7), date(2026, 1, 6)]
    assert s.cases.count(CaseQuery(text="当事人")) == 7
    by_mediator = s.cases.page(CaseQuery(mediator_id=s.mediator_ids[0]))
    assert by_mediator == []


def test_party_matches_find_repeat_disputes(org_services) -> None:
    s = org_services
    first = s.cases.register(sample_draft())
    matches = s.cases.find_party_matches(name="张三", id_number="11010519491231002X")
    assert [(m.case_code, m.reasons) for m in matches] == [(first.code, ("身份证号相同", "姓名相同"))]
    homophone = s.cases.find_party_matches(name="章三")
    assert homophone[0].reasons == ("姓名同音",)
    by_phone = s.cases.find_party_matches(phone="13900005678")
    assert by_phone[0].party_name == "李四"
    assert s.cases.find_party_matches(name="张三", exclude_case_id=first.id) == []


def test_known_party_is_picked_not_retyped(org_services) -> None:
    s = org_services
    s.cases.register(sample_draft())
    known = s.cases.find_known_parties("zh")
    assert [k.name for k in known] == ["张三"]
    draft = s.cases.known_party_draft(known[0].party_id, role="respondent")
    assert draft.id_number == "11010519491231002X" and draft.role == "respondent"
    assert draft.address == "龙门街道幸福村3组"


@pytest.mark.postgres
def test_simultaneous_registration_on_postgres_gets_unique_codes(pg_migrated, clock) -> None:
    """Several room PCs registering at the same moment on one PostgreSQL server."""
    from conftest import _truncate_pg

    _truncate_pg(pg_migrated)
    db_url = pg_migrated
    main = make_services(db_url, clock)
    setup_org(main)
    pcs = [make_services(db_url, clock, actor_name=f"PC{i}") for i in range(4)]
    codes: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(pcs))

    def register(pc) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            for _ in range(5):
                codes.append(pc.cases.register(sample_draft()).code)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=register, args=(pc,)) for pc in pcs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for pc in pcs:
        pc.close()
    main.close()
    assert errors == []
    assert len(codes) == 20 and len(set(codes)) == 20
    assert sorted(int(c.split("第")[1][:-1]) for c in codes) == list(range(1, 21))


def test_organisation_save_conflict(org_services, db_url, clock) -> None:
    org = org_services.organization.get()
    other = make_services(db_url, clock)
    try:
        d = org.to_draft()
        d.phone = "0883-2100001"
        other.organization.save(d, org.version)
    finally:
        other.close()
    with pytest.raises(ConflictError):
        org_services.organization.save(OrganizationDraft(name="x", short_name="x"), org.version)


@pytest.mark.parametrize("term", ["张", "王秀", "zs", "l", "第1", "138", "纠纷", "龙门人调字第1", "物业服务", "𠮷"])
def test_paged_search_equals_a_brute_force_scan(services, term) -> None:
    """Whatever path a search takes (newest-cases scan, trigram index, character index), paging
    through it gives exactly the cases a plain scan finds, newest first."""
    from sqlalchemy import select

    from mediator_desktop.domain.search import char_tokens, query_terms
    from mediator_desktop.services.demo import load_demo
    from mediator_desktop.storage.models import Case

    load_demo(services, 450, seed=7)
    paged, page = [], services.cases.page(CaseQuery(text=term), limit=50)
    while page:
        paged.extend(r.id for r in page)
        page = services.cases.page(CaseQuery(text=term), after=page[-1], limit=50)
    t = query_terms(term)[0]
    expected = []
    with services.db.read() as s:
        for cid, text, chars in s.execute(
                select(Case.id, Case.search_text, Case.search_chars).order_by(Case.received_on.desc(), Case.id.desc())):
            hit = t in text if len(t) >= 3 else (" " + char_tokens(t)) in (" " + chars)
            if hit:
                expected.append(cid)
    assert paged == expected
    # The status bar's count agrees, capped ("1,000 多件") or not, by every path it takes.
    assert services.cases.count(CaseQuery(text=term)) == len(expected)
    for cap in (20, 1000):
        assert services.cases.count(CaseQuery(text=term), cap=cap) == min(len(expected), cap + 1), cap
    if term in ("张", "第1", "138", "纠纷"):
        assert len(expected) > 50  # the common words really exercise the first-page scan

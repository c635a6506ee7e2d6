"""Issue 12, on real SQLite and PostgreSQL: a judicial-confirmation window that closed stays in
the lists as 已届满 for seven days (today list, agenda command, .ics) and the application for it
is warned about (service, CLI); documents refused for a case that ended name how and when; the
agenda's detail is never cut inside a number; overdue and due both count working days."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from conftest import sample_draft
from test_agreements import money_term
from test_reminders import _agreed_case

from mediator_desktop import cli
from mediator_desktop.domain.judicial import application_deadline, lapsed_warning
from mediator_desktop.domain.text import shorten
from mediator_desktop.services.documents import DocumentError
from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.services.followups import ConfirmationDraft


@pytest.fixture
def cli_clock(monkeypatch: pytest.MonkeyPatch, clock):  # type: ignore[no-untyped-def]
    """The command line on the tests' clock (today Sunday 2026-11-22), not the machine's."""
    opened = cli._open

    def _open(url, **options):  # type: ignore[no-untyped-def]
        services = opened(url, **options)
        services.ctx._clock = clock
        return services

    monkeypatch.setattr(cli, "_open", _open)
    return clock


# -- 1. the application after its window closed --------------------------------------------------


def test_lapsed_warning_names_the_last_day_and_what_is_left() -> None:
    deadline = application_deadline(date(2026, 9, 1))          # day 30 is a holiday → 2026-10-08
    assert deadline is not None and deadline.due == date(2026, 10, 8)
    assert lapsed_warning(deadline, date(2026, 10, 8)) == ""   # the last day itself is still open
    text = lapsed_warning(deadline, date(2026, 10, 9))
    assert text.startswith("申请期限已于2026年10月8日届满，人民法院不会受理本申请。")
    assert "向人民法院提起诉讼" in text and "仍然有效" in text
    assert lapsed_warning(deadline, date(2026, 10, 20), filed_on=date(2026, 10, 8)) == ""   # filed in time


def test_the_cli_warns_on_stderr_and_still_writes_the_lapsed_application(
        org_services, db_url, cli_clock, tmp_path, capsys) -> None:
    s = org_services
    lapsed = _agreed_case(s, signed_on=date(2026, 10, 16))     # window closed Monday 2026-11-16
    out = tmp_path / "申请书.pdf"
    assert cli.main(["render", lapsed.code, "judicial-confirmation", "-o", str(out), "--db", db_url]) == 0
    captured = capsys.readouterr()
    assert out.read_bytes().startswith(b"%PDF")                # printed for the record all the same
    assert "警告：申请期限已于2026年11月16日届满，人民法院不会受理本申请。" in captured.err
    assert "已生成申请书" in captured.out and "届满" not in captured.out

    cli_clock.value = datetime(2026, 11, 16, 17, 0)             # the last day: no warning
    assert cli.main(["render", lapsed.code, "judicial-confirmation", "-o", str(out), "--db", db_url]) == 0
    assert "警告" not in capsys.readouterr().err


# -- 2. a lapsed window stays in the lists for seven days ----------------------------------------


def test_a_lapsed_window_stays_listed_as_lapsed_for_seven_days(org_services, db_url, cli_clock, tmp_path,
                                                                capsys) -> None:
    s = org_services                                            # today: Sunday 2026-11-22
    recent = _agreed_case(s, signed_on=date(2026, 10, 16))     # closed 11-16: six days ago
    old = _agreed_case(s, signed_on=date(2026, 10, 9))         # day 30 Sunday 11-08 → 11-09: 13 days ago
    filed = _agreed_case(s, signed_on=date(2026, 10, 16))
    s.followups.save_confirmation(filed.id, ConfirmationDraft(court="某某县人民法院", filed_on=date(2026, 11, 10)))

    windows = {r.code: r for r in s.reminders.today_list() if r.kind == "judicial_window"}
    assert set(windows) == {recent.code}
    item = windows[recent.code]
    assert item.lapsed and item.left == "已届满" and item.urgency == "overdue" and item.due == date(2026, 11, 16)
    assert "申请期限已于2026年11月16日届满" in item.detail
    assert item.as_json()["lapsed"] is True

    # The seventh day after is the last it is shown.
    s.ctx._clock.value = datetime(2026, 11, 23, 9, 0)
    assert recent.code in {r.code for r in s.reminders.items() if r.kind == "judicial_window"}
    s.ctx._clock.value = datetime(2026, 11, 24, 9, 0)
    assert recent.code not in {r.code for r in s.reminders.items() if r.kind == "judicial_window"}
    s.ctx._clock.value = datetime(2026, 11, 22, 9, 30)

    ics = tmp_path / "日程.ics"
    assert cli.main(["agenda", "--db", db_url, "--to", "2026-11-30", "--ics", str(ics)]) == 0
    lines = [x for x in capsys.readouterr().out.splitlines() if recent.code in x and "司法确认" in x]
    assert len(lines) == 1 and "已届满" in lines[0] and "2026-11-16" in lines[0]
    assert not any(old.code in x and "司法确认" in x for x in capsys.readouterr().out.splitlines())
    from icalendar import Calendar

    summaries = [str(e["summary"]) for e in Calendar.from_ical(ics.read_bytes()).walk("VEVENT")]
    assert any(recent.code in x and x.endswith("（已届满）") for x in summaries)
    assert cli.main(["agenda", "--db", db_url, "--json"]) == 0
    rows = [r for r in json.loads(capsys.readouterr().out) if r["kind"] == "judicial_window"]
    assert [(r["case_code"], r["left"], r["lapsed"]) for r in rows] == [(recent.code, "已届满", True)]


# -- 3. refusals name how and when the case ended -------------------------------------------------


def _registered(s):  # type: ignore[no-untyped-def]
    return s.cases.register(sample_draft(received_on=date(2026, 11, 20),
                                         mediators=[MediatorAssignment(s.mediator_ids[0])]))


def test_documents_of_a_case_that_ended_name_the_reason_and_date(org_services, tmp_path) -> None:
    from mediator_desktop import settings as opts
    from mediator_desktop.documents.style import style_from_settings

    s = org_services
    style = style_from_settings(opts.Settings(tmp_path / "settings.json"))
    d = _registered(s)
    d = s.cases.transition(d.id, d.version, "accepted")
    d = s.cases.transition(d.id, d.version, "in_mediation")
    terminated = s.cases.transition(d.id, d.version, "terminated", reason="被申请人明确表示不再调解",
                                    reason_kind="refused", routes_explained=True)
    with pytest.raises(DocumentError) as err:
        s.documents.render(terminated.code, "agreement", "pdf", style)
    assert str(err.value) == ("本案已于2026年11月22日终止调解（当事人拒绝继续调解：被申请人明确表示不再调解），"
                              "不能生成人民调解协议书")
    with pytest.raises(DocumentError) as err:
        s.documents.render(terminated.code, "judicial-confirmation", "pdf", style)
    assert str(err.value).endswith("终止调解（当事人拒绝继续调解：被申请人明确表示不再调解），不能申请司法确认")

    d = _registered(s)
    not_accepted = s.cases.transition(d.id, d.version, "not_accepted", reason="已由派出所受理")
    with pytest.raises(DocumentError) as err:
        s.documents.render(not_accepted.code, "agreement", "pdf", style)
    assert str(err.value) == "本案已于2026年11月22日决定不予受理（已由派出所受理），不能生成人民调解协议书"

    d = _registered(s)
    refused = s.cases.transition(d.id, d.version, "refused", reason="李四拒绝调解")
    with pytest.raises(DocumentError) as err:
        s.documents.render(refused.code, "judicial-confirmation", "pdf", style)
    assert str(err.value) == "本案一方当事人已于2026年11月22日拒绝调解（李四拒绝调解），不能申请司法确认"

    d = _registered(s)                                          # still open: an agreement may come
    with pytest.raises(DocumentError, match="^本案还没有调解协议，不能生成人民调解协议书$"):
        s.documents.render(d.code, "agreement", "pdf", style)


# -- 4. detail never cut inside a number; overdue in working days ----------------------------------


def test_shorten_cuts_only_at_a_boundary() -> None:
    assert shorten("李四应于2026年11月30日前支付12000元", 20) == "李四应于2026年11月30日前支付…"
    assert shorten("张三向李四支付赔偿款12,000.50元及利息", 16) == "张三向李四支付赔偿款…"
    assert shorten("退还押金，另付误工费贰仟伍佰元整", 12) == "退还押金，另付误工费…"
    assert shorten("赔偿ABCDEFGH", 5) == "赔偿…"
    assert shorten("短句不变", 20) == "短句不变"
    # A date or an amount is cut whole or not at all: not “已于2026…” (a year), not “12000…”.
    assert shorten("申请期限已于2026年11月16日届满，人民法院不再受理", 12) == "申请期限已于…"
    assert shorten("申请期限已于2026年11月16日届满，人民法院不再受理", 19) == "申请期限已于2026年11月16日届满…"
    assert shorten("支付12000元整", 7) == "支付…"


def test_performance_detail_is_not_cut_inside_an_amount_and_overdue_counts_working_days(org_services) -> None:
    s = org_services
    text = "李四于2026年11月13日前向张三付12000元"
    agreed = _agreed_case(s, signed_on=date(2026, 11, 2),
                          terms=[money_term(subject="", text=text, text_edited=True, due_on=date(2026, 11, 13))])
    item = next(r for r in s.reminders.items() if r.kind == "performance" and r.code == agreed.code)
    assert item.detail == "协议第一条：李四于2026年11月13日前向张三付…"     # not "…付12"
    # Due Friday 11-13, today Sunday 11-22: five working days have passed (11-16 … 11-20).
    assert item.left == "已逾期5个工作日"

"""The forms (文书) as documents: a case in, a :class:`Document` out (LEGAL.md §3–§5, §7).

Builders read a case in the case-exchange shape (shared/spec/case-exchange.md, unmasked): the
one complete, documented picture of a case that the storage already produces and the sample
files already hold. They know nothing about PDF or Word.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from mediator_desktop.documents.model import (
    Align,
    Block,
    Document,
    KeepTogether,
    PageFurniture,
    Paragraph,
    Role,
    Run,
    Spacer,
    Table,
    cell,
    para,
)
from mediator_desktop.domain.enums import (
    AgentKind,
    CaseSource,
    CaseStatus,
    Gender,
    IdType,
    PartyRole,
    TerminationReason,
)
from mediator_desktop.domain.text import (
    age,
    amount_figures,
    amount_text,
    amount_upper,
    blank_date,
    chinese_date,
    clause_number,
)


@dataclass(frozen=True)
class OrgHeader:
    """What documents print about the mediation organisation (调解组织)."""

    name: str
    kind: str = "committee"        # committee (人民调解委员会) | studio (个人品牌调解室)
    address: str = ""
    phone: str = ""
    seal_text: str = ""            # printed in the seal area, e.g. （龙门街道人民调解委员会印）
    logo: bytes = b""              # a studio's logo on its documents

    @property
    def self_name(self) -> str:
        """How the organisation names itself in its documents: 本委员会 / 本调解室."""
        return "本委员会" if self.kind == "committee" else "本调解室"

    @property
    def seal_line(self) -> str:
        """The seal area: ``（龙门街道人民调解委员会印）`` — where the seal is pressed."""
        text = self.seal_text.strip().strip("（）()")
        if text:
            return f"（{text}）" if text.endswith(("印", "章")) else f"（{text}印）"
        return "（人民调解委员会印）" if self.kind == "committee" else "（调解组织印）"


@dataclass(frozen=True)
class BuildOptions:
    """Choices the user makes when printing."""

    court: str = ""                # 司法确认: the court chosen (LEGAL.md §5)
    fingerprint: bool = True       # a fingerprint box beside each signature (local practice)


DEFAULT_OPTIONS = BuildOptions()


class DocumentDataError(ValueError):
    """The case lacks what a form needs (a field named in Chinese)."""


# -- pieces of text -------------------------------------------------------------------------------

def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _label(enum: Any, value: str | None) -> str:
    try:
        return enum(value).label if value else ""
    except ValueError:
        return value or ""


def party_title(party: dict[str, Any]) -> str:
    """``当事人（申请人）``."""
    role = _label(PartyRole, party.get("role"))
    return f"当事人（{role}）" if role else "当事人"


def party_particulars(party: dict[str, Any], *, age_on: date | None = None, with_id: bool = True) -> list[Run]:
    """The basic information of a party (Law 29 (一)), as runs naming their fields. With
    ``age_on`` a person's age on that day replaces the birth date (the application form asks for
    age); ``with_id`` False leaves the ID number out where a form does not ask for it."""
    runs: list[Run] = [Run(party["name"], field="当事人姓名/名称")]

    def add(text: str, field: str, prefix: str = "，") -> None:
        if text:
            runs.append(Run(prefix + text, field=field))

    if party.get("kind") == "organization":
        add(f"统一社会信用代码{party['credit_code']}" if party.get("credit_code") else "", "统一社会信用代码")
        add(f"住所地{party['address']}" if party.get("address") else "", "住所地")
        rep = party.get("representative") or {}
        if rep.get("name"):
            add(f"法定代表人{rep['name']}" + (f"（{rep['title']}）" if rep.get("title") else ""), "法定代表人")
        add(f"联系电话{party['phone']}" if party.get("phone") else "", "联系电话")
    else:
        add(_label(Gender, party.get("gender")), "性别")
        add(party.get("ethnicity", ""), "民族")
        born = _d(party.get("birth_date"))
        if born and age_on:
            add(f"{age(born, age_on)}岁", "年龄")
        else:
            add(f"{chinese_date(born)}出生" if born else "", "出生日期")
        if party.get("id_number") and with_id:
            id_type = _label(IdType, party.get("id_type") or "resident_id")
            add(f"{id_type}号码{party['id_number']}", "证件号码")
        add(f"职业{party['occupation']}" if party.get("occupation") else "", "职业")
        add(f"住{party['address']}" if party.get("address") else "", "住址")
        add(f"联系电话{party['phone']}" if party.get("phone") else "", "联系电话")
    runs.append(Run("。"))
    return runs


def agent_lines(party: dict[str, Any]) -> list[Paragraph]:
    lines = []
    for agent in party.get("agents") or []:
        kind = _label(AgentKind, agent.get("kind")) or "代理人"
        runs = [Run(f"{kind}：", bold=True), Run(agent["name"], field=f"{kind}姓名")]
        if agent.get("id_number"):
            runs.append(Run(f"，身份证件号码{agent['id_number']}", field=f"{kind}证件号码"))
        if agent.get("phone"):
            runs.append(Run(f"，联系电话{agent['phone']}", field=f"{kind}电话"))
        runs.append(Run("。"))
        lines.append(Paragraph(runs, indent=True))
    return lines


def party_names(case: dict[str, Any], sep: str = "、") -> str:
    return sep.join(p["name"] for p in case["parties"])


def mediator_names(case: dict[str, Any]) -> str:
    return "、".join(m["name"] for m in case.get("mediators") or [])


def term_clause(term: dict[str, Any]) -> str:
    """A clause's text ending in 。, with its recorded amount in upper case and in figures
    (LEGAL.md §4): where the text already writes the amount in upper case the figures are put
    beside it; otherwise the amount is stated after the text, so the printed clause always
    carries the amount the case records."""
    text = term["text"].rstrip("。；;，, ")
    if term.get("amount"):
        amount = Decimal(term["amount"])
        upper, figures = amount_upper(amount), amount_figures(amount)
        written = next((u for u in (upper, upper.removesuffix("整")) if u in text), None)
        if written and figures not in text:
            at = text.index(written) + len(written)
            text = f"{text[:at]}（{figures}）{text[at:]}"
        elif not written:
            text += f"，金额为{amount_text(amount)}"
    return str(text) + "。"


def term_performance(term: dict[str, Any], parties: list[dict[str, Any]]) -> str:
    """履行方式、时限 of one clause: who, for whom, how, where and by when, as one sentence
    (``由杨秀英向周国华以现金当面支付方式履行，于2026年11月15日前履行完毕``)."""
    def name(index: Any) -> str:
        return parties[index]["name"] if isinstance(index, int) and 0 <= index < len(parties) else ""

    obligor, obligee = name(term.get("obligor")), name(term.get("obligee"))
    who = (f"由{obligor}" if obligor else "") + (f"向{obligee}" if obligee else "")
    how = (f"在{term['place']}" if term.get("place") else "") + \
        (f"以{term['method'].removesuffix('方式')}方式" if term.get("method") else "")
    first = f"{who}{how}履行" if who or how else ""
    due = _d(term.get("due_on"))
    parts = [p for p in (first, f"于{chinese_date(due)}前履行完毕" if due else "") if p]
    return "，".join(parts)


def text_hash(document: Document) -> str:
    """A short SHA-256 of the document's text: printed in the QR code, so a signed scan can be
    matched to exactly the text that was printed."""
    return hashlib.sha256(document.text.encode("utf-8")).hexdigest()[:20]


def qr_payload(case_code: str, number: str, digest: str) -> str:
    """``MD1|case code|hash``, with the document number between them when it differs from the
    case code (kept short: a smaller code prints sharper and encodes faster)."""
    return f"MD1|{case_code}|{digest}" if number == case_code else f"MD1|{case_code}|{number}|{digest}"


# -- shared blocks -----------------------------------------------------------------------------

def signers(parties: list[dict[str, Any]], title: Callable[[dict[str, Any]], str]) -> list[tuple[str, str, bool]]:
    """Who signs, in order: each party, then its agents (a minor's 法定代理人 signs for it;
    an entrusted agent signs as such). (who, name, organisation) rows."""
    rows = []
    for p in parties:
        rows.append((title(p), p["name"], p.get("kind") == "organization"))
        for agent in p.get("agents") or []:
            kind = _label(AgentKind, agent.get("kind")) or "代理人"
            rows.append((f"{p['name']}的{kind}", agent["name"], False))
    return rows


def _signature_table(rows: list[tuple[str, str, bool]], fingerprint: bool, *, keep: bool = False,
                     height_mm: float = 22) -> Table:
    """Rows of (who, name, organisation): a cell for the signature (and seal), a fingerprint box."""
    table_rows = []
    for who, name, organisation in rows:
        sign = "签名（盖章）：" if organisation else "签名："
        cells = [cell(f"{who}\n{name}", shade=True), cell(sign, min_height_mm=height_mm)]
        if fingerprint:
            cells.append(cell("" if organisation else "指印：", min_height_mm=height_mm))
        table_rows.append(cells)
    widths = [1.3, 2.2, 1.1] if fingerprint else [1.3, 3.3]
    return Table(table_rows, widths, keep_together=keep)


def _closing_block(org: OrgHeader, signed_on: date | None, *, recorder: bool = True) -> list[Block]:
    lines: list[Block] = [
        para("人民调解员（签名）：", role=Role.BODY, align=Align.LEFT, space_before=0.5),
    ]
    if recorder:
        lines.append(para("记录人（签名）：", align=Align.LEFT))
    lines += [
        para(org.seal_line, align=Align.RIGHT, space_before=1.0, field="印章文字"),
        para(chinese_date(signed_on) if signed_on else blank_date(), align=Align.RIGHT, field="日期"),
    ]
    return lines


def _furniture(org: OrgHeader, number: str) -> PageFurniture:
    return PageFurniture(number=number, header_left=org.name if org.kind == "studio" else "",
                         logo=org.logo if org.kind == "studio" else b"")


def no_agreement(case: dict[str, Any], refused: str) -> str:
    """Why a case has no agreement, for a refused document: a case that ended — 终止调解, 不予受理,
    一方拒绝调解 — names how, when and why (``case["ended"]``, added by the document service), so
    nobody waits for an agreement that will not come; otherwise it has none yet."""
    ended = case.get("ended") or {}
    status = ended.get("status") or case.get("status")
    on = _d(ended.get("on"))
    when = f"于{chinese_date(on)}" if on else ""
    why = (ended.get("reason") or "").strip()
    kind = ended.get("reason_kind") or ""
    if kind in TerminationReason.__members__.values():
        label = TerminationReason(kind).label
        why = f"{label}：{why}" if why and why != label else label
    because = f"（{why}）" if why else ""
    if status == CaseStatus.TERMINATED.value:
        return f"本案已{when}终止调解{because}，{refused}"
    if status == CaseStatus.NOT_ACCEPTED.value:
        return f"本案已{when}决定不予受理{because}，{refused}"
    if status == CaseStatus.REFUSED.value:
        return f"本案一方当事人已{when}拒绝调解{because}，{refused}"
    return f"本案还没有调解协议，{refused}"


# -- 人民调解协议书 --------------------------------------------------------------------------------

def agreement(org: OrgHeader, case: dict[str, Any], options: BuildOptions = DEFAULT_OPTIONS) -> Document:
    """人民调解协议书 (LEGAL.md §4): parties, facts, numbered clauses with amounts in upper case,
    performance, the copies clause, and a signature block whose last rows, the seal and the date
    share a page. Every page carries the number, 第 x 页 共 y 页 and a QR code of the text hash."""
    agreement = case.get("agreement")
    if not agreement:
        raise DocumentDataError(no_agreement(case, "不能生成人民调解协议书"))
    if agreement.get("form") == "oral":
        raise DocumentDataError("本案是口头协议，请生成“人民调解口头协议登记表”")
    parties = case["parties"]
    terms = agreement.get("terms") or []
    if not terms:
        raise DocumentDataError("“协议条款”为空：协议至少要有一项条款")
    number = agreement.get("number") or case.get("code") or ""
    # One original for every party and one for the committee (LEGAL.md §4): never fewer.
    copies = max(agreement.get("copies") or 0, len(parties) + 1)
    signed_on = _d(agreement.get("signed_on"))

    blocks: list[Block] = []
    for p in parties:
        blocks.append(Paragraph([Run(f"{party_title(p)}：", bold=True), *party_particulars(p)]))
        blocks.extend(agent_lines(p))
    facts = agreement.get("facts") or case.get("summary") or ""
    blocks.append(para("纠纷主要事实、争议事项：", role=Role.HEADING, space_before=0.3, keep_with_next=True))
    blocks.append(para(facts, indent=True, field="纠纷主要事实"))
    if agreement.get("responsibilities"):
        blocks.append(para("各方责任：", role=Role.HEADING, keep_with_next=True))
        blocks.append(para(agreement["responsibilities"], indent=True, field="各方责任"))
    blocks.append(para("经调解，自愿达成如下协议：", role=Role.HEADING, space_before=0.3, keep_with_next=True))
    for i, term in enumerate(terms, start=1):
        blocks.append(para(f"{clause_number(i)}、", term_clause(term), indent=True,
                           field=f"协议第{i}项"))
    performance = [(i, term_performance(t, parties)) for i, t in enumerate(terms, start=1)]
    performance = [(i, text) for i, text in performance if text]
    if performance:
        blocks.append(para("履行方式、时限：", role=Role.HEADING, keep_with_next=True))
        for i, text in performance:
            blocks.append(para(f"第{clause_number(i)}项，{text}。", indent=True, field=f"协议第{i}项履行方式"))
    blocks.append(para("本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。",
                       indent=True))
    blocks.append(para(f"本协议一式{clause_number(copies)}份，当事人、人民调解委员会各持一份，具有同等法律效力。",
                       indent=True, field="份数"))
    blocks.append(Spacer(4))

    rows = signers(parties, party_title)
    if len(rows) > 1:
        blocks.append(_signature_table(rows[:-1], options.fingerprint))
    blocks.append(KeepTogether([_signature_table(rows[-1:], options.fingerprint), *_closing_block(org, signed_on)]))

    document = Document("agreement", "人民调解协议书", blocks, _furniture(org, number), copies=copies,
                        file_stem=f"人民调解协议书-{number}")
    digest = text_hash(document)
    document.furniture.qr_payload = qr_payload(case.get("code") or number, number, digest)
    return document


# -- 司法确认申请书 -------------------------------------------------------------------------------

UNDERTAKING = ("申请人承诺：出于解决纠纷的目的自愿达成调解协议，没有恶意串通、规避法律的行为；"
               "如果因为该协议内容而给国家、集体或者他人造成损害的，愿意承担相应的民事责任和其他法律责任。")


def judicial_confirmation(org: OrgHeader, case: dict[str, Any], options: BuildOptions = DEFAULT_OPTIONS) -> Document:
    """司法确认申请书（申请司法确认调解协议用）(LEGAL.md §5): every party a joint applicant, no
    respondent; request, facts and reasons, the undertaking, 此致 the court, the materials list,
    each applicant's signature, the date."""
    agreement = case.get("agreement")
    if not agreement:
        raise DocumentDataError(no_agreement(case, "不能申请司法确认"))
    if not agreement.get("signed_on"):
        raise DocumentDataError("本案的调解协议还没有记录生效日期：协议生效后才能申请司法确认")
    parties = case["parties"]
    number = agreement.get("number") or case.get("code") or ""
    signed_on = _d(agreement.get("signed_on"))
    recorded = (case.get("judicial_confirmation") or {}).get("court", "")
    court_name = options.court.strip() or recorded.strip() or "＿＿＿＿＿＿＿＿人民法院"

    blocks: list[Block] = [para("（申请司法确认调解协议用）", role=Role.SUBTITLE, align=Align.CENTER, space_after=0.5)]
    for i, p in enumerate(parties, start=1):
        label = f"申请人{clause_number(i) if len(parties) > 1 else ''}："
        blocks.append(Paragraph([Run(label, bold=True), *party_particulars(p)]))
        blocks.extend(agent_lines(p))

    form = "口头" if agreement.get("form") == "oral" else ""
    when = chinese_date(signed_on) if signed_on else "＿＿年＿＿月＿＿日"
    blocks.append(para("请求事项：", role=Role.HEADING, space_before=0.3, keep_with_next=True))
    blocks.append(para(f"请求人民法院确认申请人于{when}在{org.name}主持下达成的人民调解{form}协议"
                       f"（编号：{number}）有效。", indent=True, field="请求事项"))

    blocks.append(para("事实和理由：", role=Role.HEADING, space_before=0.3, keep_with_next=True))
    received = _d(case.get("received_on"))
    source = _label(CaseSource, case.get("source"))
    dispute = (agreement.get("facts") or case.get("summary") or "").rstrip("。")
    facts = f"申请人{party_names(case)}之间发生{case.get('dispute_type') or '民间纠纷'}。"
    if dispute:
        facts += f"{dispute}。"
    facts += f"{org.name}于{chinese_date(received)}受理调解（案件来源：{source}）。"
    if mediator_names(case):
        facts += f"经人民调解员{mediator_names(case)}主持调解，"
    facts += f"申请人于{when}自愿达成人民调解{form}协议，主要内容如下："
    blocks.append(para(facts, indent=True, field="事实和理由"))
    for i, term in enumerate(agreement.get("terms") or [], start=1):
        blocks.append(para(f"{clause_number(i)}、", term_clause(term), indent=True, field=f"协议第{i}项"))
    blocks.append(para("上述协议系申请人真实意思表示，内容不违反法律、行政法规的强制性规定，不损害国家利益、"
                       "社会公共利益和他人合法权益。为此，申请人共同向人民法院申请司法确认。", indent=True))
    blocks.append(para(UNDERTAKING, indent=True, space_before=0.3))

    blocks.append(para("此致", indent=True, space_before=0.5, keep_with_next=True))
    blocks.append(para(court_name, field="人民法院", keep_with_next=True))

    blocks.append(para("附：", role=Role.HEADING, space_before=0.5, keep_with_next=True))
    items = [para(f"{i}. {item}", indent=True, field="附件材料")
             for i, item in enumerate(materials(case, number), start=1)]
    blocks.extend(items[:-1])

    rows = signers(parties, lambda _p: "申请人")
    closing: list[Block] = [para(blank_date(), align=Align.RIGHT, space_before=0.5)]  # the filing date, by hand
    if len(rows) <= 6:  # a joint application: the applicants sign together, on one page, under text
        blocks.append(KeepTogether([items[-1], Spacer(4), _signature_table(rows, False, height_mm=16), *closing]))
    else:               # too many for one page: at least the last signatures stay with the date
        blocks.append(items[-1])
        blocks.append(Spacer(4))
        blocks.append(_signature_table(rows[:-1], False, height_mm=16))
        blocks.append(KeepTogether([_signature_table(rows[-1:], False, height_mm=16), *closing]))
    return Document("judicial-confirmation", "申请书", blocks, _furniture(org, number),
                    copies=1, file_stem=f"司法确认申请书-{number}")


def materials(case: dict[str, Any], number: str) -> list[str]:
    """The materials list of the application (SPC-2011 3; CPL-I 354)."""
    parties = case["parties"]
    oral = (case.get("agreement") or {}).get("form") == "oral"
    items = [
        f"人民调解口头协议登记表一份（编号：{number}）" if oral else f"人民调解协议书一份（编号：{number}）",
        "人民调解受理登记表一份（调解组织主持调解的证明）",
        f"申请人身份证明、资格证明{clause_number(len(parties))}份",
        "与人民调解协议相关的财产权利证明材料",
        "申请人送达地址、联系方式确认书",
    ]
    agents = [a for p in parties for a in p.get("agents") or []]
    if any(a.get("kind") == "statutory" for a in agents):
        items.append("监护关系证明及法定代理人身份证明")
    if any(a.get("kind") != "statutory" for a in agents):
        items.append("授权委托书及委托代理人身份证明")
    return items


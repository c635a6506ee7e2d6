"""Realistic, deterministic demo cases as case-exchange documents.

Used by ``mediator-desktop demo`` (about 200 cases so a new user can try everything) and by the
benchmarks (100,000 cases, about 250,000 parties). Same seed, same cases.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from mediator_desktop.domain.dispute_types import DEFAULT_DISPUTE_TYPES
from mediator_desktop.domain.identity import credit_code_check_char, resident_id_check_char
from mediator_desktop.paths import resources_dir

DISPUTE_TYPES = DEFAULT_DISPUTE_TYPES

ORGANIZATION = {
    "name": "龙门街道人民调解委员会",
    "short_name": "龙门",
    "kind": "committee",
    "address": "云南省临沧市临翔区龙门街道综治中心一楼",
    "phone": "0883-2123456",
}

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
            "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN_MALE = "伟强磊军勇杰涛明超华建国平刚志辉斌波鹏飞宇浩林峰文兵海东亮成俊云龙德福贵生发全永忠学"
GIVEN_FEMALE = "芳娟敏静丽艳娜秀英华玲梅霞燕红琴兰萍雪婷琳慧莉桂珍凤洁云春丹月美玉彩翠"
RARE_GIVEN = ["𠮷", "𫖮", "㛃", "𬌗", "𬱟"]
ETHNICITIES = ["汉族"] * 40 + ["彝族"] * 4 + ["回族", "壮族", "苗族", "傣族", "白族", "哈尼族", "佤族", "拉祜族",
                                            "布朗族", "傈僳族"]
AREAS = ["530902", "530921", "530922", "530923", "530102", "530111", "620702", "510107", "440524", "110105"]
VILLAGES = ["龙门街道幸福村", "龙门街道草皮街社区", "龙门街道南塘社区", "龙门街道凤翔社区", "龙门街道忙令村",
            "龙门街道平村", "龙门街道那招村", "龙门街道头道水社区"]
OCCUPATIONS = ["务农", "个体工商户", "建筑工人", "退休职工", "教师", "司机", "自由职业", "公司职员", "厨师",
               "外卖骑手", "保安", "无业", "学生"]
MEDIATORS = ["杨志强", "李树军", "王松", "段丽", "张国庆", "周红梅", "罗永平", "陈建华"]
RECORDERS = ["段丽", "王芳", "赵雪"]
COURT = "临沧市临翔区人民法院"

SOURCES = [("party_application", 55), ("grid_reported", 14), ("committee_initiative", 10),
           ("police_referred", 8), ("court_delegated", 5), ("court_entrusted", 3),
           ("petition_referred", 3), ("other_referred", 2)]

ORGS = {
    "物业纠纷": ["{v}物业服务有限公司"], "拖欠农民工工资纠纷": ["临沧{v}建筑劳务有限公司", "{v}建设工程有限公司"],
    "合同纠纷": ["{v}装饰工程有限公司", "{v}商贸有限公司"], "消费纠纷": ["{v}超市"],
    "电子商务消费纠纷": ["{v}电子商务有限公司"], "旅游消费纠纷": ["{v}旅行社有限公司"],
    "医疗纠纷": ["临翔区{v}诊所"], "生产经营纠纷": ["{v}农业专业合作社"], "其他劳动争议纠纷": ["{v}餐饮管理有限公司"],
    "道路交通事故纠纷": ["{v}物流有限公司"], "其他消费纠纷": ["{v}家电维修部"],
}
ORG_WORDS = ["兴旺", "顺达", "恒通", "佳美", "鑫源", "鸿运", "永安", "金瑞", "华兴", "宏达", "盛世", "安居"]

#: Per dispute type: weight ``w``, title and summary templates, requests, agreement terms
#: ([text template, "amount" or null]). Data, so it lives with the resources.
TYPES: dict[str, dict[str, Any]] = json.loads((resources_dir() / "demo" / "case_templates.json").read_text(encoding="utf-8"))
TYPE_NAMES = list(TYPES)
TYPE_WEIGHTS = [TYPES[t]["w"] for t in TYPE_NAMES]
ORG_SIDE = {"物业纠纷", "拖欠农民工工资纠纷", "电子商务消费纠纷", "旅游消费纠纷", "医疗纠纷", "其他消费纠纷",
            "消费纠纷", "其他劳动争议纠纷", "劳动争议纠纷", "生产经营纠纷"}


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


TERMINATION_KINDS = {"双方分歧较大，无法达成协议": "impossible", "一方当事人不同意继续调解": "refused",
                     "申请人撤回调解申请": "withdrawn"}
REPORTED_TO = ["龙门街道综治中心", "龙门街道司法所", "龙门街道综治中心、龙门派出所"]
LEADS = [("赵文华", "街道党工委副书记"), ("钱志明", "街道办事处副主任"), ("孙建平", "街道政法委员")]
REFERRAL_UNITS = ["临翔区劳动保障监察大队", "临翔区市场监督管理局", "临翔区交通警察大队", "临翔区住房和城乡建设局"]


class _Gen:
    def __init__(self, seed: int, today: date, features: bool = False) -> None:
        self.rng = random.Random(seed)
        self.today = today
        #: Today's features (risk reports and plans, referrals, prevention figures, 销号, …) come
        #: from their own random stream, so the cases themselves are the same with or without them.
        self.features = random.Random(seed + 1) if features else None
        self.reopened = False

    def person_name(self, gender: str) -> str:
        rng = self.rng
        surname = rng.choice(SURNAMES)
        pool = GIVEN_MALE if gender == "male" else GIVEN_FEMALE
        given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
        if rng.random() < 0.005:
            given = given[:-1] + rng.choice(RARE_GIVEN)
        return surname + given

    def resident_id(self, born: date, gender: str) -> str:
        seq = self.rng.randrange(0, 100)
        sex = self.rng.randrange(1, 10, 2) if gender == "male" else self.rng.randrange(0, 10, 2)
        first17 = f"{self.rng.choice(AREAS)}{born:%Y%m%d}{seq:02d}{sex}"
        return first17 + resident_id_check_char(first17)

    def credit_code(self) -> str:
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        body = "91" + self.rng.choice(AREAS) + "".join(self.rng.choice(alphabet) for _ in range(9))
        return body + credit_code_check_char(body)

    def phone(self) -> str:
        return self.rng.choice(["139", "138", "137", "136", "158", "159", "187", "188", "151", "152"]) + \
            f"{self.rng.randrange(0, 10**8):08d}"

    def person(self, role: str, adult: bool = True) -> dict[str, Any]:
        rng = self.rng
        gender = rng.choice(["male", "female"])
        year = rng.randint(1940, 2004) if adult else rng.randint(2010, 2016)
        born = date(year, rng.randint(1, 12), rng.randint(1, 28))
        party: dict[str, Any] = {
            "role": role, "kind": "person", "name": self.person_name(gender), "gender": gender,
            "ethnicity": rng.choice(ETHNICITIES), "birth_date": born.isoformat(),
            "id_type": "resident_id", "id_number": self.resident_id(born, gender),
            "occupation": rng.choice(OCCUPATIONS) if adult else "学生",
            "address": f"{rng.choice(VILLAGES)}{rng.randint(1, 12)}组{rng.randint(1, 80)}号",
        }
        if adult:
            party["phone"] = self.phone()
        if not adult or (year < 1948 and rng.random() < 0.5):
            agent_gender = rng.choice(["male", "female"])
            party["agents"] = [{"name": party["name"][0] + self.person_name(agent_gender)[1:],
                                "kind": "statutory" if not adult else "entrusted", "phone": self.phone()}]
        elif rng.random() < 0.04:
            party["agents"] = [{"name": self.person_name(rng.choice(["male", "female"])), "kind": "entrusted",
                                "phone": self.phone()}]
        return party

    def organization(self, role: str, dtype: str) -> dict[str, Any]:
        rng = self.rng
        template = rng.choice(ORGS.get(dtype, ["{v}有限公司"]))
        return {
            "role": role, "kind": "organization", "name": template.format(v=rng.choice(ORG_WORDS)),
            "credit_code": self.credit_code(), "address": f"临翔区{rng.choice(['南塘街', '凤翔路', '旗山路', '沧江路'])}"
                                                          f"{rng.randint(1, 300)}号",
            "phone": f"0883-{rng.randint(2100000, 2199999)}",
            "representative": {"name": self.person_name(rng.choice(["male", "female"])),
                               "title": rng.choice(["总经理", "经理", "负责人", "执行董事"])},
        }

    def received(self) -> date:
        # More recent dates are more likely: triangular over the last ~2 years.
        days = int(self.rng.triangular(0, 730, 0))
        return self.today - timedelta(days=days)

    def case(self) -> dict[str, Any]:
        case = self._case()
        if self.features is not None:
            self.add_features(case, date.fromisoformat(case["received_on"]))
        return case

    def _case(self) -> dict[str, Any]:
        rng = self.rng
        dtype = rng.choices(TYPE_NAMES, TYPE_WEIGHTS)[0]
        spec = TYPES[dtype]
        received = self.received()
        age = (self.today - received).days
        parties = [self.person("applicant")]
        if dtype in ORG_SIDE and rng.random() < 0.8:
            parties.append(self.organization("respondent", dtype))
        else:
            parties.append(self.person("respondent"))
        extra = rng.random()
        if extra < 0.36:
            parties.append(self.person(rng.choice(["respondent", "third_party"])))
        if extra < 0.10:
            parties.append(self.person("third_party", adult=rng.random() > 0.3))
        if extra < 0.04:
            parties.append(self.person("applicant"))
        a, b = parties[0]["name"], parties[1]["name"]
        a_short = a[0] + "某" if parties[0]["kind"] == "person" else a
        b_short = b[0] + "某" if parties[1]["kind"] == "person" else b
        slots = {"n": rng.randint(2, 8), "m": rng.randint(3, 12), "k": round(rng.uniform(0.3, 3), 1)}
        case: dict[str, Any] = {
            "received_on": received.isoformat(),
            "source": _pick(rng, SOURCES),
            "dispute_type": dtype,
            "title": spec["title"].format(a=a_short, b=b_short),
            "summary": rng.choice(spec["summary"]).format(a=a, b=b, **slots),
            "requests": rng.sample(spec["requests"], k=min(len(spec["requests"]), rng.randint(1, 2))),
            "risk_level": rng.choices(["none", "yellow", "orange", "red"], [80, 13, 5, 2])[0],
            "mediators": [{"name": rng.choice(MEDIATORS), "role": "presiding"}],
            "recorder": rng.choice(RECORDERS),
            "parties": parties,
        }
        if rng.random() < 0.35:
            other = rng.choice([m for m in MEDIATORS if m != case["mediators"][0]["name"]])
            case["mediators"].append({"name": other, "role": "assisting"})
        status = self.status(age)
        case["status"] = status
        if status in ("registered", "not_accepted", "refused") or (status == "accepted" and age < 3):
            return case
        moment = received
        sessions: list[dict[str, Any]] = []
        for k in range(rng.randint(1, 3)):
            moment = moment + timedelta(days=rng.randint(1, 6))
            if moment > self.today:
                if sessions and (status not in ("accepted", "in_mediation") or
                                 date.fromisoformat(sessions[-1]["starts_at"][:10]) > self.today):
                    break
                if status not in ("accepted", "in_mediation"):
                    moment = self.today
            start = datetime(moment.year, moment.month, moment.day, rng.choice([9, 10, 14, 15]),
                             rng.choice([0, 30]))
            kind = "investigation" if k == 0 and rng.random() < 0.4 else "mediation"
            session = {
                "kind": kind, "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                "ends_at": (start + timedelta(minutes=rng.choice([60, 90, 120]))).strftime("%Y-%m-%dT%H:%M"),
                "place": "龙门街道调解室" if kind == "mediation" else f"{parties[0]['address'][:8]}现场",
                "present": list(range(len(parties))),
            }
            if rng.random() < 0.5:
                session["participants"] = [rng.choice(["村委会主任 陈刚", "网格员 李明", "社区民警 赵伟", "律师 孙丽"])]
            if start.date() <= self.today:
                session["record"] = ("现场查看争议地点并听取双方陈述。" if kind == "investigation" else
                                     "告知双方权利义务后，双方分别陈述。经释法说理，双方就主要问题达成初步共识。")
            sessions.append(session)
        case["sessions"] = sessions
        last = max(date.fromisoformat(s["starts_at"][:10]) for s in sessions)
        if status in ("agreed", "closed") and rng.random() < 0.85:
            case["status"] = "agreed" if status == "agreed" else "closed"
            sessions[-1]["outcome"] = "达成协议"
            self.agreement(case, parties, max(last, received), spec, a, b)
        elif status in ("terminated", "closed"):
            case["status"] = "terminated" if status == "terminated" else "closed"
            sessions[-1]["outcome"] = "调解不成"
            case["termination"] = {"on": min(last + timedelta(days=rng.randint(0, 5)), self.today).isoformat(),
                                   "reason": rng.choice(["双方分歧较大，无法达成协议", "一方当事人不同意继续调解",
                                                         "申请人撤回调解申请"]),
                                   "routes_explained": True}
        return case

    def add_features(self, case: dict[str, Any], received: date) -> None:
        """What version 2 of the exchange format adds, as a room using the application records it."""
        x = self.features
        assert x is not None
        presiding = case["mediators"][0]["name"]
        case["first_receiver"] = presiding
        level = case["risk_level"]
        if level != "none" and (level == "red" or x.random() < 0.5):
            reported = min(received + timedelta(days=0 if level == "red" else x.randint(0, 1)), self.today)
            to = x.choice(REPORTED_TO) if level != "yellow" else "龙门街道综治中心"
            case["risk_reported_to"], case["risk_reported_on"] = to, reported.isoformat()
            at = f"{reported.isoformat()}T{x.choice([10, 11, 15, 16])}:{x.choice(['00', '30'])}"
            case["risk_changes"] = [{"from_level": "none", "to_level": level, "reported_to": to, "reported_at": at,
                                     "note": "当事人情绪激动，矛盾有激化苗头" if level != "yellow" else "双方多次争吵",
                                     "at": at, "actor": presiding}]
        if level == "red":
            lead, title = x.choice(LEADS)
            starts = date.fromisoformat(case["risk_reported_on"])
            case["risk_plan"] = {
                "measures": "包案领导牵头，专班每日联系双方当事人，社区民警加强巡查，防止矛盾激化；"
                            "依法依规提出化解方案，必要时引导通过诉讼解决。",
                "lead": lead, "lead_title": title, "members": f"{presiding}、网格员 李明、社区民警 赵伟",
                "starts_on": starts.isoformat(), "due_on": (starts + timedelta(days=30)).isoformat()}
        if level in ("red", "orange") or x.random() < 0.03:
            kind = x.choice(["criminal", "criminal", "suicide", "group_petition", "group_fight"])
            persons = 1 if kind in ("criminal", "suicide") else x.randint(5, 30)
            case["preventions"] = [{"kind": kind, "persons": persons, "note": "调解员及时介入，稳控双方情绪"}]
        if case["dispute_type"] in ("拖欠农民工工资纠纷", "消费纠纷", "道路交通事故纠纷", "物业纠纷") and x.random() < 0.12:
            sent = min(received + timedelta(days=x.randint(1, 5)), self.today)
            referral: dict[str, Any] = {
                "kind": "transfer", "direction": "outgoing", "from_unit": ORGANIZATION["name"],
                "to_unit": x.choice(REFERRAL_UNITS), "reason": "涉及行政监管事项，需由主管部门依职权处理",
                "actions_taken": "已听取双方陈述并开展初步调解", "contact": f"{presiding} 0883-2123456",
                "sent_on": sent.isoformat()}
            answered = sent + timedelta(days=x.randint(5, 12))
            if answered <= self.today and x.random() < 0.5:
                referral["answer"], referral["answered_on"] = "已受理并依法处理，处理结果已告知当事人", answered.isoformat()
            case["referrals"] = [referral]
        agreement = case.get("agreement")
        visits = [v for v in case.get("follow_ups", []) if "done_on" in v]
        if agreement and visits and all(t["status"] == "performed" for t in agreement["terms"]):
            closed = max(date.fromisoformat(v["done_on"]) for v in visits)
            events = [{"action": "cross_off", "on": closed.isoformat(), "note": "协议已全部履行，回访无新的风险",
                       "at": f"{closed.isoformat()}T16:30", "actor": presiding}]
            again = closed + timedelta(days=21)
            if not self.reopened and again <= self.today - timedelta(days=30):
                self.reopened = True
                events.append({"action": "reopen", "on": again.isoformat(), "note": "双方再起争执，重新挂号化解",
                               "at": f"{again.isoformat()}T10:00", "actor": presiding})
            else:
                case["ledger_closed_on"] = closed.isoformat()
            case["ledger_events"] = events
        termination = case.get("termination")
        if termination:
            termination["reason_kind"] = TERMINATION_KINDS[termination["reason"]]

    def status(self, age: int) -> str:
        rng = self.rng
        if age <= 3:
            return rng.choice(["registered", "accepted", "in_mediation"])
        if age <= 30:
            return rng.choices(["accepted", "in_mediation", "agreed", "terminated", "not_accepted", "refused"],
                               [10, 35, 40, 10, 3, 2])[0]
        return rng.choices(["agreed", "terminated", "closed", "not_accepted", "refused", "in_mediation"],
                           [30, 8, 55, 3, 2, 2])[0]

    def agreement(self, case: dict[str, Any], parties: list[dict[str, Any]], last: date,
                  spec: dict[str, Any], a: str, b: str) -> None:
        rng = self.rng
        signed = min(last, self.today)
        oral = rng.random() < 0.12
        terms = []
        for text, kind in spec["terms"][: rng.randint(1, len(spec["terms"]))]:
            due = signed + timedelta(days=rng.choice([7, 10, 15, 20, 30, 45]))
            term: dict[str, Any] = {"text": text.format(a=a, b=b, d=f"{due.year}年{due.month}月{due.day}日"),
                                    "obligor": 1, "obligee": 0, "due_on": due.isoformat()}
            if kind == "amount":
                term["amount"] = f"{rng.choice([800, 1500, 2000, 3800, 5000, 8000, 12000, 26500, 40000])}.00"
                term["method"] = rng.choice(["银行转账", "现金当面支付", "微信转账"])
            else:
                term["method"] = "自行履行"
                term["place"] = parties[0]["address"]
            term["status"] = ("pending" if due > self.today else
                              rng.choices(["performed", "partly_performed", "not_performed"], [85, 10, 5])[0])
            terms.append(term)
        case["agreement"] = {
            "form": "oral" if oral else "written",
            "facts": case["summary"],
            "responsibilities": f"{b}对纠纷的发生负主要责任。",
            "terms": terms,
            "signed_on": signed.isoformat(),
        }
        due = signed + timedelta(days=30)
        if due <= self.today + timedelta(days=30) and rng.random() < 0.7:
            visits = []
            for idx in range(min(2, len(parties))):
                visit: dict[str, Any] = {"party": idx, "due_on": due.isoformat()}
                if due <= self.today:
                    done = due - timedelta(days=rng.randint(0, 3))
                    visit.update({
                        "done_on": done.isoformat(), "method": rng.choice(["phone", "visit", "phone", "video"]),
                        "performance": "performed" if all(t["status"] == "performed" for t in terms) else "partly_performed",
                        "satisfaction": rng.choices(["satisfied", "basically_satisfied", "dissatisfied"], [80, 17, 3])[0],
                        "new_risk": False, "notes": "当事人表示协议已按约履行，邻里关系恢复正常。",
                        "visitor": case["mediators"][0]["name"]})
                visits.append(visit)
            case["follow_ups"] = visits
        if not oral and rng.random() < 0.08:
            filed = signed + timedelta(days=rng.randint(1, 20))
            if filed <= self.today:
                jc: dict[str, Any] = {"court": COURT, "filed_on": filed.isoformat(),
                                      "court_case_number": f"（{filed.year}）云0902民特{rng.randint(1, 400)}号"}
                ruled = filed + timedelta(days=rng.randint(5, 15))
                if ruled <= self.today:
                    jc.update({"result": "confirmed", "ruled_on": ruled.isoformat()})
                else:
                    jc["result"] = "pending"
                case["judicial_confirmation"] = jc


def iter_cases(n_cases: int, seed: int = 2026, *, today: date = date(2026, 11, 22),
               features: bool = False) -> Iterator[dict[str, Any]]:
    """``features``: also what version 2 of the exchange format carries (the demo)."""
    gen = _Gen(seed, today, features)
    for _ in range(n_cases):
        yield gen.case()


def generate_document(n_cases: int, seed: int = 2026, *, today: date = date(2026, 11, 22),
                      organization: dict[str, Any] | None = None, with_codes: bool = False,
                      features: bool = False) -> dict[str, Any]:
    org = dict(organization or ORGANIZATION)
    cases = list(iter_cases(n_cases, seed, today=today, features=features))
    if with_codes:
        counters: dict[int, int] = {}
        for case in sorted(cases, key=lambda c: c["received_on"]):
            year = int(case["received_on"][:4])
            counters[year] = counters.get(year, 0) + 1
            case["code"] = f"（{year}）{org.get('short_name', '调')}人调字第{counters[year]}号"
    return {"format": "mediator-desktop/case-exchange", "version": 2 if features else 1, "organization": org,
            "cases": cases}

"""The case-exchange JSON Schema and its validator (shared/spec/case-exchange.md, version 1).

No database here: documents in, problems (JSON path + Chinese message) out.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import FrozenInstanceError
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mediator_desktop.exchange.validate import (
    SCHEMA,
    Problem,
    load_document,
    path_sort_key,
    schema_path,
    validate_document,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLES = SHARED / "samples" / "sample-cases.json"
SPEC = SHARED / "spec" / "case-exchange.md"
SPEC_EXAMPLE = Path(__file__).resolve().parent / "data" / "spec_example.json"

Doc = dict[str, Any]


def sample() -> Doc:
    assert SAMPLES.exists(), f"shared samples missing at {SAMPLES}"
    return json.loads(SAMPLES.read_text(encoding="utf-8"))


def spec_example() -> Doc:
    return json.loads(SPEC_EXAMPLE.read_text(encoding="utf-8"))


def minimal() -> Doc:
    return {
        "format": "mediator-desktop/case-exchange",
        "version": 1,
        "organization": {"name": "龙门街道人民调解委员会"},
        "cases": [{"received_on": "2026-10-08", "source": "party_application",
                   "dispute_type": "邻里纠纷", "summary": "相邻通行纠纷"}],
    }


def paths(problems: list[Problem]) -> list[str]:
    return [p.path for p in problems]


def message_at(problems: list[Problem], path: str) -> str:
    found = [p.message for p in problems if p.path == path]
    assert found, f"no problem at {path}: {problems}"
    return " / ".join(found)


# -- the schema itself ---------------------------------------------------------------------------

def walk_schema(node: Any, at: str = "#") -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        out.append((at, node))
        for key, value in node.items():
            out.extend(walk_schema(value, f"{at}/{key}"))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.extend(walk_schema(value, f"{at}/{i}"))
    return out


def test_schema_is_draft_2020_12_and_strict() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)
    assert json.loads(schema_path().read_text(encoding="utf-8")) == SCHEMA
    objects = [(at, node) for at, node in walk_schema(SCHEMA) if node.get("type") == "object"]
    assert len(objects) == 13  # the document and the twelve kinds of object in it
    for at, node in objects:
        assert node.get("additionalProperties") is False, at
        for key, prop in node["properties"].items():
            label = prop.get("title") or SCHEMA["$defs"][prop["$ref"].rsplit("/", 1)[-1]]["title"]
            assert re.search(r"[\u4e00-\u9fff]", label), f"{at}/{key} has no Chinese label"


def test_required_fields_are_exactly_the_ones_the_spec_marks() -> None:
    defs = SCHEMA["$defs"]
    assert SCHEMA["required"] == ["format", "version", "organization", "cases"]
    assert defs["organization"]["required"] == ["name"]
    assert defs["case"]["required"] == ["received_on", "source", "dispute_type", "summary"]
    assert defs["party"]["required"] == ["role", "kind", "name"]
    assert defs["session"]["required"] == ["starts_at"]
    assert defs["term"]["required"] == ["text"]
    for name in ("follow_up", "agreement", "termination", "judicial_confirmation", "representative"):
        assert "required" not in defs[name], name
    assert SCHEMA["properties"]["format"]["const"] == "mediator-desktop/case-exchange"
    assert SCHEMA["properties"]["version"]["const"] == 1
    assert defs["date"]["pattern"] == r"^\d{4}-\d{2}-\d{2}$"
    assert defs["datetime"]["pattern"] == r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"
    assert defs["amount"] == {**defs["amount"], "type": "string", "pattern": r"^\d{1,12}\.\d{2}$"}


def spec_block() -> Doc:
    """The example of the spec page, its // comments removed."""
    assert SPEC.exists(), f"spec missing at {SPEC}"
    match = re.search(r"```json\n(.*?)```", SPEC.read_text(encoding="utf-8"), re.DOTALL)
    assert match
    return json.loads(re.sub(r"//[^\n]*", "", match.group(1)))


def shapes(node: Any, at: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            out.add(at + (key,))
            out |= shapes(value, at + (key,))
    elif isinstance(node, list):
        for value in node:
            out |= shapes(value, at + ("[]",))
    return out


def test_the_spec_example_validates_and_covers_every_field_of_the_spec() -> None:
    assert validate_document(spec_example()) == []
    # tests/data/spec_example.json is the spec's example with real values: the same fields.
    assert shapes(spec_example()) == shapes(spec_block())
    # Every enumeration value the spec lists is accepted where the spec lists it.
    md = SPEC.read_text(encoding="utf-8")
    for word in ("committee_initiative", "court_delegated", "court_entrusted", "police_referred",
                 "petition_referred", "grid_reported", "other_referred", "third_party",
                 "foreign_permanent_resident", "hk_macao_taiwan_permit", "statutory", "investigation",
                 "partly_performed", "not_due", "basically_satisfied", "withdrawn", "studio", "oral"):
        assert word in md and word in json.dumps(SCHEMA), word


def test_the_shared_sample_validates() -> None:
    assert validate_document(sample()) == []


def test_optional_fields_may_be_absent() -> None:
    doc = minimal()
    assert validate_document(doc) == []
    doc["cases"] = []
    assert validate_document(doc) == []
    doc = minimal()
    case = doc["cases"][0]
    case["parties"] = [{"role": "applicant", "kind": "person", "name": "张三"}]
    case["sessions"] = [{"starts_at": "2026-10-10T09:30"}]
    case["agreement"] = {"terms": [{"text": "双方互不追究"}]}
    case["termination"] = {}
    case["follow_ups"] = [{}]
    case["judicial_confirmation"] = {}
    case["parties"][0]["representative"] = {}
    assert validate_document(doc) == []


@pytest.mark.parametrize("amount", ["0.00", "3800.00", "123456789012.99"])
def test_good_amounts(amount: str) -> None:
    doc = sample()
    doc["cases"][0]["agreement"]["terms"][1]["amount"] = amount
    assert validate_document(doc) == []


# -- the catalogue of bad documents --------------------------------------------------------------

def case0(doc: Doc) -> Doc:
    return doc["cases"][0]


def term(doc: Doc, k: int = 1) -> Doc:
    return doc["cases"][0]["agreement"]["terms"][k]


def set_in(getter: Callable[[Doc], Any], key: str | int, value: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        getter(doc)[key] = value
    return mutate


def rename_name(doc: Doc) -> None:
    party = case0(doc)["parties"][0]
    party["nmae"] = party.pop("name")


def drop(getter: Callable[[Doc], Any], key: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        del getter(doc)[key]
    return mutate


def duplicate_code(doc: Doc) -> None:
    doc["cases"][0]["code"] = doc["cases"][1]["code"] = "（2026）忙畔人调字第3号"


def same_mediator_twice(doc: Doc) -> None:
    case0(doc)["mediators"][1]["name"] = "李树军"


T = "$.cases[0].agreement.terms[1]"
S = "$.cases[0].sessions[0]"
P = "$.cases[0].parties[0]"

CATALOGUE: list[tuple[str, Callable[[Doc], None], dict[str, list[str]]]] = [
    ("typo added", set_in(lambda d: case0(d)["parties"][0], "nmae", "周国华"),
     {f"{P}.nmae": ["未知字段“nmae”", "请检查拼写", "“name”"]}),
    ("typo instead of the field", rename_name,
     {f"{P}.name": ["缺少必填字段", "“姓名或名称”(name)"], f"{P}.nmae": ["未知字段“nmae”"]}),
    ("unknown field at the root", set_in(lambda d: d, "comment", "x"),
     {"$.comment": ["未知字段“comment”"]}),
    ("unknown field in the organisation", set_in(lambda d: d["organization"], "fax", "x"),
     {"$.organization.fax": ["未知字段“fax”"]}),
    ("missing summary", drop(case0, "summary"),
     {"$.cases[0].summary": ["缺少必填字段“纠纷简要情况”(summary)"]}),
    ("missing organisation name", drop(lambda d: d["organization"], "name"),
     {"$.organization.name": ["缺少必填字段", "(name)"]}),
    ("missing starts_at", drop(lambda d: case0(d)["sessions"][0], "starts_at"),
     {f"{S}.starts_at": ["缺少必填字段“开始时间”(starts_at)"]}),
    ("missing term text", drop(term, "text"),
     {f"{T}.text": ["缺少必填字段", "(text)"]}),
    ("bad source", set_in(case0, "source", "court"),
     {"$.cases[0].source": ["(source)", "“court”", "不在允许范围", "party_application、committee_initiative"]}),
    ("bad party role", set_in(lambda d: case0(d)["parties"][0], "role", "plaintiff"),
     {f"{P}.role": ["不在允许范围", "applicant、respondent、third_party"]}),
    ("bad follow-up method", set_in(case0, "follow_ups", [{"method": "wechat"}]),
     {"$.cases[0].follow_ups[0].method": ["“wechat”", "visit、phone、video、other"]}),
    ("wrong version", set_in(lambda d: d, "version", 3),  # 2 is version 2 since issue 14
     {"$.version": ["格式版本", "第1版"]}),
    ("wrong format", set_in(lambda d: d, "format", "other/format"),
     {"$.format": ["mediator-desktop/case-exchange"]}),
    ("amount as a float", set_in(term, "amount", 12000.0),
     {f"{T}.amount": ['金额应为带两位小数的字符串，如 "12000.00"', "12000.0"]}),
    ("amount without decimals", set_in(term, "amount", "12000"),
     {f"{T}.amount": ['金额应为带两位小数的字符串，如 "12000.00"', '"12000"']}),
    ("amount with 13 digits", set_in(term, "amount", "1234567890123.00"),
     {f"{T}.amount": ["金额应为带两位小数的字符串"]}),
    ("amount with full-width digits", set_in(term, "amount", "３８００.００"),
     {f"{T}.amount": ["金额应为带两位小数的字符串", "半角数字"]}),
    ("February 30th", set_in(case0, "received_on", "2026-02-30"),
     {"$.cases[0].received_on": ["“受理日期”(received_on)", "“2026-02-30”不是存在的日期"]}),
    ("month 13", set_in(lambda d: case0(d)["parties"][1], "birth_date", "1988-13-09"),
     {"$.cases[0].parties[1].birth_date": ["出生日期", "不是存在的日期"]}),
    ("date with slashes", set_in(case0, "received_on", "2026/10/12"),
     {"$.cases[0].received_on": ["日期应为 YYYY-MM-DD 格式"]}),
    ("date with a trailing newline", set_in(case0, "received_on", "2026-10-12\n"),
     {"$.cases[0].received_on": ["日期应为 YYYY-MM-DD 格式"]}),
    ("date as a number", set_in(term, "due_on", 20261115),
     {f"{T}.due_on": ["履行期限", "日期应为 YYYY-MM-DD 格式"]}),
    ("hour 24", set_in(lambda d: case0(d)["sessions"][0], "starts_at", "2026-10-13T24:00"),
     {f"{S}.starts_at": ["不是有效的时间", "00–23"]}),
    ("minute 60", set_in(lambda d: case0(d)["sessions"][0], "ends_at", "2026-10-13T16:60"),
     {f"{S}.ends_at": ["不是有效的时间", "00–59"]}),
    ("date-time without T", set_in(lambda d: case0(d)["sessions"][0], "starts_at", "2026-10-13 15:00"),
     {f"{S}.starts_at": ["YYYY-MM-DDTHH:MM"]}),
    ("ends before it starts", set_in(lambda d: case0(d)["sessions"][0], "ends_at", "2026-10-13T14:59"),
     {f"{S}.ends_at": ["早于", "开始时间"]}),
    ("obligor 5 with 2 parties", set_in(term, "obligor", 5),
     {f"{T}.obligor": ["当事人序号 5 超出范围", "只有2位当事人"]}),
    ("present 5 with 2 parties", set_in(lambda d: case0(d)["sessions"][0], "present", [0, 5]),
     {f"{S}.present[1]": ["到场当事人", "超出范围"]}),
    ("present twice", set_in(lambda d: case0(d)["sessions"][0], "present", [1, 1]),
     {f"{S}.present": ["重复"]}),
    ("follow-up party 2 with 2 parties", set_in(case0, "follow_ups", [{"party": 2}]),
     {"$.cases[0].follow_ups[0].party": ["回访对象", "超出范围"]}),
    ("negative reference", set_in(term, "obligee", -1),
     {f"{T}.obligee": ["权利人", "负数"]}),
    ("reference as a string", set_in(term, "obligee", "0"),
     {f"{T}.obligee": ["当事人序号"]}),
    ("reference written 1.0", set_in(term, "obligor", 1.0),
     {f"{T}.obligor": ["整数"]}),
    ("obligor is the obligee", set_in(term, "obligee", 1),
     {f"{T}.obligee": ["同一位当事人", "义务人"]}),
    ("zero copies", set_in(lambda d: case0(d)["agreement"], "copies", 0),
     {"$.cases[0].agreement.copies": ["协议份数", "不能小于1"]}),
    ("copies written 3.0", set_in(lambda d: case0(d)["agreement"], "copies", 3.0),
     {"$.cases[0].agreement.copies": ["整数"]}),
    ("duplicate code", duplicate_code,
     {"$.cases[1].code": ["案号", "重复", "$.cases[0].code"]}),
    ("empty code", set_in(case0, "code", ""),
     {"$.cases[0].code": ["不能为空"]}),
    ("summary of spaces", set_in(case0, "summary", "   "),
     {"$.cases[0].summary": ["纠纷简要情况", "空格"]}),
    ("name too long", set_in(lambda d: case0(d)["parties"][0], "name", "张" * 201),
     {f"{P}.name": ["太长", "200"]}),
    ("same mediator twice", same_mediator_twice,
     {"$.cases[0].mediators[1].name": ["李树军", "重复"]}),
    ("requests as a string", set_in(case0, "requests", "恢复排水沟渠"),
     {"$.cases[0].requests": ["当事人申请事项", "应为列表"]}),
    ("a boolean as a string", set_in(case0, "termination", {"routes_explained": "是"}),
     {"$.cases[0].termination.routes_explained": ["true 或 false"]}),
    ("NUL in a phone", set_in(lambda d: case0(d)["parties"][0], "phone", "139\x0008830001"),
     {f"{P}.phone": ["联系电话", "无法保存的字符"]}),
    ("a case that is not an object", set_in(lambda d: d["cases"], 1, "第二件"),
     {"$.cases[1]": ["案件", "应为对象"]}),
    ("an empty case", set_in(lambda d: d["cases"], 1, {}),
     {"$.cases[1].dispute_type": ["缺少必填字段"], "$.cases[1].received_on": ["缺少必填字段"],
      "$.cases[1].source": ["缺少必填字段"], "$.cases[1].summary": ["缺少必填字段"]}),
]


@pytest.mark.parametrize(("mutate", "expected"), [(m, e) for _, m, e in CATALOGUE],
                         ids=[name for name, _, _ in CATALOGUE])
def test_bad_document(mutate: Callable[[Doc], None], expected: dict[str, list[str]]) -> None:
    doc = sample()
    mutate(doc)
    problems = validate_document(doc)
    assert sorted(set(paths(problems))) == sorted(expected), problems
    for path, words in expected.items():
        message = message_at(problems, path)
        for word in words:
            assert word in message, (path, word, message)
    for problem in problems:
        assert re.search(r"[\u4e00-\u9fff]", problem.message), problem


@pytest.mark.parametrize(("mutate", "expected"), [(m, e) for _, m, e in CATALOGUE],
                         ids=[name for name, _, _ in CATALOGUE])
def test_every_schema_error_is_reported(mutate: Callable[[Doc], None], expected: dict[str, list[str]]) -> None:
    """The validator's shortcuts (a compiled pre-check, cases checked one by one) lose nothing
    that the plain jsonschema validator finds."""
    doc = sample()
    mutate(doc)
    reported = set(paths(validate_document(doc)))
    for error in Draft202012Validator(SCHEMA).iter_errors(doc):
        if error.validator in ("required", "additionalProperties"):
            continue  # reported at the field's own path
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        assert path in reported, (path, error.message)


def test_many_problems_at_once_all_listed_in_path_order() -> None:
    doc = sample()
    for _ in range(11):  # cases[10] must sort after cases[2]
        doc["cases"].append(copy.deepcopy(doc["cases"][1]))
    case0(doc)["parties"][0]["nmae"] = "周国华"
    del case0(doc)["summary"]
    case0(doc)["source"] = "court"
    term(doc)["amount"] = 12000.0
    term(doc, 0)["obligor"] = 5
    doc["cases"][2]["received_on"] = "2026-02-30"
    doc["cases"][10]["sessions"][0]["ends_at"] = "2026-11-25T14:00"
    doc["organization"]["kind"] = "office"
    doc["extra"] = True
    problems = validate_document(doc)
    assert paths(problems) == [
        "$.cases[0].agreement.terms[0].obligor",
        "$.cases[0].agreement.terms[1].amount",
        "$.cases[0].parties[0].nmae",
        "$.cases[0].source",
        "$.cases[0].summary",
        "$.cases[2].received_on",
        "$.cases[10].sessions[0].ends_at",
        "$.extra",
        "$.organization.kind",
    ]
    assert "超出范围" in problems[0].message
    assert "金额应为带两位小数的字符串" in problems[1].message
    assert "未知字段“nmae”" in problems[2].message
    assert "不在允许范围" in problems[3].message
    assert "纠纷简要情况" in problems[4].message
    assert "不是存在的日期" in problems[5].message
    assert "早于" in problems[6].message
    assert "未知字段“extra”" in problems[7].message
    assert "committee、studio" in problems[8].message


@pytest.mark.parametrize(("doc", "expected"), [
    (None, ["$"]),
    ([], ["$"]),
    ("x", ["$"]),
    (5, ["$"]),
    ({}, ["$.cases", "$.format", "$.organization", "$.version"]),
    ({"cases": "x"}, ["$.cases", "$.format", "$.organization", "$.version"]),
    ({"format": "mediator-desktop/case-exchange", "version": 1, "organization": "龙门", "cases": [None, 1, []]},
     ["$.cases[0]", "$.cases[1]", "$.cases[2]", "$.organization"]),
    ({"format": "mediator-desktop/case-exchange", "version": 1, "organization": {"name": "x"},
      "cases": [{"received_on": "2026-10-08", "source": "other_referred", "dispute_type": "其他纠纷",
                 "summary": "x", "parties": "张三", "sessions": [{"starts_at": "2026-10-08T09:00", "present": [3]}],
                 "agreement": {"terms": [{"text": "x", "obligor": 0}]}, "follow_ups": [None]}]},
     # parties is not a list: its references cannot be checked (and are not guessed at)
     ["$.cases[0].follow_ups[0]", "$.cases[0].parties"]),
])
def test_garbage_gives_problems_not_exceptions(doc: object, expected: list[str]) -> None:
    problems = validate_document(doc)
    assert paths(problems) == expected
    assert all(p.message for p in problems)


def test_references_without_parties_are_out_of_range() -> None:
    doc = minimal()
    doc["cases"][0]["follow_ups"] = [{"party": 0}]
    problems = validate_document(doc)
    assert paths(problems) == ["$.cases[0].follow_ups[0].party"]
    assert "没有当事人" in problems[0].message


def test_odd_keys_are_quoted_in_paths() -> None:
    doc = minimal()
    doc["cases"][0]["纠纷 类型"] = "x"
    doc["cases"][0]["类型"] = "x"
    problems = validate_document(doc)
    assert paths(problems) == ["$.cases[0].类型", '$.cases[0]["纠纷 类型"]']


def test_problem_is_frozen_and_paths_sort_naturally() -> None:
    problem = Problem("$.cases[0].code", "x")
    with pytest.raises(FrozenInstanceError):
        problem.path = "$"  # type: ignore[misc]
    unsorted = ["$.version", "$.cases[10].code", "$.cases[2].parties[1].name", "$", "$.cases[2].code"]
    assert sorted(unsorted, key=path_sort_key) == [
        "$", "$.cases[2].code", "$.cases[2].parties[1].name", "$.cases[10].code", "$.version"]


# -- loading text ------------------------------------------------------------------------------

def test_load_utf8_with_and_without_bom() -> None:
    raw = SAMPLES.read_bytes()
    for data in (raw, b"\xef\xbb\xbf" + raw, raw.decode("utf-8"), "\ufeff" + raw.decode("utf-8")):
        doc, problems = load_document(data)
        assert problems == []
        assert doc == sample()
        assert validate_document(doc) == []


def test_syntax_error_gives_line_and_column() -> None:
    text = '{\n  "format": "mediator-desktop/case-exchange",\n  "version": 1 "organization": {}\n}'
    doc, problems = load_document(text)
    assert doc is None
    assert paths(problems) == ["$"]
    assert problems[0].message.startswith("第3行第16列：JSON 格式错误：")
    assert "逗号" in problems[0].message


def test_trailing_comma_and_bom_keep_line_numbers() -> None:
    data = '\ufeff{"format": "mediator-desktop/case-exchange",\n "version": 2,}'.encode("utf-8")
    doc, problems = load_document(data)
    assert doc is None
    assert problems[0].message.startswith("第2行第15列：JSON 格式错误：")
    assert "最后一项后面不能有逗号" in problems[0].message


@pytest.mark.parametrize(("data", "words"), [
    (b"", ["空的"]),
    ("  \n", ["空的"]),
    ('{"a": 1}\n{"b": 2}', ["第2行第1列", "多余的内容"]),
    ('{"name": "张三}', ["第1行第10列", "双引号"]),
    ('{"amount": NaN}', ["第1行第12列", "NaN"]),
    ('{"text": "NaN", "copies": -Infinity}', ["第1行第27列", "-Infinity"]),
    ("{“name”: 1}", ["第1行第2列", "双引号"]),
    ('{"summary": "纠纷"}'.encode("gbk"), ["UTF-8", "GBK"]),
    ('{"summary": "纠纷"}'.encode("utf-16"), ["UTF-16"]),
    ("[" * 100000 + "]" * 100000, ["嵌套"]),
])
def test_unreadable_text(data: str | bytes, words: list[str]) -> None:
    doc, problems = load_document(data)
    assert doc is None
    assert len(problems) == 1 and problems[0].path == "$"
    for word in words:
        assert word in problems[0].message, (word, problems[0].message)


def test_repeated_key_is_refused_not_silently_dropped() -> None:
    text = SAMPLES.read_text(encoding="utf-8").replace('"name": "周国华",', '"name": "周国华", "name": "周华",', 1)
    doc, problems = load_document(text)
    assert doc is None
    assert paths(problems) == ["$.cases[0].parties[0].name"]
    assert "出现了不止一次" in problems[0].message


def test_load_then_validate_reports_bad_dates_after_parsing() -> None:
    text = SAMPLES.read_text(encoding="utf-8").replace('"received_on": "2026-10-12"', '"received_on": "2026-02-30"')
    doc, problems = load_document(text)
    assert problems == []
    assert paths(validate_document(doc)) == ["$.cases[0].received_on"]

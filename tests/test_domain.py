"""Domain rules of LEGAL.md §1–§2, without Qt or a database."""

from __future__ import annotations

from datetime import date

import pytest

from mediator_desktop.domain import codes, states
from mediator_desktop.domain.identity import (
    check_credit_code,
    check_id_number,
    check_resident_id,
    credit_code_check_char,
    mask_id_number,
    mask_phone,
    resident_id_check_char,
    validate_phone,
)
from mediator_desktop.domain.pinyin import name_search_keys, text_search_keys
from mediator_desktop.domain.search import char_tokens, short_term_query


@pytest.mark.parametrize("number, birth, gender", [
    ("11010519491231002X", date(1949, 12, 31), "female"),
    ("440524188001010014", date(1880, 1, 1), "male"),
    ("11010519491231002x", date(1949, 12, 31), "female"),  # lower-case x accepted
])
def test_valid_resident_ids(number, birth, gender) -> None:
    check = check_resident_id(number)
    assert check.ok and check.error is None
    assert check.normalized == number.upper()
    assert (check.birth_date, check.gender) == (birth, gender)


@pytest.mark.parametrize("number, word", [
    ("110105194912310021", "校验"),     # wrong check character
    ("110105194902300028", "出生日期"),  # 1949-02-30 does not exist
    ("1101051949123100", "18"),          # too short
    ("11010519491231002Y", "X"),         # a letter other than X
])
def test_invalid_resident_ids_say_why(number, word) -> None:
    check = check_resident_id(number)
    assert not check.ok and word in (check.error or "")


def test_future_birth_date_is_refused() -> None:
    first17 = "11010520991231002"
    assert not check_resident_id(first17 + resident_id_check_char(first17), today=date(2026, 11, 22)).ok


def test_legacy_15_digit_number_passes_with_a_warning() -> None:
    check = check_resident_id("110105491231002")
    assert check.ok and check.warning and check.birth_date == date(1949, 12, 31)


def test_foreign_permanent_residence_card_uses_the_same_check() -> None:
    first17 = "93310019900101123"
    number = first17 + resident_id_check_char(first17)
    assert check_id_number("foreign_permanent_resident", number).ok
    assert check_id_number("passport", "E12345678").ok  # no check digit for passports


@pytest.mark.parametrize("code, ok", [
    ("91512081MA62K0260E", True), ("11320000MB151840XJ", True), ("91350100M000100Y4Z", False),
])
def test_credit_codes_warn_but_never_raise(code, ok) -> None:
    check = check_credit_code(code)
    assert check.ok is ok
    if not ok:
        assert check.warning
    assert credit_code_check_char("91512081MA62K0260") == "E"


def test_masking() -> None:
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("0883-2100000") == "0883-***0000"
    assert mask_id_number("") == mask_phone(None) == ""


@pytest.mark.parametrize("phone, ok", [
    ("13800001234", True), ("0883-2100000", True), ("+852-91234567", True),
    ("1380000", False), ("abc", False), ("123", False),
])
def test_phone_check(phone, ok) -> None:
    assert (validate_phone(phone) is None) is ok


def test_pinyin_keys_read_names_as_names() -> None:
    assert name_search_keys("张三").split()[:2] == ["zhangsan", "zs"]
    assert name_search_keys("单田芳").startswith("shantianfang stf")
    assert name_search_keys("曾国藩").startswith("zengguofan zgf")
    assert name_search_keys("尉迟恭").startswith("yuchigong ycg")
    assert "𠮷" in name_search_keys("𠮷田𫖮")  # unreadable characters stay as themselves
    assert text_search_keys("某某物业").startswith("moumouwuye mmwy")


def test_character_tokens_for_short_searches() -> None:
    assert char_tokens("（2026）龙门第12号 张三 zs") == "2026 龙 门 第 12 号 张 三 zs"
    assert short_term_query("张三") == '"张 三"'
    assert short_term_query("zs") == '"zs"*'


def test_case_code_patterns() -> None:
    assert codes.format_code(codes.DEFAULT_PATTERN, year=2026, short_name="龙门", n=12) == "（2026）龙门人调字第12号"
    assert codes.parse_code(codes.DEFAULT_PATTERN, "龙门", "（2026）龙门人调字第12号") == (2026, 12)
    assert codes.parse_code(codes.DEFAULT_PATTERN, "龙门", "（2026）别处人调字第12号") is None
    assert codes.pattern_problem("{short_name}第{N}号") and "{year}" in codes.pattern_problem("{short_name}第{N}号")
    assert codes.pattern_problem("（{year}）{x}第{N}号")
    assert codes.pattern_problem(codes.DEFAULT_PATTERN) is None
    # The plain choices offered at first run and in 设置: each a valid pattern whose codes read back,
    # described without placeholders; the default is the first.
    assert codes.PRESETS[0][1] == codes.DEFAULT_PATTERN
    for words, pattern in codes.PRESETS:
        assert "{" not in words and codes.pattern_problem(pattern) is None
        code = codes.format_code(pattern, year=2026, short_name="龙门", n=7)
        assert codes.parse_code(pattern, "龙门", code) == (2026, 7)
    assert [codes.format_code(p, year=2026, short_name="龙门", n=1) for _w, p in codes.PRESETS] == [
        "（2026）龙门人调字第1号", "（2026）龙门人调字第001号", "〔2026〕龙门人调字第1号", "〔2026〕龙门人调字第001号"]


def test_state_rules() -> None:
    assert states.can_transition("registered", "accepted")
    assert not states.can_transition("registered", "agreed")
    assert "不能直接" in states.transition_problem("registered", "agreed")
    assert "已归档" in states.transition_problem("closed", "accepted")


def test_legal_periods_count_chinese_working_days() -> None:
    from mediator_desktop.domain.workdays import is_working_day, period_end

    # LEGAL.md §6: effective 2026-09-01 → day 30 is National Day → 2026-10-08.
    assert period_end(date(2026, 9, 1), 30).due == date(2026, 10, 8)
    assert is_working_day(date(2026, 10, 10)) == (True, False)       # make-up Saturday
    assert is_working_day(date(2026, 10, 3)) == (False, False)
    # A last day on a weekend moves to Monday.
    assert period_end(date(2026, 10, 16), 30).due == date(2026, 11, 16)
    # A year not yet published: weekends and fixed holidays, flagged provisional; no crash.
    late = period_end(date(2026, 12, 2), 30)
    assert late.due == date(2027, 1, 4) and late.provisional
    assert "暂定" in late.text()
    assert is_working_day(date(2027, 1, 1), {date(2027, 1, 1): False}) == (False, False)


def test_judicial_confirmation_courts_and_refused_subjects() -> None:
    from mediator_desktop.domain.judicial import basic_court, court_proposals, refused_subjects

    assert basic_court("云南省临沧市临翔区忙畔街道综治中心") == "临沧市临翔区人民法院"
    assert basic_court("甘肃省张掖市甘州区某村") == "张掖市甘州区人民法院"
    assert basic_court("四川省某某县龙门街道") == "某某县人民法院"
    assert basic_court("龙门街道综治中心") is None
    case = {"source": "court_delegated", "dispute_type": "邻里纠纷",
            "parties": [{"name": "甲", "address": "临翔区忙畔街道"}, {"name": "乙", "address": "临翔区南屏街"}]}
    proposals = court_proposals(case, "云南省临沧市临翔区忙畔街道")
    assert [p.court for p in proposals] == ["", "临翔区人民法院", "临沧市临翔区人民法院"]
    assert proposals[0].reason.startswith("委派")
    assert refused_subjects(case) == []
    assert refused_subjects({"dispute_type": "婚姻家庭纠纷", "agreement": {
        "terms": [{"text": "双方同意解除婚姻关系"}, {"text": "确认房屋所有权归甲方"}]}}) == ["婚姻等身份关系", "物权的权属"]

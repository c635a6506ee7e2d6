"""Chinese numerals in documents (domain/text.py), checked against cn2an — the library they
were read from before it cost every start 0.3 s of imports."""

from __future__ import annotations

import random
from decimal import Decimal

import cn2an

from mediator_desktop.domain.text import amount_text, amount_upper, clause_number


def test_clause_numbers_read_as_cn2an_reads_them() -> None:
    for n in range(1, 20001):
        assert clause_number(n) == cn2an.an2cn(n), n
    for n in (100_000, 1_000_010_000, 1_000_000_001, 123_456_789_012):
        assert clause_number(n) == cn2an.an2cn(n), n


def test_amounts_in_capitals_match_cn2an_rmb_mode() -> None:
    rnd = random.Random(2026)
    values = [Decimal(f"{w}.{c:02d}") for w in (0, 1, 10, 100, 1000, 10000, 100000, 1000000, 10**8, 10**12)
              for c in (0, 1, 5, 10, 50, 99)]
    values += [Decimal(rnd.randrange(0, 10 ** rnd.randint(1, 14))) / 100 for _ in range(20000)]
    values += [Decimal(rnd.choice(["1", "10", "101", "1001", "10010", "100100", "1000001"])
                       + "0" * rnd.randint(0, 5)) + Decimal(rnd.randrange(0, 100)) / 100 for _ in range(5000)]
    for v in values:
        if v == 0:
            continue
        assert amount_upper(v) == cn2an.an2cn(f"{v:.2f}", "rmb"), v


def test_the_amounts_an_agreement_prints() -> None:
    assert amount_upper(0) == "零元整"
    assert amount_upper("12000") == "壹万贰仟元整"
    assert amount_upper("1001.01") == "壹仟零壹元零壹分"
    assert amount_upper("100010000") == "壹亿零壹万元整"
    assert amount_upper("3.5") == "叁元伍角"
    assert amount_upper("0.05") == "伍分"
    assert amount_text("86500") == "人民币捌万陆仟伍佰元整（¥86,500.00）"
    assert [clause_number(n) for n in (1, 10, 11, 20, 21, 100, 110)] == ["一", "十", "十一", "二十", "二十一",
                                                                         "一百", "一百一十"]

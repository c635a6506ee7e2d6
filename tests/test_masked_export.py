"""``export --masked`` cannot be undone (issue 17, Privacy).

The attack: a masked export once hid ID digits 7–14 (the birth date) while ``birth_date`` stood
in full beside it, so every ID was rebuilt. Here the sample cases (with ID and phone numbers
typed into every kind of free text) and demo cases go out through the real CLI with
``--masked``; a rebuild script then uses everything the file says to list the IDs that fit
each mask, and must find a great many for every one.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mediator_desktop import cli
from mediator_desktop.domain.identity import (
    mask_text,
    resident_id_check_char,
    share_id_number,
)
from mediator_desktop.exchange.validate import SCHEMAS

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

# What a mediator might type into free text: IDs (whole and spaced), mobiles (whole, spaced,
# hyphenated), a landline, a bank card — beside a case code, an amount, a date and a time.
ID_A, ID_B, ID_C = "530902197005040712", "530902198812090825", "620702196601010938"
PHONES = ["13908830001", "13908830002", "13993600003", "13993600004"]
LEAKY = (f"申请人身份证{ID_A}，手机{PHONES[0]}；被申请人身份证号 530902 19881209 0825，"
         f"电话139-0883-0002，又139 9360 0003。座机0883-2100099，银行卡6222021234567890123。"
         "依（2026）忙畔人调字第9号协议付3800.00元，2026-11-15 09:30 当面交付。"
         # typed with a Chinese input method: full-width digits; an ID in groups of four
         "另一方手机１３９９３６００００４，身份证6207 0219 6601 0109 38。")
UNTOUCHED = ("（2026）忙畔人调字第9号", "3800.00元", "2026-11-15 09:30")


def _leaky_document(samples: Path) -> dict[str, Any]:
    doc = json.loads(samples.read_text(encoding="utf-8"))
    first, second = doc["cases"]
    first["summary"] += LEAKY
    first["title"] += f"（{PHONES[0]}）"
    first["requests"] = [*first.get("requests", []), f"请联系{PHONES[1]}"]
    for x in first["sessions"]:
        x["record"] = x.get("record", "") + LEAKY
        x["place"] = x.get("place", "") + "（联系电话：2100099）"
        x["outcome"] = LEAKY
    ag = first["agreement"]
    ag["facts"] = LEAKY
    ag["responsibilities"] = f"身份证{ID_B}的一方负主要责任"
    for t in ag["terms"]:
        t["text"] += f"（收款人身份证{ID_A}，电话{PHONES[0]}）"
        t["method"] = f"转账至卡号6222021234567890123，电话{PHONES[1]}"
    first["follow_ups"] = [{"party": 0, "due_on": "2026-11-20", "done_on": "2026-11-20", "method": "phone",
                            "notes": LEAKY, "visitor": f"张三{PHONES[2]}"}]
    second["summary"] += f"代理人马小龙身份证{ID_C}，手机{PHONES[3]}"
    return doc


@pytest.fixture
def exports(tmp_path: Path, shared_samples: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, Path]:
    """(database, full export, masked export), all written through the CLI."""
    db = tmp_path / "room.sqlite3"
    source = tmp_path / "leaky.json"
    source.write_text(json.dumps(_leaky_document(shared_samples), ensure_ascii=False), encoding="utf-8")
    assert cli.main(["--db", str(db), "--create", "import", str(source)]) == 0, capsys.readouterr().err
    assert cli.main(["--db", str(db), "demo", "--count", "40", "--seed", "17"]) == 0
    full, masked = tmp_path / "full.json", tmp_path / "masked.json"
    assert cli.main(["--db", str(db), "export", "-o", str(full)]) == 0
    assert cli.main(["--db", str(db), "export", "-o", str(masked), "--masked"]) == 0
    capsys.readouterr()
    return db, full, masked


def _people(doc: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(holder, case) for every party and agent."""
    out = []
    for c in doc["cases"]:
        for p in c["parties"]:
            out.append((p, c))
            out.extend((a, c) for a in p.get("agents", []))
    return out


def _candidates(mask: str, known: dict[str, Any], region: str, file_text: str) -> int:
    """How many valid 18-character resident IDs fit ``mask`` and everything the export says.

    Generous to the attacker: the 6-digit county code is taken as known (an address gives it
    away); the birth date is the exported ``birth_date`` if any, else any day from 1900 to
    today whose digits fit the mask; the gender fixes the parity of digit 17; and any
    18-character number anywhere in the file that fits the mask is taken as the answer.
    """
    pattern = re.compile("".join("[0-9X]" if ch == "*" else re.escape(ch) for ch in mask))
    if any(pattern.fullmatch(n) for n in re.findall(r"[0-9]{17}[0-9X]", file_text)):
        return 1
    if not all(ch == "*" or ch == region[i] for i, ch in enumerate(mask[:6])):
        return 0
    days = [date.fromisoformat(known["birth_date"])] if known.get("birth_date") else _ALL_DAYS
    # Digits 15–17 (the sequence): residues of their weighted sum over the choices left open.
    parity = {"male": 1, "female": 0}.get(known.get("gender", ""))
    residues: Counter[int] = Counter()
    for seq in range(1000):
        digits = f"{seq:03d}"
        if any(m != "*" and m != d for m, d in zip(mask[14:17], digits)):
            continue
        if parity is not None and int(digits[2]) % 2 != parity:
            continue
        residues[sum(int(d) * w for d, w in zip(digits, _WEIGHTS[14:17])) % 11] += 1
    head = sum(int(d) * w for d, w in zip(region, _WEIGHTS[:6]))
    count = 0
    for day_residue, n_days in _date_residues(mask[6:14], tuple(days)).items():
        for residue, n in residues.items():
            if mask[17] in ("*", _CHECK[(head + day_residue + residue) % 11]):
                count += n_days * n
    return count


_ALL_DAYS = [date(1900, 1, 1) + timedelta(n) for n in range((date.today() - date(1900, 1, 1)).days + 1)]


@functools.lru_cache(maxsize=64)
def _date_residues(shown: str, days: tuple[date, ...]) -> Counter[int]:
    """Days whose YYYYMMDD fits the shown digits 7–14, counted by their weighted sum mod 11."""
    out: Counter[int] = Counter()
    for day in days:
        ymd = day.strftime("%Y%m%d")
        if all(m == "*" or m == d for m, d in zip(shown, ymd)):
            out[sum(int(d) * w for d, w in zip(ymd, _WEIGHTS[6:14])) % 11] += 1
    return out


def test_no_id_can_be_rebuilt_from_a_masked_export(exports: tuple[Path, Path, Path]) -> None:
    _, full_path, masked_path = exports
    full = json.loads(full_path.read_text(encoding="utf-8"))
    masked_text = masked_path.read_text(encoding="utf-8")
    masked = json.loads(masked_text)
    pairs = list(zip(_people(full), _people(masked), strict=True))
    ids = [(o, m) for (o, _), (m, _) in pairs if len(o.get("id_number", "")) == 18 and o["id_number"][:17].isdigit()]
    assert len(ids) >= 40  # the samples' and the demo's people, agents included
    counts = []
    for original, shown in ids:
        assert resident_id_check_char(original["id_number"][:17]) == original["id_number"][17]
        assert "birth_date" not in shown  # not even the year: the format has no field for one
        n = _candidates(shown["id_number"], shown, original["id_number"][:6], masked_text)
        counts.append(n)
        assert n > 1000, f"{shown['id_number']} leaves only {n} candidates"
    # The same script against the old mask (digits 7–14 hidden, birth_date beside it) finds each ID.
    old = original["id_number"][:6] + "*" * 8 + original["id_number"][-4:]
    assert _candidates(old, {"birth_date": original["birth_date"], "gender": original.get("gender")},
                       original["id_number"][:6], "") == 1
    assert min(counts) > 1000


def test_no_original_number_appears_anywhere_in_the_masked_file(exports: tuple[Path, Path, Path]) -> None:
    _, full_path, masked_path = exports
    full = json.loads(full_path.read_text(encoding="utf-8"))
    raw = masked_path.read_bytes()
    numbers = {ID_A, ID_B, ID_C, *PHONES, "6222021234567890123", "0883-2100099", "2100099",
               "530902 19881209 0825", "139-0883-0002", "139 9360 0003"}
    for holder, _ in _people(full):
        numbers.update(v for k in ("id_number", "phone") if (v := holder.get(k)))
        if holder.get("kind") == "person" and holder.get("birth_date"):
            numbers.add(holder["birth_date"])
            numbers.add(holder["birth_date"].replace("-", ""))
    leaked = sorted(n for n in numbers if n.encode("utf-8") in raw)
    assert leaked == []
    # Digits only, whatever separators a number was typed with: no 7-digit run of any ID or
    # phone in the cases (the office's own phone, public, stands in full in "organization").
    cases = json.dumps(json.loads(raw)["cases"], ensure_ascii=False)
    digits = re.sub(r"[ \-]", "", unicodedata.normalize("NFKC", cases))
    for n in numbers:
        plain = re.sub(r"[ \-]", "", n)
        if len(plain) >= 11:
            assert plain[2:-2] not in digits, n


def test_masked_export_keeps_what_is_not_personal(exports: tuple[Path, Path, Path]) -> None:
    _, full_path, masked_path = exports
    full = json.loads(full_path.read_text(encoding="utf-8"))
    masked = json.loads(masked_path.read_text(encoding="utf-8"))
    # Still a valid case-exchange document as far as the schema (of version 2, which export writes) goes.
    assert masked["version"] == 2
    assert list(Draft202012Validator(SCHEMAS[2]).iter_errors(masked)) == []
    assert [c["code"] for c in masked["cases"]] == [c["code"] for c in full["cases"]]
    assert masked["organization"] == full["organization"]  # the office's own phone is public
    k = next(k for k, c in enumerate(full["cases"]) if ID_A in c["summary"])
    first = masked["cases"][k]
    for kept in UNTOUCHED:
        assert kept in first["summary"]
    assert [t.get("amount") for t in first["agreement"]["terms"]] == \
        [t.get("amount") for t in full["cases"][k]["agreement"]["terms"]]
    assert "身份证11**************12" not in first["summary"]  # the sample ID is 53…12
    assert "身份证53**************12，手机139****0001" in first["summary"]
    assert first["parties"][0]["id_number"] == "53**************12"
    assert first["parties"][0]["phone"] == "139****0001"
    orgs = [(o, m) for (o, _), (m, _) in zip(_people(full), _people(masked), strict=True)
            if o.get("kind") == "organization"]
    assert orgs and all(m.get("credit_code") == o.get("credit_code") for o, m in orgs)  # public codes
    assert ("91530902MA6K3L7P4R", "0883-***0099") in [(m.get("credit_code"), m.get("phone")) for _, m in orgs]


def test_importing_a_masked_export_is_refused_with_the_reason(
        exports: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, _, masked = exports
    other = tmp_path / "other.sqlite3"
    assert cli.main(["--db", str(other), "--create", "import", str(masked)]) == cli.EXIT_BAD_DOCUMENT
    err = capsys.readouterr()
    text = err.out + err.err
    assert "遮蔽导出的文件" in text and "未遮蔽的导出文件" in text
    assert re.search(r"\$\.cases\[\d+\]\.parties\[\d+\]\.id_number：已被遮蔽（含\*），不是真实的号码", text)
    # Into the database it came from, even with --update: nothing is overwritten by fake numbers.
    assert cli.main(["--db", str(db), "import", str(masked), "--update"]) == cli.EXIT_BAD_DOCUMENT
    capsys.readouterr()
    assert cli.main(["--db", str(other), "agenda", "--json"]) == 0
    assert "（2026）" not in capsys.readouterr().out


@pytest.mark.parametrize(("text", "expected"), [
    ("身份证11010519491231002X", "身份证11**************2X"),
    ("身份证号110105 19491231 002x。", "身份证号11**************2x。"),
    ("旧身份证110105491231002", "旧身份证11***********02"),
    ("手机13800001234，", "手机138****1234，"),
    ("手机138-0000-1234或138 0000 1234", "手机138****1234或138****1234"),
    ("+86 13800001234", "138****1234"),
    ("座机0883-2100000转12", "座机0883-***0000转12"),
    ("(010)62345678", "010-****5678"),
    ("电话：2100000", "电话：***0000"),
    ("卡号6222021234567890123", "卡号62***************23"),
    ("（2026）龙门人调字第12号", "（2026）龙门人调字第12号"),
    ("赔偿3800.00元，分12期", "赔偿3800.00元，分12期"),
    ("赔偿1000000元", "赔偿1000000元"),
    ("2026-11-15 09:30至20261115", "2026-11-15 09:30至20261115"),
    ("面积123.4567890123平方米", "面积123.4567890123平方米"),
    ("手机１３８００００１２３４", "手机138****1234"),
    ("身份证1101 0519 4912 3100 2X", "身份证11**************2X"),
    ("2026-11-23 2026-11-24 2026-11-25", "2026-11-23 2026-11-24 2026-11-25"),
    ("", ""),
])
def test_mask_text(text: str, expected: str) -> None:
    assert mask_text(text) == expected


def test_share_id_number_keeps_two_and_two() -> None:
    assert share_id_number("11010519491231002X") == "11**************2X"
    assert share_id_number("E12345678") == "E1*****78"
    assert share_id_number("1234") == "****"
    assert share_id_number(None) == ""


@pytest.mark.gui
def test_the_window_refuses_a_masked_file_and_says_why(qtbot, qapp, services, shared_samples, tmp_path,
                                                        monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """导入 in the window, a masked file chosen in the file dialog: a box with the reason, nothing
    imported (the window itself only ever exports the full file)."""
    from gui_helpers import import_from_menu, start_gui

    from mediator_desktop.services.dto import CaseQuery
    from mediator_desktop.ui.app import create_main_window
    from mediator_desktop.ui.common import background

    services.exchange.import_document(json.loads(shared_samples.read_text(encoding="utf-8")))
    masked = tmp_path / "遮蔽.json"
    services.exchange.export_to_file(masked, masked=True)
    before = services.cases.page(CaseQuery())
    monkeypatch.setattr(background, "PROGRESS_DELAY_MS", 0)
    window = create_main_window(services, start_gui(qapp, services))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    box = import_from_menu(qtbot, window, masked)
    assert box.windowTitle() == "导入失败"
    assert "遮蔽导出的文件" in box.text() and "请向对方要一份未遮蔽的导出文件再导入" in box.text()
    box.close()
    assert [r.code for r in services.cases.page(CaseQuery())] == [r.code for r in before]

"""Two PCs editing the same case at once on one PostgreSQL server (issue 16): 100 concurrent
edits, every save either based on the newest version or refused with the conflict message —
never a silent overwrite of the other PC's change."""

from __future__ import annotations

import threading

import pytest
from conftest import _truncate_pg, make_services, sample_draft, setup_org

from mediator_desktop.errors import STALE_MESSAGE, ConflictError

pytestmark = pytest.mark.postgres
EDITS_PER_PC = 50


def test_100_concurrent_edits_of_one_case_lose_nothing(pg_migrated: str, clock) -> None:  # type: ignore[no-untyped-def]
    _truncate_pg(pg_migrated)
    first = make_services(pg_migrated, clock, actor_name="甲")
    setup_org(first)
    case = first.cases.register(sample_draft(summary="两家因排水沟发生争执。"))
    second = make_services(pg_migrated, clock, actor_name="乙")
    saves: list[tuple[str, int, int, str]] = []         # (pc, version seen, version saved, text)
    refusals: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(2)

    def pc(services, name: str) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait()
            for k in range(EDITS_PER_PC):
                while True:   # a refused save: the user reopens the case (their typing kept) and saves again
                    seen = services.cases.get(case.id)
                    text = f"{name}第{k + 1}次修改：两家因排水沟发生争执。"
                    try:
                        saved = services.cases.update(case.id, seen.version, sample_draft(summary=text))
                    except ConflictError as exc:
                        with lock:
                            refusals.append(str(exc))
                        continue
                    with lock:
                        saves.append((name, seen.version, saved.version, text))
                    break
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=pc, args=(s, n)) for s, n in ((first, "甲"), (second, "乙"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert len(saves) == 2 * EDITS_PER_PC
        # Every save was made on the version just before it: the versions form one unbroken
        # chain, so no save ever replaced a change its PC had not seen.
        chain = sorted((seen, saved) for _pc, seen, saved, _text in saves)
        assert [saved for _seen, saved in chain] == [seen + 1 for seen, _saved in chain]
        assert [seen for seen, _saved in chain] == list(range(case.version, case.version + len(saves)))
        final = first.cases.get(case.id)
        assert final.version == case.version + len(saves)
        assert final.summary == max(saves, key=lambda s: s[2])[3]
        assert all(r == STALE_MESSAGE for r in refusals)
        print(f"{len(refusals)} saves refused as stale and made again")
        edits = [e for e in first.audit.entries(case_code=case.code, limit=1000) if e.text == "修改案件信息"]
        assert len(edits) == len(saves) and {e.actor for e in edits} == {"甲", "乙"}
        assert first.audit.verify().ok
    finally:
        first.close()
        second.close()

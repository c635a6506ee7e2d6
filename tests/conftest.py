"""Shared fixtures.

* Every test runs with ``MEDIATOR_DESKTOP_HOME`` pointing at its own temporary folder, so no
  test ever touches a real user's data or settings.
* ``db_url`` runs a test once on SQLite and once on the real PostgreSQL server that
  ``test.sh`` starts (``MEDIATOR_TEST_PG_URL``). Without that server the PostgreSQL half
  FAILS rather than skips — a storage test that silently skipped its server proves nothing.
* Qt warnings fail tests (``qt_log_level_fail`` in pyproject.toml).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest


def _room_screen() -> str:
    """The offscreen platform with the mediation room's screen, 1366×768 (without a config
    file its screen is 800×800): windows are fitted to the screen, so tests see them as users do."""
    import json
    import tempfile

    config = Path(tempfile.gettempdir()) / f"mediator-test-screen-{os.getpid()}.json"
    config.write_text(json.dumps({"screens": [{"name": "room", "x": 0, "y": 0, "width": 1366, "height": 768,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    return f"offscreen:configfile={config}"


if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = _room_screen()

from sqlalchemy import create_engine, text  # noqa: E402

from mediator_desktop.paths import HOME_ENV  # noqa: E402

PG_ENV = "MEDIATOR_TEST_PG_URL"
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv(HOME_ENV, str(home))
    return home


@pytest.fixture(scope="session")
def qapp(qapp):  # type: ignore[no-untyped-def]
    """pytest-qt's application with Qt's Chinese catalogues and locale, as at start-up
    (``init_application``), so every GUI test sees the words a user sees."""
    from mediator_desktop.ui.common.translations import install_translations

    install_translations(qapp)
    return qapp


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once to the newest schema; tests get copies of it."""
    from mediator_desktop.storage.db import Database

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = Database(str(path))
    db.migrate()
    db.dispose()
    return path


def pg_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.fail(f"{PG_ENV} is not set: run the tests with ./test.sh, which starts PostgreSQL")
    return url


@pytest.fixture(scope="session")
def pg_migrated() -> str:
    from mediator_desktop.storage.db import Database

    url = pg_url()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    db = Database(url)
    db.migrate()
    db.dispose()
    return url


def _truncate_pg(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    if request.param == "sqlite":
        target = tmp_path / "test.sqlite3"
        shutil.copy(sqlite_template, target)
        yield f"sqlite:///{target.as_posix()}"
    else:
        url = request.getfixturevalue("pg_migrated")
        _truncate_pg(url)
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    target = tmp_path / "test.sqlite3"
    shutil.copy(sqlite_template, target)
    return f"sqlite:///{target.as_posix()}"


class FixedClock:
    """A clock tests can set: the services read the time only through it."""

    def __init__(self, now: datetime) -> None:
        self.value = now

    def __call__(self) -> datetime:
        return self.value


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 22, 9, 30))


def make_services(url: str, clock: FixedClock | None = None, actor_name: str = "测试员"):  # type: ignore[no-untyped-def]
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.context import Actor

    services = Services.open(url, Actor(name=actor_name))
    if clock is not None:
        services.ctx._clock = clock
    return services


@pytest.fixture
def services(db_url: str, clock: FixedClock):  # type: ignore[no-untyped-def]
    s = make_services(db_url, clock)
    yield s
    s.close()


@pytest.fixture
def sqlite_services(sqlite_url: str, clock: FixedClock):  # type: ignore[no-untyped-def]
    s = make_services(sqlite_url, clock)
    yield s
    s.close()


def setup_org(services) -> list[int]:  # type: ignore[no-untyped-def]
    """The first-run set-up: organisation and two mediators; returns the mediator ids."""
    from mediator_desktop.services.organization import MediatorDraft, OrganizationDraft

    services.organization.save(OrganizationDraft(
        name="龙门街道人民调解委员会", short_name="龙门", address="龙门街道综治中心", phone="0883-2100000",
        seal_text="龙门街道人民调解委员会"))
    a = services.mediators.save(MediatorDraft(name="杨志强", phone="13800001111", certificate_no="YN-001"))
    b = services.mediators.save(MediatorDraft(name="王芳", phone="13800002222"))
    return [a.id, b.id]


@pytest.fixture
def org_services(services):  # type: ignore[no-untyped-def]
    services.mediator_ids = setup_org(services)
    return services


def sample_draft(**overrides):  # type: ignore[no-untyped-def]
    from mediator_desktop.services.dto import CaseDraft, PartyDraft

    draft = CaseDraft(
        received_on=date(2026, 11, 20), source="party_application", dispute_type="邻里纠纷",
        title="张某与李某相邻通行纠纷", summary="李四在两家之间的通道堆放建材，张三出入不便，双方多次争吵。",
        requests=["清除通道堆放物"], risk_level="none", recorder="王芳",
        parties=[
            PartyDraft(role="applicant", kind="person", name="张三", id_number="11010519491231002x",
                       phone="13800001234", address="龙门街道幸福村3组", ethnicity="汉族"),
            PartyDraft(role="respondent", kind="person", name="李四", phone="13900005678",
                       address="龙门街道幸福村3组"),
        ],
    )
    for key, value in overrides.items():
        setattr(draft, key, value)
    return draft


@pytest.fixture
def shared_samples() -> Path:
    path = SHARED / "samples" / "sample-cases.json"
    assert path.exists(), f"shared samples missing at {path}"
    return path




OFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def office_to_pdf(source: Path, workdir: Path) -> Path:
    """Lay ``source`` (a DOCX) out with LibreOffice, as a PC's word processor would, with the
    shipped fonts visible through a private fontconfig file; returns the PDF it wrote."""
    from mediator_desktop.paths import fonts_dir

    assert OFFICE, "LibreOffice (soffice) is not installed: scripts/setup.sh installs it for the tests"
    fonts_conf = workdir / "fonts.conf"
    fonts_conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{fonts_dir()}</dir><cachedir>{workdir / 'fc-cache'}</cachedir></fontconfig>", encoding="utf-8")
    subprocess.run(
        [OFFICE, f"-env:UserInstallation={(workdir / 'lo-profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(workdir), str(source)],
        check=True, capture_output=True, timeout=120, env={**os.environ, "FONTCONFIG_FILE": str(fonts_conf)})
    return source.with_suffix(".pdf")

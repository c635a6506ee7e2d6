"""The frozen program as a user installs it: ``packaging/build.sh`` builds the PyInstaller bundle
and the .deb once per session, and the tests run the FROZEN executable (never this checkout's
Python), offscreen, on its own data folder: ``--version``, ``demo``, ``agenda --json``, ``render``
as PDF and Word, ``export``/``import``, the window (closed by ``gui --quit-after``), then the .deb
unpacked with ``dpkg -x`` and its ``/usr/bin/mediator-desktop``.

A data file missing from the bundle fails here: the migrations and the demo templates (``demo``),
the exchange schema (``demo`` and ``import`` validate with it), the fonts (embedded in the PDF; the
window warns in its log when one does not load), Qt's Chinese catalogue and the icon (the window
logs where it found them and warns when not), the compiled intake form (imported by the main
window). PyInstaller or dpkg-deb missing is a failure too, never a skip: ``pip install -e '.[test]'``
and ``scripts/setup.sh`` provide them.

The build takes about a minute here (the .deb gzip-compressed: the release's xz would add three).
"""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mediator_desktop import APP_TITLE, __version__

pytestmark = pytest.mark.frozen

REPO = Path(__file__).resolve().parents[1]
BUILD_TIMEOUT = 1500  # seconds; about 60 here


@dataclass(frozen=True)
class Built:
    out: Path
    exe: Path  # the bundle's program (dist/mediator-desktop/mediator-desktop)
    deb: Path


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    assert shutil.which("dpkg-deb"), "dpkg-deb is missing: it builds the .deb (scripts/setup.sh installs dpkg)"
    assert importlib.util.find_spec("PyInstaller"), "PyInstaller is missing: pip install -e '.[test]'"
    out = tmp_path_factory.mktemp("frozen")
    env = {**os.environ, "PYTHON": sys.executable, "DEB_COMPRESSION": "gzip"}
    proc = subprocess.run(["bash", str(REPO / "packaging" / "build.sh"), str(out)], env=env,
                          capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    assert proc.returncode == 0, f"packaging/build.sh failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-8000:]}"
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()
    deb = out / f"mediator-desktop_{__version__}_{arch}.deb"
    exe = out / "dist" / "mediator-desktop" / "mediator-desktop"
    assert deb.is_file(), sorted(p.name for p in out.iterdir())
    assert exe.is_file() and os.access(exe, os.X_OK)
    return Built(out, exe, deb)


def frozen_env(home: Path) -> dict[str, str]:
    """The environment of a user's shell: no trace of this checkout's Python (the frozen program
    must find everything inside itself), its own data folder, offscreen Qt."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["MEDIATOR_DESKTOP_HOME"] = str(home)
    env["QT_QPA_PLATFORM"] = os.environ.get("QT_QPA_PLATFORM", "offscreen")  # conftest: the 1366×768 room screen
    return env


def run(exe: Path, *args: str, home: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(exe), *args], env=frozen_env(home), cwd=home, capture_output=True, text=True,
                          timeout=timeout)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def ok(exe: Path, *args: str, home: Path, timeout: float = 120) -> str:
    proc = run(exe, *args, home=home, timeout=timeout)
    assert proc.returncode == 0, f"{exe.name} {' '.join(args)} → {proc.returncode}\n{proc.stdout}\n{proc.stderr}\n" \
                                 f"{log_text(home)[-4000:]}"
    return proc.stdout


def log_text(home: Path) -> str:
    log = home / "data" / "logs" / "mediator-desktop.log"
    return log.read_text(encoding="utf-8") if log.exists() else ""


def problems_in_log(home: Path) -> list[str]:
    return [line for line in log_text(home).splitlines() if re.search(r" (WARNING|ERROR|CRITICAL) ", line)]


@dataclass(frozen=True)
class Demo:
    db: Path
    home: Path
    agreement_case: str  # a case with an agreement (its follow-up visits are planned from it)
    party: str           # a party of it


@pytest.fixture(scope="session")
def demo(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """A demo database made by the frozen program (migrations, templates, schema)."""
    home = tmp_path_factory.mktemp("frozen-home")
    db = home / "demo.sqlite3"
    out = ok(built.exe, "demo", "--db", str(db), "--count", "60", home=home)
    assert "已填入60件示例案件" in out
    items = json.loads(ok(built.exe, "agenda", "--db", str(db), "--json", home=home))
    visits = [i for i in items if i["kind"] == "visit" and i["party"]]
    assert visits, items
    assert problems_in_log(home) == []
    return Demo(db, home, visits[0]["case_code"], visits[0]["party"])


def pdf_text_and_fonts(path: Path) -> tuple[str, set[str]]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    text = "".join(page.extract_text() for page in reader.pages)
    fonts = set()
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont", "")))
    return re.sub(r"\s+", "", text), fonts


def check_agreement_pdf(path: Path, demo: Demo) -> None:
    assert path.read_bytes()[:5] == b"%PDF-"
    text, fonts = pdf_text_and_fonts(path)
    assert "人民调解协议书" in text
    assert demo.agreement_case in text
    assert demo.party in text
    # The bundled fonts, embedded (subset names carry a 6-letter prefix: ABCDEF+FandolFang-Regular).
    assert any(f.endswith("+FandolFang-Regular") for f in fonts), fonts


# -- the bundle ---------------------------------------------------------------------------------


def test_version(built: Built, tmp_path: Path) -> None:
    assert ok(built.exe, "--version", home=tmp_path).strip() == f"mediator-desktop {__version__}"


def test_help_names_every_command(built: Built, tmp_path: Path) -> None:
    out = ok(built.exe, "--help", home=tmp_path)
    assert APP_TITLE in out
    for command in ("gui", "import", "export", "demo", "render", "agenda"):
        assert command in out


def test_help_guide_and_licences_are_in_the_bundle(built: Built) -> None:
    """帮助 → 使用说明 reads its pages and pictures from the bundle; 关于 reads the libraries'
    versions and licences from their metadata, which PyInstaller drops unless asked."""
    from mediator_desktop.support import LIBRARIES

    internal = built.exe.parent / "_internal"
    guide = internal / "resources" / "guide"
    pages = sorted(guide.glob("*.md"))
    assert [p.name for p in pages] == sorted(p.name for p in (REPO / "resources" / "guide").glob("*.md"))
    for page in pages:
        for name in re.findall(r"\]\(([^)]+)\)", page.read_text(encoding="utf-8")):
            assert (guide / name).is_file(), f"{page.name} shows {name}, missing from the bundle"
    metadata = {p.name.split("-")[0].lower().replace("_", "-") for p in internal.glob("*.dist-info")}
    missing = [name for name in LIBRARIES if name.lower().replace("_", "-") not in metadata]
    assert not missing, f"no metadata in the bundle for {missing}"


def test_agenda_json(built: Built, demo: Demo) -> None:
    items = json.loads(ok(built.exe, "agenda", "--db", str(demo.db), "--json", home=demo.home))
    assert {"kind", "case_code", "due", "left"} <= set(items[0])
    assert any(i["case_code"] == demo.agreement_case for i in items)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", i["due"]) for i in items)


def test_render_agreement_pdf(built: Built, demo: Demo, tmp_path: Path) -> None:
    target = tmp_path / "协议书.pdf"
    out = ok(built.exe, "render", demo.agreement_case, "agreement", "--format", "pdf", "-o", str(target),
             "--db", str(demo.db), home=demo.home)
    assert "已生成人民调解协议书" in out
    check_agreement_pdf(target, demo)


def test_render_agreement_docx(built: Built, demo: Demo, tmp_path: Path) -> None:
    import docx

    target = tmp_path / "协议书.docx"
    ok(built.exe, "render", demo.agreement_case, "agreement", "--format", "docx", "-o", str(target),
       "--db", str(demo.db), home=demo.home)
    document = docx.Document(str(target))
    paragraphs = [p.text.replace("\u2060", "") for p in document.paragraphs]
    assert "人民调解协议书" in paragraphs
    assert any(demo.party in p for p in paragraphs)
    header = "".join(p.text for p in document.sections[0].header.paragraphs)
    assert demo.agreement_case in header + "".join(paragraphs)


def test_export_and_import_validate_with_the_bundled_schema(built: Built, demo: Demo, tmp_path: Path) -> None:
    exported = tmp_path / "case.json"
    ok(built.exe, "export", "-o", str(exported), "--case", demo.agreement_case, "--db", str(demo.db), home=demo.home)
    assert json.loads(exported.read_text(encoding="utf-8"))["cases"][0]["code"] == demo.agreement_case
    fresh = tmp_path / "fresh.sqlite3"
    out = ok(built.exe, "--db", str(fresh), "--create", "import", str(exported), home=tmp_path)
    assert "新增1件" in out
    # …and a document that breaks the schema is refused by it, by JSON path (exit code 3).
    broken = json.loads(exported.read_text(encoding="utf-8"))
    broken["cases"][0]["received_on"] = "去年"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    proc = run(built.exe, "--db", str(fresh), "import", str(bad), home=tmp_path)
    assert proc.returncode == 3, proc.stderr
    assert "$.cases[0]" in proc.stderr


def test_postgresql_driver_is_bundled(built: Built, tmp_path: Path) -> None:
    """psycopg's compiled driver (and its libpq) is inside: a server that is not there is said in
    Chinese, not “no pq wrapper available”."""
    proc = run(built.exe, "agenda", "--db", "postgresql://nobody@127.0.0.1:1/none", home=tmp_path)
    assert proc.returncode == 1
    assert "无法连接数据库服务器" in proc.stderr, proc.stderr + log_text(tmp_path)[-3000:]
    assert "pq wrapper" not in log_text(tmp_path)


def test_window_starts_and_quits(built: Built, demo: Demo, tmp_path: Path) -> None:
    """The real window on the demo database, closed by ``--quit-after`` after its first paint:
    fonts, Qt's Chinese catalogue (from inside the bundle), the icon and the intake form load
    without a warning."""
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.json").write_text(json.dumps({"user.name": "测试调解员"}), encoding="utf-8")
    ok(built.exe, "gui", "--db", str(demo.db), "--quit-after", "300", home=home)
    log = log_text(home)
    assert "first paint; quitting in 300 ms" in log, log
    bundle = str(built.exe.parent)
    loaded = re.search(r"Qt's Chinese catalogue qtbase_zh_CN loaded from (\S+)", log)
    assert loaded and loaded.group(1).startswith(bundle), log
    assert problems_in_log(home) == []
    crash = home / "data" / "logs" / "crash.log"
    assert not crash.exists() or crash.read_text() == ""


# -- the .deb -----------------------------------------------------------------------------------


def deb_field(deb: Path, field: str) -> str:
    return subprocess.run(["dpkg-deb", "--field", str(deb), field], capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.fixture(scope="session")
def installed(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The .deb unpacked into a temporary root, as dpkg would install it."""
    root = tmp_path_factory.mktemp("deb-root")
    subprocess.run(["dpkg", "-x", str(built.deb), str(root)], check=True)
    yield root


def test_deb_control(built: Built) -> None:
    assert deb_field(built.deb, "Package") == "mediator-desktop"
    assert deb_field(built.deb, "Version") == __version__
    depends = deb_field(built.deb, "Depends")
    assert re.search(r"libc6 \(>= 2\.\d+\)", depends), depends
    for package in ("libgl1", "libegl1", "libfontconfig1", "libxkbcommon0", "libdbus-1-3", "libxcb-cursor0"):
        assert package in depends
    # No maintainer scripts: installing only adds files, removing only takes them away — no
    # postrm that could delete a user's data folder.
    control = subprocess.run(["dpkg-deb", "--ctrl-tarfile", str(built.deb)], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=__import__("io").BytesIO(control)) as tar:
        names = {Path(m.name).name for m in tar.getmembers() if m.isfile()}
    assert names <= {"control", "md5sums"}, names


def test_deb_menu_entry_and_command(installed: Path) -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(installed / "usr/share/applications/mediator-desktop.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Name"] == "调解工作台"
    assert desktop["Categories"] == "Office;"
    assert desktop["Exec"] == "mediator-desktop"
    assert (installed / "usr/share/icons/hicolor/256x256/apps" / f"{desktop['Icon']}.png").is_file()
    command = installed / "usr/bin/mediator-desktop"
    assert command.is_symlink()
    assert command.resolve() == (installed / "opt/mediator-desktop/mediator-desktop").resolve()


def test_installed_command_runs(installed: Path, demo: Demo, tmp_path: Path) -> None:
    command = installed / "usr/bin/mediator-desktop"
    assert ok(command, "--version", home=tmp_path).strip() == f"mediator-desktop {__version__}"
    target = tmp_path / "协议书.pdf"
    ok(command, "render", demo.agreement_case, "agreement", "-o", str(target), "--db", str(demo.db), home=tmp_path)
    check_agreement_pdf(target, demo)
    assert problems_in_log(tmp_path) == []


def _package_closure(packages: set[str]) -> set[str]:
    """``packages`` with everything they depend on, as installed on this machine."""
    seen: set[str] = set()
    todo = list(packages)
    while todo:
        package = todo.pop()
        if package in seen:
            continue
        seen.add(package)
        proc = subprocess.run(["dpkg-query", "-W", "-f", "${Depends}, ${Pre-Depends}", package],
                              capture_output=True, text=True)
        for alternative in re.split(r"[,|]", proc.stdout):
            name = alternative.strip().split(" ")[0].split(":")[0]
            if name:
                todo.append(name)
    return seen


def _owner(path: Path) -> str:
    """The package that installed ``path`` ("" if none); dpkg records /lib/… or /usr/lib/…
    as the package ships it, whichever way merged /usr links them."""
    text = str(path)
    candidates = [text, str(path.resolve()), text.replace("/usr/lib/", "/lib/", 1),
                  text.replace("/lib/", "/usr/lib/", 1) if text.startswith("/lib/") else text]
    for candidate in candidates:
        proc = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if proc.returncode == 0:
            return proc.stdout.split(":")[0].strip()
    return ""


def test_deb_depends_cover_what_the_bundle_takes_from_the_system(built: Built, installed: Path) -> None:
    """Every shared library a bundled binary (the Qt plugins included) needs and the bundle does
    not carry is on this machine, in a package the .deb depends on (or one of theirs)."""
    bundle = installed / "opt/mediator-desktop"
    internal = bundle / "_internal"
    depends = {d.strip().split(" ")[0] for d in deb_field(built.deb, "Depends").split(",")}
    allowed = _package_closure(depends)
    env = {**os.environ, "LD_LIBRARY_PATH": f"{internal}:{internal / 'PySide6/Qt/lib'}"}
    binaries = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()
                and (".so" in p.name or p == bundle / "mediator-desktop")]
    assert len(binaries) > 50
    missing, outside = set(), {}
    for binary in binaries:
        proc = subprocess.run(["ldd", str(binary)], env=env, capture_output=True, text=True)
        for line in proc.stdout.splitlines():
            match = re.match(r"\s*(\S+) => (.*?) \(0x", line)
            if "not found" in line:
                missing.add(f"{binary.relative_to(bundle)}: {line.strip()}")
            elif match and not Path(match.group(2)).resolve().is_relative_to(bundle.resolve()):
                outside[match.group(1)] = Path(match.group(2))
    assert not missing, sorted(missing)
    owners = {}
    for name, path in outside.items():
        owners[name] = _owner(path)
        assert owners[name], f"{name} ({path}) belongs to no package"
    not_covered = {name: owner for name, owner in owners.items() if owner not in allowed}
    assert not not_covered, not_covered

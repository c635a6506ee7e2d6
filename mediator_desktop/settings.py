"""Typed option registry (the single settings module).

Every user-adjustable option is declared once here with its type, default and Chinese label;
values live in ``settings.json`` in :func:`mediator_desktop.paths.config_dir`. Settings that a
whole centre shares (organisation, code pattern) live in the database instead, not here.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from mediator_desktop import paths

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Option(Generic[T]):
    key: str
    default: T
    label: str
    minimum: int | None = None
    maximum: int | None = None

    def coerce(self, value: Any) -> T:
        kind = type(self.default)
        if kind is bool:
            if isinstance(value, bool):
                return value  # type: ignore[return-value]
            raise TypeError(self.key)
        if kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(self.key)
            if self.minimum is not None and value < self.minimum:
                return self.minimum  # type: ignore[return-value]
            if self.maximum is not None and value > self.maximum:
                return self.maximum  # type: ignore[return-value]
            return value  # type: ignore[return-value]
        if not isinstance(value, kind):
            raise TypeError(self.key)
        return value


OPTIONS: dict[str, Option[Any]] = {}


def _declare(option: Option[T]) -> Option[T]:
    OPTIONS[option.key] = option
    return option


UI_FONT_SIZE = _declare(Option("ui.font_size", 12, "界面字号（磅）", minimum=9, maximum=28))
DATABASE_URL = _declare(Option("database.url", "", "数据库地址（留空使用本机数据库）"))
MASK_IN_LISTS = _declare(Option("privacy.mask_in_lists", True, "列表中遮蔽身份证号和电话"))
CURRENT_USER = _declare(Option("user.name", "", "当前使用者"))
#: The name the application acts under while this PC has not said who uses it (and did before
#: the PC could say so): the author of every private note written then.
UNNAMED_USER = "调解员"
WINDOW_GEOMETRY = _declare(Option("ui.window_geometry", "", "主窗口位置"))
#: The main window's splitters (list / case view) as the user left them: JSON, splitter name →
#: Qt's saved state (base64).
WINDOW_SPLITTERS = _declare(Option("ui.window_splitters", "", "主窗口分栏位置"))
#: The sizes users left the dialogs they resize often at (文书, 调解记录, 调解协议): JSON,
#: dialog name → [width, height, font size, {splitter name: state}]; clamped to the screen when used.
DIALOG_SIZES = _declare(Option("ui.dialog_sizes", "", "对话框大小"))
#: 调解场所: the rooms offered when a session is scheduled, one per line (the agenda's clash
#: check compares them).
ROOMS = _declare(Option("sessions.rooms", "调解室\n接待室", "调解场所（每行一个）"))
#: The record editor writes its autosave journal this long after the last keystroke.
#: The login last signed in on this PC (proposed at the next sign-in; never a password).
LAST_LOGIN = _declare(Option("security.last_login", "", "上次登录的用户名"))
#: Minutes without keyboard or mouse after which a signed-in user's screen locks (0: never).
LOCK_MINUTES = _declare(Option("security.lock_minutes", 10, "无操作多少分钟后锁屏（0 表示不锁）", minimum=0, maximum=240))
AUTOSAVE_SECONDS = _declare(Option("sessions.autosave_seconds", 2, "自动保存间隔（秒）", minimum=1, maximum=30))

# Follow-up visits and reminders (LEGAL.md §6: LOCAL practice, so settings with these defaults).
#: The satisfaction visit falls within this many months of the agreement taking effect.
FOLLOW_UP_MONTHS = _declare(Option("followups.months", 1, "满意度回访在协议生效后几个月内", minimum=1, maximum=12))
#: The satisfaction scale of the visit form, best first, one per line.
SATISFACTION_SCALE = _declare(Option("followups.satisfaction_scale", "满意\n基本满意\n不满意", "满意度选项（每行一个）"))
#: Open the "today" view (今日提醒) when the application starts.
SHOW_TODAY_ON_START = _declare(Option("reminders.show_on_start", True, "启动时显示今日提醒"))

# Screening (排查, STATISTICS.md §3: LOCAL, default twice a month; daily in sensitive periods).
#: Rounds expected per month: the month is cut into this many periods and the today view says
#: 本期尚未排查 while the current one has none (0: no reminder; 31: daily).
SCREENING_PER_MONTH = _declare(Option("screening.per_month", 2, "每月排查次数（0为不提醒，31为每天）",
                                      minimum=0, maximum=31))
# Risk levels and escalation (STATISTICS.md §4: LOCAL practice, so settings with its defaults).
# Hours and "same day" are counted on the calendar (a threat does not wait for Monday); a rule
# given in days is counted in working days, like every other deadline (services/risk.py).
#: 红: report to the township (and, where violence or a crime threatens, the police) within this
#: many calendar days of the level being set (0 = the same day).
RISK_RED_DAYS = _declare(Option("risk.red_report_days", 0, "红色：报告乡镇（街道）的时限（天，0为当天）",
                                minimum=0, maximum=3))
#: 橙: handled within this many hours.
RISK_ORANGE_HOURS = _declare(Option("risk.orange_hours", 24, "橙色：处置时限（小时）", minimum=1, maximum=240))
#: 黄: handled on the spot by the grid or village within this many working days.
RISK_YELLOW_DAYS = _declare(Option("risk.yellow_days", 3, "黄色：就地化解时限（工作日）", minimum=1, maximum=30))
#: Escalation (Wushan): the grid has this many working days before the village takes over…
ESCALATE_GRID_DAYS = _declare(Option("risk.grid_days", 3, "网格化解时限（工作日），逾期移交村（社区）",
                                     minimum=1, maximum=30))
#: …the village this many hours before it reports to the township…
ESCALATE_VILLAGE_HOURS = _declare(Option("risk.village_hours", 24, "村（社区）化解时限（小时），逾期上报乡镇（街道）",
                                         minimum=1, maximum=240))
#: …which answers within this many working days.
ESCALATE_TOWNSHIP_DAYS = _declare(Option("risk.township_days", 10, "乡镇（街道）答复时限（工作日）", minimum=1, maximum=60))
#: Petition-type matters (Tongdao): 3天见面、5天调查、7天反馈、30天办结, working days from acceptance.
PETITION_DAYS = _declare(Option("risk.petition_days", "3,5,7,30", "信访事项：见面、调查、反馈、办结（工作日，逗号分隔）"))


def parse_petition_days(text: str) -> tuple[int, int, int, int] | None:
    """``"3,5,7,30"`` → (3, 5, 7, 30); None when it is not four increasing whole numbers."""
    parts = [x.strip() for x in text.replace("，", ",").replace("、", ",").split(",") if x.strip()]
    if len(parts) != 4 or not all(x.isdigit() for x in parts):
        return None
    a, b, c, d = (int(x) for x in parts)
    if not 0 < a <= b <= c <= d <= 365:
        return None
    return a, b, c, d


def risk_policy(settings: Settings) -> Any:
    """The response and escalation times as the services take them (services/risk.py)."""
    from mediator_desktop.domain.risk_policy import RiskPolicy

    petition = parse_petition_days(settings.get(PETITION_DAYS)) or RiskPolicy().petition_days
    return RiskPolicy(red_days=settings.get(RISK_RED_DAYS), orange_hours=settings.get(RISK_ORANGE_HOURS),
                      yellow_days=settings.get(RISK_YELLOW_DAYS), grid_days=settings.get(ESCALATE_GRID_DAYS),
                      village_hours=settings.get(ESCALATE_VILLAGE_HOURS),
                      township_days=settings.get(ESCALATE_TOWNSHIP_DAYS), petition_days=petition)

# Automatic backups (services/backup.py): at the first start of each day, before every import,
# migration and restore; the newest of each of the last N days and of M months before them kept.
BACKUP_FOLDER = _declare(Option("backup.folder", "", "自动备份文件夹（留空使用数据文件夹中的 backups）"))
BACKUP_DAILY = _declare(Option("backup.keep_daily", 14, "保留最近几天的自动备份（每天一份）", minimum=1, maximum=365))
BACKUP_MONTHLY = _declare(Option("backup.keep_monthly", 12, "另外保留几个月的自动备份（每月一份）", minimum=0, maximum=120))


def backup_policy(settings: Settings) -> Any:
    """The automatic backups' folder and retention as the services take them."""
    from mediator_desktop.services.backup import BackupPolicy

    return BackupPolicy(folder=settings.get(BACKUP_FOLDER), daily=settings.get(BACKUP_DAILY),
                        monthly=settings.get(BACKUP_MONTHLY))


def satisfaction_scale(settings: Settings) -> tuple[str, ...]:
    """The scale as a tuple of labels (the default when the setting is left empty)."""
    labels = tuple(x.strip() for x in settings.get(SATISFACTION_SCALE).splitlines() if x.strip())
    return labels or tuple(SATISFACTION_SCALE.default.splitlines())


def configure_services(services: Any, settings: Settings) -> None:
    """Hand this PC's follow-up practice and its user to the services (they never read settings
    themselves)."""
    services.ctx.follow_up_months = settings.get(FOLLOW_UP_MONTHS)
    services.ctx.satisfaction_scale = satisfaction_scale(settings)
    services.ctx.backup_policy = backup_policy(settings)
    services.ctx.screening_per_month = settings.get(SCREENING_PER_MONTH)
    services.ctx.risk_policy = risk_policy(settings)
    if settings.get(CURRENT_USER).strip():
        apply_current_user(services, settings.get(CURRENT_USER))


def apply_current_user(services: Any, name: str) -> None:
    """From now on the services act as ``name``: every timeline and audit entry, 告知人, 回访人…
    (the rest of the acting user — its permissions — stays as it was)."""
    from dataclasses import replace

    services.ctx.actor = replace(services.ctx.actor, name=name.strip())


def set_current_user(services: Any, settings: Settings, name: str) -> None:
    """Who uses this PC: remembered in the settings and taken by the services at once."""
    settings.set(CURRENT_USER, name.strip())
    settings.save()
    apply_current_user(services, name)

# Documents (文书). Defaults follow GB/T 9704-2012 (LEGAL.md §8); offices have their own habits.
DOC_FONT_BODY = _declare(Option("documents.pdf_font_body", "", "PDF 正文字体文件（留空用内置仿宋体）"))
DOC_FONT_TITLE = _declare(Option("documents.pdf_font_title", "", "PDF 标题字体文件（留空用内置黑体）"))
DOC_WORD_FONT_BODY = _declare(Option("documents.word_font_body", "仿宋", "Word 正文字体"))
DOC_WORD_FONT_TITLE = _declare(Option("documents.word_font_title", "黑体", "Word 标题字体"))
DOC_SIZE_TITLE = _declare(Option("documents.size_title", 22, "标题字号（磅，2号=22）", minimum=12, maximum=36))
DOC_SIZE_BODY = _declare(Option("documents.size_body", 16, "正文字号（磅，3号=16）", minimum=9, maximum=24))
DOC_SIZE_TABLE = _declare(Option("documents.size_table", 12, "表格字号（磅，小四=12）", minimum=9, maximum=18))
DOC_MARGIN_TOP = _declare(Option("documents.margin_top_mm", 37, "上边距（毫米）", minimum=10, maximum=60))
DOC_MARGIN_BOTTOM = _declare(Option("documents.margin_bottom_mm", 35, "下边距（毫米）", minimum=10, maximum=60))
DOC_MARGIN_LEFT = _declare(Option("documents.margin_left_mm", 28, "左边距（毫米）", minimum=10, maximum=60))
DOC_MARGIN_RIGHT = _declare(Option("documents.margin_right_mm", 26, "右边距（毫米）", minimum=10, maximum=60))
DOC_SIGN_AND_FINGERPRINT = _declare(Option(
    "documents.sign_and_fingerprint", True, "当事人须签名并按指印（当地要求）"))


class Settings:
    """Values of the declared options, read from and saved to one JSON file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.settings_file()
        self._values: dict[str, Any] = {}
        self.load()

    def load(self) -> None:
        self._values = {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            log.warning("settings file %s unreadable, using defaults: %s", self.path, exc)
            return
        if not isinstance(raw, dict):
            return
        for key, value in raw.items():
            option = OPTIONS.get(key)
            if option is None:
                continue
            try:
                self._values[key] = option.coerce(value)
            except TypeError:
                log.warning("setting %s has a value of the wrong type; default used", key)

    def get(self, option: Option[T]) -> T:
        value: T = self._values.get(option.key, option.default)
        return value

    def set(self, option: Option[T], value: T) -> None:
        self._values[option.key] = option.coerce(value)

    def save(self) -> None:
        """Write atomically, so a power cut never leaves half a settings file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        paths.write_json_atomically(self.path, self._values, indent=2, sort_keys=True)

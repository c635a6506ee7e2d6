"""First run: set up the organisation, its first mediator and who uses this PC, in one short
dialog. On a PC that joins a database already set up (a shared server), or after an upgrade, it
only asks who uses this PC."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop import settings as opts
from mediator_desktop.services.errors import FieldProblem, ServiceError, ValidationError
from mediator_desktop.services.organization import MediatorDraft
from mediator_desktop.ui.common.widgets import (
    ERROR_STYLE,
    FieldErrors,
    add_row,
    fit_to_screen,
    focus_first_problem,
    ok_cancel,
    scrolling_body,
)
from mediator_desktop.ui.settings.settings_dialog import OrganizationForm, error_label

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services

USER_HINT = ("时间线、操作记录、告知人、回访人、记录人都记这个名字。"
             "可以从已有的调解员中选择，也可以输入新的姓名（将添加为本组织的调解员）。以后可在“设置”中更换。")


def user_combo(services: Services) -> QComboBox:
    """An editable list of the active mediators' names, empty until the user picks or types."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setMinimumContentsLength(8)
    for m in services.mediators.list(active_only=True):
        combo.addItem(m.name)
    combo.setCurrentIndex(-1)
    combo.lineEdit().setPlaceholderText("请选择或输入姓名")  # type: ignore[union-attr]
    return combo


def user_problems(services: Services, name: str) -> list[FieldProblem]:
    """Why ``name`` cannot be the user of this PC (empty, or not a valid mediator's name)."""
    if not name.strip():
        return [FieldProblem("user", "请选择或填写在这台电脑上使用工作台的人")]
    return [FieldProblem("user", p.message) for p in services.mediators.validate(MediatorDraft(name))
            if p.field == "name"]


def ensure_mediator(services: Services, name: str) -> bool:
    """Add ``name`` as a mediator of the organisation unless there is one by that name;
    True if it was added."""
    name = name.strip()
    if any(m.name == name for m in services.mediators.list()):
        return False
    services.mediators.save(MediatorDraft(name))
    return True


class FirstRunDialog(QDialog):
    def __init__(self, services: Services, settings: opts.Settings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.settings = settings if settings is not None else opts.Settings()
        #: The organisation is already set up (another PC did it, or an earlier version):
        #: only who uses this PC is asked.
        self.user_only = services.organization.is_set_up()
        self.setWindowTitle("欢迎使用调解工作台" if not self.user_only else "谁在使用这台电脑")
        dialog_layout = QVBoxLayout(self)
        body = QWidget()
        lay = QVBoxLayout(body)  # scrolls on a small screen; the buttons stay below it
        lay.setContentsMargins(0, 0, 0, 0)
        dialog_layout.addWidget(scrolling_body(body))
        intro = QLabel("第一次使用，请先填写调解组织和调解员的基本信息，并选择谁在使用这台电脑。以后可以在“设置”中修改。"
                       if not self.user_only else
                       "这台电脑还没有设置使用者。请选择您是哪位调解员，或输入您的姓名。")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        org_box = QGroupBox("调解组织")
        ol = QVBoxLayout(org_box)
        self.org_form = OrganizationForm()
        existing = services.organization.get()
        if existing:
            self.org_form.set_draft(existing.to_draft())
        ol.addWidget(self.org_form)
        lay.addWidget(org_box)
        med_box = QGroupBox("调解员（至少一位）")
        mf = QFormLayout(med_box)
        self.mediator_errors = FieldErrors()
        self.mediator_name, self.mediator_phone, self.mediator_cert = QLineEdit(), QLineEdit(), QLineEdit()
        for field, label, widget in [("name", "姓名(&M)：", self.mediator_name), ("phone", "电话：", self.mediator_phone),
                                     ("certificate_no", "证书编号：", self.mediator_cert)]:
            add_row(mf, self.mediator_errors, field, label, widget)
        lay.addWidget(med_box)
        org_box.setVisible(not self.user_only)
        med_box.setVisible(not self.user_only)
        user_box = QGroupBox("在这台电脑上使用工作台的是")
        ul = QVBoxLayout(user_box)
        uf = QFormLayout()
        self.user_errors = FieldErrors()
        self.user = user_combo(services)
        add_row(uf, self.user_errors, "user", "使用者(&U)：", self.user)
        ul.addLayout(uf)
        hint = QLabel(USER_HINT)
        hint.setWordWrap(True)
        ul.addWidget(hint)
        lay.addWidget(user_box)
        # The mediator typed above is proposed as the user until another name is chosen.
        self._proposed = ""
        self.mediator_name.textChanged.connect(self._propose_user)
        self.message = error_label()
        self.message.setStyleSheet(ERROR_STYLE)
        dialog_layout.addWidget(self.message)
        self.buttons = ok_cancel("开始使用(&S)", "退出", on_ok=self.save, on_cancel=self.reject)
        dialog_layout.addWidget(self.buttons)
        # Wide enough for the case-code choices with their examples beside them.
        fit_to_screen(self, (900, 760 if not self.user_only else 300))

    def _propose_user(self, name: str) -> None:
        if self.user.currentText().strip() in ("", self._proposed):
            self.user.setEditText(name.strip())
        self._proposed = name.strip()

    def user_name(self) -> str:
        return self.user.currentText().strip()

    def save(self) -> None:
        self.message.clear()
        self.message.hide()
        org = self.services.organization.get()
        user = self.user_name()
        user_problems_ = user_problems(self.services, user)
        self.user_errors.show(user_problems_)
        problems: list[FieldProblem] = []
        mediator_problems: list[FieldProblem] = []
        mediator = MediatorDraft(self.mediator_name.text(), self.mediator_phone.text(), self.mediator_cert.text())
        if not self.user_only:
            problems = self.services.organization.validate(self.org_form.draft())
            mediator_problems = self.services.mediators.validate(mediator)
            if not mediator.name.strip():
                mediator_problems = [p for p in mediator_problems if p.field != "name"]
                if not self.services.mediators.list() and not user:
                    mediator_problems.append(FieldProblem("name", "请至少填写一位调解员的姓名"))
            self.org_form.errors.show(problems)
            self.mediator_errors.show(mediator_problems)
        if problems or mediator_problems or user_problems_:
            focus_first_problem(self.org_form.errors, self.mediator_errors, self.user_errors)
            return
        try:
            if not self.user_only:
                self.services.organization.save(self.org_form.draft(), org.version if org else None)
                if mediator.name.strip():
                    self.services.mediators.save(mediator)
            ensure_mediator(self.services, user)
        except ValidationError as exc:
            self.message.say("\n".join(p.message for p in exc.problems))
            return
        except ServiceError as exc:
            self.message.say(str(exc))
            return
        if not self.settings.get(opts.CURRENT_USER):
            # Until now this PC wrote as the unnamed user: its private notes and drafts are this
            # user's, and would otherwise vanish from their sight.
            self.services.sessions.adopt_private_notes(opts.UNNAMED_USER, user)
            self.services.journals().adopt_private_drafts(opts.UNNAMED_USER, user)
        opts.set_current_user(self.services, self.settings, user)
        self.accept()

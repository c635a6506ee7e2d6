"""First run: set up the organisation and its first mediator, in one short dialog."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mediator_desktop.services.errors import FieldProblem, ServiceError, ValidationError
from mediator_desktop.services.organization import MediatorDraft
from mediator_desktop.ui.settings_dialog import OrganizationForm, error_label
from mediator_desktop.ui.widgets import ERROR_STYLE, FieldErrors, add_row, ok_cancel


class FirstRunDialog(QDialog):
    def __init__(self, services, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.services = services
        self.setWindowTitle("欢迎使用调解工作台")
        lay = QVBoxLayout(self)
        intro = QLabel("第一次使用，请先填写调解组织和调解员的基本信息。以后可以在“设置”中修改。")
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
        self.message = error_label()
        self.message.setStyleSheet(ERROR_STYLE)
        lay.addWidget(self.message)
        buttons = ok_cancel("开始使用(&S)", "退出", on_ok=self.save, on_cancel=self.reject)
        lay.addWidget(buttons)
        self.resize(720, 700)

    def save(self) -> None:
        self.message.clear()
        org = self.services.organization.get()
        mediator = MediatorDraft(self.mediator_name.text(), self.mediator_phone.text(), self.mediator_cert.text())
        problems = self.services.organization.validate(self.org_form.draft())
        mediator_problems = self.services.mediators.validate(mediator)
        if not self.services.mediators.list() and not mediator.name.strip():
            mediator_problems = [p for p in mediator_problems if p.field != "name"] + [
                FieldProblem("name", "请至少填写一位调解员的姓名")]
        self.org_form.errors.show(problems)
        self.mediator_errors.show(mediator_problems)
        if problems or mediator_problems:
            return
        try:
            self.services.organization.save(self.org_form.draft(), org.version if org else None)
            if mediator.name.strip():
                self.services.mediators.save(mediator)
        except ValidationError as exc:
            self.message.setText("\n".join(p.message for p in exc.problems))
            return
        except ServiceError as exc:
            self.message.setText(str(exc))
            return
        self.accept()

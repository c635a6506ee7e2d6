"""What the case view's tabs share: each shows one case and says when it wrote something."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QWidget

from mediator_desktop.services.guard import CaseRights
from mediator_desktop.ui.common.widgets import hold_back

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services


class RoleLimited:
    """A part of the case view whose buttons write (issue 16): ``WRITES`` maps each such
    button's attribute to the kind of write it makes (a :class:`CaseRights` field: ``edit``,
    ``records``, ``notes``, ``archive``). The case view gives the user's rights on the shown
    case (:meth:`set_rights`) before the part shows it; the part's own enabling ends with
    :meth:`hold_back`, which greys what the role does not allow and says why in the tooltip."""

    WRITES: ClassVar[dict[str, str]] = {}
    rights: CaseRights = CaseRights()

    def set_rights(self, rights: CaseRights) -> None:
        self.rights = rights
        self.hold_back()

    def hold_back(self) -> None:
        for name, kind in self.WRITES.items():
            hold_back(getattr(self, name), self.rights.why(kind))


class CasePanel(RoleLimited, QWidget):
    """A tab of the case view (sessions, agreement, follow-ups, evidence, the case file).

    :meth:`show_case` loads a case (the case view calls it when the tab is first looked at
    after the case changed); ``changed(case_id)`` after every write, which the case view passes
    on to the change bus."""

    changed = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.case_id: int | None = None
        self.document_dialog: QDialog | None = None

    def show_case(self, case_id: int) -> None:
        raise NotImplementedError

    def report_change(self) -> None:
        """Say that the shown case was written (the header, the other tabs and the list follow)."""
        if self.case_id is not None:
            self.changed.emit(self.case_id)

    def open_document(self, code: str, kind: str, settings: Any = None) -> QDialog:
        """The documents dialog on one document of the case (``kind``, e.g. 移送函), printed in
        the style of ``settings`` (None: the defaults); kept in ``document_dialog``."""
        from mediator_desktop.documents.style import style_from_settings
        from mediator_desktop.ui.documents.document_dialog import DocumentDialog

        dialog = DocumentDialog(self.services, style_from_settings(settings), code, self, kind=kind)
        dialog.open()
        self.document_dialog = dialog
        return dialog

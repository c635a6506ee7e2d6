"""Every document the application produces, by the name the CLI and the UI use."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from mediator_desktop.documents.forms import BuildOptions, OrgHeader
from mediator_desktop.documents.model import Document

Builder = Callable[[OrgHeader, dict[str, Any], BuildOptions], Document]


class _Builder:
    """A form builder imported when first called: printing one document (the command line's
    render) loads only the module of its own form."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = f"mediator_desktop.documents.{module}", name

    def __call__(self, org: OrgHeader, case: dict[str, Any], options: BuildOptions) -> Document:
        build: Builder = getattr(import_module(self.module), self.name)
        return build(org, case, options)

    def __repr__(self) -> str:
        return f"{self.module}.{self.name}"


#: CLI name → (Chinese title, builder), in the order of the case file.
BUILDERS: dict[str, tuple[str, Builder]] = {
    "application": ("人民调解申请书", _Builder("forms_intake", "application")),
    "acceptance": ("人民调解受理登记表", _Builder("forms_intake", "acceptance")),
    "notice": ("当事人权利义务告知书", _Builder("forms_intake", "notice")),
    "investigation-record": ("人民调解调查记录", _Builder("forms_records", "investigation_record")),
    "mediation-record": ("人民调解记录", _Builder("forms_records", "mediation_record")),
    "agreement": ("人民调解协议书", _Builder("forms", "agreement")),
    "oral-agreement": ("人民调解口头协议登记表", _Builder("forms_records", "oral_agreement")),
    "termination": ("终止调解告知书", _Builder("forms_records", "termination")),
    "follow-up-record": ("人民调解回访记录", _Builder("forms_records", "follow_up_record")),
    "judicial-confirmation": ("司法确认申请书", _Builder("forms", "judicial_confirmation")),
    "conference-record": ("联席会议记录", _Builder("forms_conference", "conference_record")),
    "referral-letter": ("移送函", _Builder("forms_referral", "referral_letter")),
}
#: The whole case file: one PDF assembled from the forms (documents/casefile.py).
CASE_FILE = "case-file"
TITLES: dict[str, str] = {**{k: title for k, (title, _) in BUILDERS.items()}, CASE_FILE: "调解卷宗（整卷）"}

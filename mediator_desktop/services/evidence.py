"""Attachments kept with a case (证据材料、身份证明、履行凭证…) and the case-file checklist."""

from __future__ import annotations

from mediator_desktop.services.context import ServiceContext


class EvidenceService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

"""The agreement (人民调解协议) with its structured terms, and the performance of each term."""

from __future__ import annotations

from mediator_desktop.services.context import ServiceContext


class AgreementService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

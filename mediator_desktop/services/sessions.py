"""Mediation sessions (调查/调解), their records, caucus and private notes, and the rights notice."""

from __future__ import annotations

from mediator_desktop.services.context import ServiceContext


class SessionService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

"""Errors a service raises; every message is Chinese and fit to show the user as it is."""

from __future__ import annotations

from dataclasses import dataclass

from mediator_desktop.errors import ConflictError, ServiceError

# Opening a database: the UI catches these from here, never from storage.
from mediator_desktop.storage.db import DatabaseMissingError, StorageError

__all__ = ["ConflictError", "DatabaseMissingError", "FieldProblem", "NotFoundError", "PermissionDenied",
           "ServiceError", "StorageError", "TransitionError", "ValidationError"]


@dataclass(frozen=True)
class FieldProblem:
    """A problem with one input field.

    ``field`` is a path such as ``received_on`` or ``parties[1].id_number``; the UI puts the
    message next to that field. ``warning`` problems do not block once the user confirms.
    """

    field: str
    message: str
    warning: bool = False


class ValidationError(ServiceError):
    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        errors = [p for p in problems if not p.warning] or problems
        head = errors[0].message if errors else "输入有误"
        more = f"（另有{len(errors) - 1}处问题）" if len(errors) > 1 else ""
        super().__init__(head + more)

    @property
    def errors(self) -> list[FieldProblem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[FieldProblem]:
        return [p for p in self.problems if p.warning]


class NotFoundError(ServiceError):
    pass


class PermissionDenied(ServiceError):
    pass


class TransitionError(ServiceError):
    """A state change the rules do not allow."""


class Cancelled(ServiceError):
    """The user stopped a long operation (an import rolls back whole, an export leaves no file)."""

    def __init__(self, message: str = "已取消") -> None:
        super().__init__(message)

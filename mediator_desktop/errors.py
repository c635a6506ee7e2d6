"""The one error base every layer may raise: ``str(error)`` is a Chinese sentence for the user.

It lives here, outside ``services`` and ``storage``, so that the storage layer can raise an
error the window shows as it is (a locked or unreachable database) without importing the
services (``services.errors`` re-exports it; that is where callers import it from).
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base class: ``str(error)`` is a complete Chinese sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


#: What every stale save says (optimistic locking); the UI keeps the user's input on the screen.
STALE_MESSAGE = "这条记录已被其他电脑修改。您的修改仍保留在屏幕上：请关闭后重新打开查看最新内容，再重新修改。"


class ConflictError(ServiceError):
    """Someone else saved the same record since it was opened (optimistic locking). Raised by
    the database's write helper for any save SQLAlchemy finds stale, so no service repeats it."""

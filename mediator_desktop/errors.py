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

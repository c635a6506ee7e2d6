"""A problem found in a case-exchange document (validate.py finds them; the import adds its own).

A module of its own so that code that only reports problems, or only exports, need not load the
validator (its JSON Schema and patterns)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem of a document: where (a JSON path) and what (Chinese, for the user)."""

    path: str
    message: str

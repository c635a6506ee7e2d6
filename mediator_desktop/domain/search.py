"""What the one search box looks in, built as one lower-case text per case.

A mediator types a case code, a party's name, its pinyin initials (``zs`` finds 张三), a phone
number, an ID number, or words of the summary; all of them are put in ``search_text``.
"""

from __future__ import annotations

from collections.abc import Iterable

from mediator_desktop.domain.pinyin import name_search_keys, text_search_keys

SEPARATOR = " \u2502 "  # a character nobody types, so terms never match across fields


def party_terms(
    name: str, kind: str, phone: str, id_number: str, credit_code: str, agent_names: Iterable[str]
) -> list[str]:
    keys = name_search_keys(name) if kind == "person" else text_search_keys(name)
    return [name, keys, phone, id_number, credit_code, *agent_names]


def build_search_text(
    *,
    code: str,
    title: str,
    summary: str,
    requests: Iterable[str],
    parties: Iterable[list[str]],
    mediator_names: Iterable[str],
) -> str:
    parts: list[str] = [code, title]
    for terms in parties:
        parts.extend(terms)
    parts.extend(mediator_names)
    parts.extend(requests)
    parts.append(summary)
    return SEPARATOR.join(p.strip() for p in parts if p and p.strip()).lower()


def query_terms(text: str) -> list[str]:
    """Split what was typed into terms that must all match (full-width spaces count too)."""
    return [t for t in text.replace("\u3000", " ").lower().split() if t]

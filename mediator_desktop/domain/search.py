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


def _is_ideograph(ch: str) -> bool:
    code = ord(ch)
    return (0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF
            or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF)


class _TokenChars(dict[int, str]):
    """What :func:`char_tokens` makes of each character, worked out on its first use (a
    ``str.translate`` table: the text is then mapped in C, not character by character here)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if _is_ideograph(ch) and not (0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF):
            out = f" {ch} "
        elif ch.isalnum():
            out = ch
        else:
            out = " "
        self[code] = out
        return out


_TOKEN_CHARS = _TokenChars()


def char_tokens(text: str) -> str:
    """The text as words the way an FTS5 ``unicode61`` index splits them, except that every
    Chinese character stands alone (``张 三 zs 138…``).

    A word index over this finds one- and two-character searches (a surname, 张三, ``zs``)
    that a trigram index cannot: two characters become a two-word phrase.
    """
    return " ".join(text.translate(_TOKEN_CHARS).split())


def short_term_query(term: str) -> str:
    """FTS5 query for a one- or two-character term over :func:`char_tokens` text: a phrase of
    its characters, the last one matched as a prefix when it is a letter or digit."""
    tokens = char_tokens(term).split()
    if not tokens:
        return '""'
    phrase = '"' + " ".join(tokens).replace('"', '""') + '"'
    return phrase + ("*" if term[-1:].isascii() and term[-1:].isalnum() else "")


def short_term_pattern(term: str) -> str:
    """The ``LIKE`` pattern over ``' ' || search_chars`` that finds what
    :func:`short_term_query` finds (words starting with the term's characters)."""
    tokens = " ".join(char_tokens(term).split())
    escaped = tokens.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"% {escaped}%"

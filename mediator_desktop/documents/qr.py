"""The QR code a document carries in its footer (its code for checking a printed copy), for
both renderers: the PDF draws its modules, the Word file shows it as a picture.

A module of its own so that the Word renderer needs no reportlab (about 0.1 s of imports for a
command-line render).
"""

from __future__ import annotations

import io
from functools import lru_cache

import segno

QR_SIZE_MM = 16.0


@lru_cache(maxsize=32)
def _qr(payload: str) -> segno.QRCode:
    """Encoded once per payload: a document is often previewed, printed and saved as DOCX."""
    return segno.make_qr(payload, error="m", boost_error=False)


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR code of ``payload`` as rows of dark/light modules (error correction M)."""
    return [[bool(v) for v in row] for row in _qr(payload).matrix]


def qr_png(payload: str, scale: int = 6) -> bytes:
    """The same QR code as a PNG (for the DOCX renderer)."""
    out = io.BytesIO()
    _qr(payload).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()

"""The kinds of attached file the case file binds as pages (PDFs and images), named once.

Kept apart from :mod:`mediator_desktop.documents.casefile` so that the services can ask
"is this bound?" without loading the case-file machinery (reportlab, pypdf, Pillow) at start.
"""

from __future__ import annotations

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/tiff", "image/gif", "image/bmp", "image/webp"})
PDF_TYPE = "application/pdf"

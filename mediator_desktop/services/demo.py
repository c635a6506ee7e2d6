"""``mediator-desktop demo``: fill the database with realistic cases so a new user can try
everything (the cases go through the ordinary import, so they obey every rule)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mediator_desktop.services.demo_data import generate_document
from mediator_desktop.services.organization import MediatorDraft, OrganizationDraft

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services


def load_demo(services: Services, count: int = 200, *, seed: int = 2026) -> int:
    """Import ``count`` generated cases; returns how many were created.

    A database without an organisation gets the demo organisation and its mediators, so the
    first-run set-up is done too.
    """
    doc = generate_document(count, seed, today=services.ctx.today())
    # Registered in the order they came in, so the numbers grow with the dates.
    doc["cases"].sort(key=lambda c: c["received_on"])
    if services.organization.get() is None:
        org = doc["organization"]
        services.organization.save(OrganizationDraft(
            name=org["name"], short_name=org.get("short_name", "调"), kind=org.get("kind", "committee"),
            address=org.get("address", ""), phone=org.get("phone", ""), seal_text=org["name"]))
    known = {m.name for m in services.mediators.list()}
    for case in doc["cases"]:
        for m in case.get("mediators", []):
            if m["name"] not in known:
                services.mediators.save(MediatorDraft(name=m["name"]))
                known.add(m["name"])
    # Trying it twice fills in a second set (generated cases are not a ledger to keep clean).
    result = services.exchange.import_document(doc, allow_duplicates=True)
    return len(result.created)

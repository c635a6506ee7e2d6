"""The case list and the case view with its panels (sessions and records, agreement, follow-ups,
evidence, case-file checklist; each a panel_base.CasePanel) and the editors and dialogs they open."""

"""Shared widgets and plumbing of the Qt shell: form rows and screen fitting, the red error line,
the yes/no question (ask_yes_no), the dialog bases (PreserveGeometry keeps a dialog's size and
splitters, GuardedDialog asks before dropping typed text), the change bus (bus.ChangeBus),
background tasks, fonts, Qt translations and the global exception hook."""

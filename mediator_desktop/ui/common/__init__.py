"""Shared widgets and plumbing of the Qt shell: form rows and screen fitting, background tasks,
fonts, Qt translations and the global exception hook."""

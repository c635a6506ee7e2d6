"""帮助: the user guide, 关于, and the diagnostics file for whoever supports the user."""

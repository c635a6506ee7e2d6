"""Registering a case (受理登记) and entering a party."""

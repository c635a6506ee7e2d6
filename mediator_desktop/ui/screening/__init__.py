"""排查记录: the screening log window and its round dialog."""

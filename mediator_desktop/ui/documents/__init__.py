"""Choosing, previewing, saving and printing a document."""

"""Settings (options pages, organisation, connection) and the first-run dialog."""

"""The ledger (台账): exporting it to Excel and importing a room's existing one."""

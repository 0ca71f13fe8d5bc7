"""The people behind the kiosk: staff accounts, the help queue, residents' records and their history, imports from
the staff desk, the check log as staff read it, and the audit log of everything staff do. Nothing here knows Flask."""

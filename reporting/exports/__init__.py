"""Exports: the ledger (台账) in Excel and CSV, the statutory returns, and the weekly and
monthly reports of a district. Reads only: every figure comes from scoped querysets
(`visible_to(user)`) and SQL aggregates, in a fixed number of queries per sheet."""

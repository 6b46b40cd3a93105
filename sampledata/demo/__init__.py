"""Demo data built from the seed reports (青羊、峨山、西工、南通): see `load_demo`."""

from __future__ import annotations


def load_demo(as_of=None):
    """Build the demo data idempotently; returns the demo accounts (username, role, scope)."""
    from .builder import load
    from .funding import load_funding_demo
    from .governance import load_governance_demo

    accounts = load(as_of=as_of)
    load_funding_demo()
    load_governance_demo(as_of=as_of)
    return accounts

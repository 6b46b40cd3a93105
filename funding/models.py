"""Funding sources, commitments, receipts and expenditures (built in the funding issue)."""

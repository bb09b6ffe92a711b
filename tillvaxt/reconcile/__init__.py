"""Reconciliation: the appropriation year chain, usage per instrument, recipients."""

"""Deterministic generator of the sample raw tree (`data/raw/`): a development tool, not
part of the shipped package.

`uv run python -m tools.sample_data` rewrites `data/raw/` byte for byte; `--describe`
prints the planted findings with their lines and the year figures, `--table` the planted
findings as the markdown table of `docs/findings.md`. One module per source
(`appropriations`, `payouts`, `decisions`, `surveys`, `population`, `eu_projects`), the
story they are written from in `ledger` and `model`, and what the tree must contain in
`planted` (the planted findings, declared once) and `common` (the report's figures).

The generator deliberately does not import `tillvaxt`: it re-states the rules it plants
(`planted.audit`) so that a bug in the pipeline cannot also bend the data meant to catch it.
"""

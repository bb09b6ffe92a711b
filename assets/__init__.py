"""Dagster assets, one module per stage, in the order data flows:

- `raw` — every source's files as delivered (one asset per source in `sources`);
- `validated` — each source typed and checked, its quarantine and `nothing_lost`;
- `reconciled` — the quarantine union, the appropriation chain and the tables after it;
- `statistics` — disclosure-controlled support tables and survey estimates;
- `published` — one publication of every table and report.

The assets are thin: read their inputs, call a plain function from `tillvaxt`,
attach metadata, return. Their group is their stage, their owners, freshness and
partitions are applied once (`pipelines/attributes.py`), and their resources are in
`resources`. The logic is tested without Dagster.
"""

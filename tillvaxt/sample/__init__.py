"""Deterministic sample raw data for the tillvaxt pipeline.

`python -m tillvaxt.sample.generate` rebuilds `data/raw/`; see `generate` for what
is in it and which findings are planted on purpose.
"""

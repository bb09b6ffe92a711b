"""Dagster assets by stage: ingest → validated → reconciled → published.

The assets are thin: read their inputs, call a plain function from `tillvaxt`,
attach metadata, return. The logic is tested without Dagster.
"""

"""Seeded generator of TLC-schema yellow-taxi monthly Parquet files (see docs/extraction.md)."""
from etl.sample.generator import generate_month, write_month
from etl.sample.schema import VARIANTS, variant_for

__all__ = ["VARIANTS", "generate_month", "variant_for", "write_month"]

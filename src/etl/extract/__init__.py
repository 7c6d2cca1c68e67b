"""Extraction step: NYC TLC yellow-taxi monthly files (+ zone table) into the MinIO rawzone.

    from etl.extract import extract_months
    result = extract_months("2024-01..2024-03")          # Airflow: result.to_dict()

CLI: python -m etl.extract --months 2024-01..2024-03 [--source TEMPLATE] [--progress-json]
"""
from etl.extract.errors import ExtractError, UsageError
from etl.extract.layout import DEFAULT_SOURCE, DEFAULT_ZONES_SOURCE, sample_source, trip_key
from etl.extract.months import Month, parse_months
from etl.extract.run import ExtractResult, extract_months
from etl.extract.transfer import TransferOptions

__all__ = [
    "DEFAULT_SOURCE", "DEFAULT_ZONES_SOURCE", "ExtractError", "ExtractResult", "Month", "TransferOptions",
    "UsageError", "extract_months", "parse_months", "sample_source", "trip_key",
]

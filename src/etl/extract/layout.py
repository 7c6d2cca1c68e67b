"""Where things come from (URL templates) and where they go (keys in the rawzone bucket).

Layout (Hive-style partitions so Spark can prune by year/month):
    yellow_tripdata/year=2024/month=01/yellow_tripdata_2024-01.parquet
    reference/taxi_zone_lookup.csv
    _manifests/<run_id>.json, _manifests/latest.json
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import urlparse

from etl.config import PROJECT_ROOT
from etl.extract.errors import UsageError
from etl.extract.months import Month

TLC_BASE = "https://d37ci6vzurychx.cloudfront.net"
DEFAULT_SOURCE = TLC_BASE + "/trip-data/yellow_tripdata_{YYYY}-{MM}.parquet"
DEFAULT_ZONES_SOURCE = TLC_BASE + "/misc/taxi_zone_lookup.csv"
SAMPLE_DIR = PROJECT_ROOT / "Data_extracted"
ZONES_FILE = "taxi_zone_lookup.csv"
ZONES_KEY = "reference/" + ZONES_FILE
MANIFEST_PREFIX = "_manifests/"
_PLACEHOLDER = re.compile(r"\{([A-Za-z]+)\}")
_SCHEMES = ("file", "http", "https")


SAMPLE_FILE_TEMPLATE = "yellow_tripdata_{YYYY}-{MM}.parquet"


def sample_source(folder: Path = SAMPLE_DIR) -> str:
    return folder.resolve().as_uri() + "/" + SAMPLE_FILE_TEMPLATE


def trip_key(month: Month) -> str:
    return f"yellow_tripdata/year={month.year:04d}/month={month.month:02d}/yellow_tripdata_{month}.parquet"


def manifest_key(run_id: str) -> str:
    return f"{MANIFEST_PREFIX}{run_id}.json"


def s3a_path(bucket: str, key: str) -> str:
    return f"s3a://{bucket}/{key}"


def check_url(url: str, what: str) -> None:
    scheme = urlparse(url).scheme
    if scheme not in _SCHEMES:
        raise UsageError(f"{what} {url!r} must start with file://, http:// or https://")


def check_template(template: str) -> None:
    """A trip source must contain {YYYY} and {MM} and nothing else in braces."""
    names = set(_PLACEHOLDER.findall(template))
    unknown = names - {"YYYY", "MM"}
    if unknown or names != {"YYYY", "MM"}:
        raise UsageError(
            f"--source {template!r} must contain {{YYYY}} and {{MM}} (and no other placeholder), "
            f"e.g. {DEFAULT_SOURCE}"
        )
    check_url(template, "--source")


def render(template: str, month: Month) -> str:
    return template.replace("{YYYY}", f"{month.year:04d}").replace("{MM}", f"{month.month:02d}")


def zones_url(location: str) -> str:
    """`--zones` as a URL: a URL as given, a local path (no scheme) as an absolute file:// URL."""
    if urlparse(location).scheme:
        return location
    return Path(location).expanduser().resolve().as_uri()


def default_zones_source(source_template: str) -> str:
    """The TLC zone table, or the one beside the trip files when they are local."""
    parsed = urlparse(source_template)
    if parsed.scheme == "file":
        folder = posixpath.dirname(parsed.path)
        return f"file://{folder}/{ZONES_FILE}"
    return DEFAULT_ZONES_SOURCE

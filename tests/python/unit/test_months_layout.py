import pytest

from etl.extract.errors import UsageError
from etl.extract.layout import (
    DEFAULT_ZONES_SOURCE,
    check_template,
    default_zones_source,
    manifest_key,
    render,
    s3a_path,
    sample_source,
    trip_key,
)
from etl.extract.months import Month, MonthSpecError, parse_months


def test_single_month():
    assert parse_months("2024-01") == [Month(2024, 1)]


def test_range_crosses_year_end():
    assert [str(m) for m in parse_months("2023-11..2024-02")] == ["2023-11", "2023-12", "2024-01", "2024-02"]


def test_comma_list_is_sorted_and_deduplicated():
    assert [str(m) for m in parse_months("2024-03, 2024-01..2024-02,2024-01")] == ["2024-01", "2024-02", "2024-03"]


@pytest.mark.parametrize("spec", ["2024-3", "2024-13", "24-01", "2024-01..", "jan", "", "2008-12", "2024-00"])
def test_bad_month_specs(spec):
    with pytest.raises(MonthSpecError):
        parse_months(spec)


def test_inverted_range_names_the_fix():
    with pytest.raises(MonthSpecError, match="inverted: write 2024-01..2024-03"):
        parse_months("2024-03..2024-01")


def test_trip_key_layout():
    assert trip_key(Month(2024, 1)) == "yellow_tripdata/year=2024/month=01/yellow_tripdata_2024-01.parquet"
    assert s3a_path("rawzone", trip_key(Month(2025, 12))) == (
        "s3a://rawzone/yellow_tripdata/year=2025/month=12/yellow_tripdata_2025-12.parquet")
    assert manifest_key("r1") == "_manifests/r1.json"


def test_render_template():
    template = "https://host/trip-data/yellow_tripdata_{YYYY}-{MM}.parquet"
    assert render(template, Month(2024, 3)) == "https://host/trip-data/yellow_tripdata_2024-03.parquet"


@pytest.mark.parametrize("template", [
    "https://host/yellow.parquet",                      # no placeholder
    "https://host/yellow_{YYYY}.parquet",               # no month
    "https://host/yellow_{YYYY}-{MM}-{DD}.parquet",     # unknown placeholder
    "ftp://host/yellow_{YYYY}-{MM}.parquet",            # unsupported scheme
    "/data/yellow_{YYYY}-{MM}.parquet",                 # not a URL
])
def test_bad_templates_are_usage_errors(template):
    with pytest.raises(UsageError):
        check_template(template)


def test_zone_source_defaults():
    assert default_zones_source("file:///data/x/yellow_{YYYY}-{MM}.parquet") == "file:///data/x/taxi_zone_lookup.csv"
    assert default_zones_source("https://h/yellow_{YYYY}-{MM}.parquet") == DEFAULT_ZONES_SOURCE


def test_sample_source_is_an_absolute_file_url():
    source = sample_source()
    assert source.startswith("file:///") and source.endswith("/Data_extracted/yellow_tripdata_{YYYY}-{MM}.parquet")
    check_template(source)

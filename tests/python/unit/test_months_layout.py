import re

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
from etl.extract.months import MAX_MONTHS, Month, MonthSpecError, parse_months


def test_single_month():
    assert parse_months("2024-01") == [Month(2024, 1)]


def test_range_crosses_year_end():
    assert [str(m) for m in parse_months("2023-11..2024-02")] == ["2023-11", "2023-12", "2024-01", "2024-02"]


def test_comma_list_is_sorted_and_deduplicated():
    assert [str(m) for m in parse_months("2024-03, 2024-01..2024-02,2024-01")] == ["2024-01", "2024-02", "2024-03"]


def test_a_month_named_twice_is_one_month():
    assert [str(m) for m in parse_months("2024-01,2024-01, 2023-12..2024-02,2024-02..2024-02")] == [
        "2023-12", "2024-01", "2024-02"]


@pytest.mark.parametrize("spec", ["2024-3", "2024-13", "24-01", "2024-01..", "jan", "", "2008-12", "2024-00",
                                  "2024-01\x00", "2024-01\x1b[31m", "<b>2024-01</b>", "2024-01/../x", "'2024-01'"])
def test_bad_month_specs(spec):
    with pytest.raises(MonthSpecError):
        parse_months(spec)


def test_a_control_character_is_shown_escaped():
    with pytest.raises(MonthSpecError, match=re.escape("'2024-01\\x1b[31m'")):
        parse_months("2024-01\x1b[31m")


@pytest.mark.parametrize("spec, said", [
    ("2009-01..2842-04", "'2009-01..2842-04': 10000 months in one range, more than the 240 one run takes"),
    (",".join(["2024-01"] * 10_000), "10000 listed, more than the 240"),
    ("2009-01..2018-12,2019-01..2029-12", "252 months or more"),
])
def test_too_many_months_are_refused_at_once_naming_the_limit(monkeypatch, spec, said):
    steps = []
    real_next = Month.next
    monkeypatch.setattr(Month, "next", lambda self: steps.append(1) or real_next(self))
    with pytest.raises(MonthSpecError, match=re.escape(said) + ".*split them into runs of at most 240 months"):
        parse_months(spec)
    assert len(steps) <= 2 * MAX_MONTHS  # never a month per month asked for


def test_the_limit_itself_is_accepted():
    assert len(parse_months(f"2009-01..{2009 + MAX_MONTHS // 12 - 1}-12")) == MAX_MONTHS


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

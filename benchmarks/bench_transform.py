"""Benchmark of clean_and_transform (not a test).

For each size (--rows, default 1M and 10M) it generates one month with the sample generator,
extracts it into a throw-away rawzone bucket, then measures on the SAME running cluster:
  transform  - the real job (etl.submit -> etl.transform), rows/s over the driver's job time
  floor      - read the raw file and write it back unchanged as a Delta table (etl/transform/floor.py), like gold
  duckdb     - the same cleaning rules as SQL in DuckDB on the same file, one machine, local disk
and prints rows/s and the ratios transform/floor and transform/duckdb. Job times exclude the
~10 s of Spark application start-up (reported separately as wall time).
Then the checks (config/checks.yaml), --check-rounds times in alternation on the same gold:
  checks     - the transform as above (write-audit-publish: the checks before any write)
  no checks  - the same run with ETL_CHECKS_FILE naming an empty checks file
  etl check  - the checks on the gold just written (DuckDB over its cached files, cache warm)
  count      - a DuckDB count(*) of those same files (the floor of `etl check`)
and prints checks/no-checks (wall and job) and etl-check/count.
Then lineage (--lineage-rounds, in alternation on the same gold): the transform with its OpenLineage events
(etl.lineage: START before the read, COMPLETE with every table's schema and column lineage) and with
ETL_LINEAGE=off; prints lineage-on/off (wall and job). Goal (issue 25): <= 1.05 on the 10M-row month.

    PYTHONPATH=src python benchmarks/bench_transform.py --rows 200000          # quick
    PYTHONPATH=src python benchmarks/bench_transform.py                        # 1M and 10M
    PYTHONPATH=src python benchmarks/bench_transform.py --rows 40000000 --months 12 --year 2025   # a 2025 year
    PYTHONPATH=src python benchmarks/bench_transform.py --rows 10000000 --check-rounds 2         # the checks' cost
    PYTHONPATH=src python benchmarks/bench_transform.py --rows 10000000 --no-floors              # checks alone, 1 round
    PYTHONPATH=src python benchmarks/bench_transform.py --rows 10000000 --no-floors --check-rounds 0 --lineage-rounds 3
Needs the native stack up (etl up) and duckdb importable (pip install duckdb==1.5.6; it is not in
requirements-dev.txt, see the report). Buckets rawzone-bench-*/gold-bench-* are removed at the end.
"""
from __future__ import annotations

import argparse
import secrets
import sys
import time
from pathlib import Path

from bench_support import scratch_buckets

from etl.config import PROJECT_ROOT
from etl.extract.months import Month
from etl.extract.run import extract_months
from etl.sample.generator import write_month
from etl.submit import submit_task_to_spark
from etl.transform import floor
from etl.transform.rules import MAX_DURATION_S, MAX_SPEED_MPH, NATURAL_KEY
from etl.transform.schema import TARGET_COLUMNS

SQL_TYPES = {
    "IntegerType()": "INTEGER",
    "DoubleType()": "DOUBLE",
    "TimestampNTZType()": "TIMESTAMP",
    "StringType()": "VARCHAR",
}


def conform_sql(con, path: str, year: int, month: int) -> str:
    present = {
        name.lower(): name for name, *_ in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
    }
    columns = []
    for target, (source, dtype) in TARGET_COLUMNS.items():
        sql_type = SQL_TYPES[repr(dtype)]
        found = present.get(source.lower())
        columns.append(
            f'CAST("{found}" AS {sql_type}) AS {target}' if found else f"CAST(NULL AS {sql_type}) AS {target}"
        )
    return f"SELECT {', '.join(columns)}, {year} AS source_year, {month} AS source_month FROM read_parquet('{path}')"


def classify_sql(conformed: str) -> str:
    seconds = "(epoch(dropoff_datetime) - epoch(pickup_datetime))"
    required = " OR ".join(
        f"{c} IS NULL"
        for c in [
            "vendor_id",
            "pickup_datetime",
            "dropoff_datetime",
            "pu_location_id",
            "do_location_id",
            "trip_distance",
            "total_amount",
        ]
    )
    rule = f"""CASE
      WHEN {required} THEN 'missing_required'
      WHEN year(pickup_datetime) <> source_year OR month(pickup_datetime) <> source_month THEN 'pickup_outside_month'
      WHEN {seconds} < 0 THEN 'dropoff_before_pickup'
      WHEN {seconds} = 0 THEN 'zero_duration'
      WHEN {seconds} > {MAX_DURATION_S} THEN 'duration_over_24h'
      WHEN pu_location_id NOT BETWEEN 1 AND 265 OR do_location_id NOT BETWEEN 1 AND 265 THEN 'unknown_zone'
      WHEN trip_distance <= 0 THEN 'non_positive_distance'
      WHEN trip_distance / ({seconds} / 3600) > {MAX_SPEED_MPH} THEN 'absurd_speed'
      WHEN total_amount < 0 OR fare_amount < 0 THEN 'negative_amount'
      WHEN vendor_id NOT IN (1, 2, 6, 7) OR payment_type NOT IN (0, 1, 2, 3, 4, 5, 6)
           OR coalesce(rate_code_id, 99) NOT IN (1, 2, 3, 4, 5, 6, 99) THEN 'unknown_code' END"""
    key = ", ".join(NATURAL_KEY)
    return f"""WITH ruled AS (SELECT *, {rule} AS reject_rule FROM ({conformed}))
      SELECT * REPLACE (CASE WHEN reject_rule IS NULL AND row_number() OVER (
          PARTITION BY reject_rule IS NULL, {key} ORDER BY passenger_count, payment_type, tip_amount) > 1
        THEN 'duplicate' ELSE reject_rule END AS reject_rule) FROM ruled"""


def fact_sql() -> str:
    seconds = "(epoch(dropoff_datetime) - epoch(pickup_datetime))"
    return f"""SELECT hash({', '.join(NATURAL_KEY)}) AS trip_key, vendor_id, coalesce(rate_code_id, 99) AS rate_code_id,
      payment_type AS payment_type_id, CAST(strftime(pickup_datetime, '%Y%m%d') AS INTEGER) AS pickup_date_key,
      pu_location_id AS pickup_location_id, do_location_id AS dropoff_location_id, pickup_datetime, dropoff_datetime,
      hour(pickup_datetime) AS pickup_hour, passenger_count, store_and_fwd_flag, trip_distance AS trip_distance_mi,
      round({seconds} / 60, 2) AS duration_min, round(trip_distance / ({seconds} / 3600), 2) AS speed_mph,
      fare_amount, coalesce(tip_amount, 0) AS tip_amount, coalesce(airport_fee, 0) AS airport_fee, total_amount,
      CASE WHEN total_amount - tip_amount > 0 THEN round(tip_amount / (total_amount - tip_amount), 4) END AS tip_share,
      source_year AS pickup_year, source_month AS pickup_month FROM classified WHERE reject_rule IS NULL"""


def run_duckdb(files: list[tuple[Path, Month]], out: Path) -> dict:
    import duckdb

    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET threads = 2")
    clock = time.monotonic()
    conformed = " UNION ALL ".join(conform_sql(con, str(path), month.year, month.month) for path, month in files)
    con.execute(f"CREATE TEMP TABLE classified AS {classify_sql(conformed)}")
    con.execute(f"COPY ({fact_sql()}) TO '{out}/fact_trips.parquet' (FORMAT parquet)")
    con.execute(
        f"COPY (SELECT * FROM classified WHERE reject_rule IS NOT NULL) TO '{out}/rejected.parquet' (FORMAT parquet)"
    )
    con.execute(f"""COPY (SELECT pickup_date_key, pickup_location_id, count(*) trips, sum(total_amount) revenue
                        FROM ({fact_sql()}) GROUP BY ALL) TO '{out}/mart_daily_zone.parquet' (FORMAT parquet)""")
    con.execute(f"""COPY (SELECT pickup_hour, count(*) trips FROM ({fact_sql()}) GROUP BY ALL)
                    TO '{out}/mart_hourly_demand.parquet' (FORMAT parquet)""")
    seconds = time.monotonic() - clock
    counts = dict(con.execute("SELECT coalesce(reject_rule, 'kept'), count(*) FROM classified GROUP BY ALL").fetchall())
    return {"rows_read": sum(counts.values()), "rows_kept": counts.get("kept", 0), "duration_s": seconds}


def timed_submit(run_id: str, **kwargs) -> tuple[dict, float]:
    clock = time.monotonic()
    result = submit_task_to_spark(run=run_id, echo=None, **kwargs)
    return result.report, time.monotonic() - clock


def bench_size(rows: int, months: list[Month], work: Path, settings, seed: int, check_rounds: int,
               floors: bool = True, lineage_rounds: int = 0, smoke: bool = False) -> dict:
    """One size: `rows` spread over `months` (one file each), extracted as one run, then the three measures."""
    source_dir = work / f"src-{rows}"
    span = str(months[0]) if len(months) == 1 else f"{months[0]}..{months[-1]}"
    print(f"[{rows:,} rows] generating {span} ...", file=sys.stderr, flush=True)
    files = [(write_month(source_dir, month, rows // len(months), seed + i), month) for i, month in enumerate(months)]
    template = source_dir.resolve().as_uri() + "/yellow_tripdata_{YYYY}-{MM}.parquet"
    zones = (PROJECT_ROOT / "Data_extracted" / "taxi_zone_lookup.csv").resolve().as_uri()
    run_id = f"bench-{rows}-{secrets.token_hex(3)}"
    extract_months(span, template, zones, run_id=run_id, settings=settings)
    print(f"[{rows:,} rows] transform on the cluster ...", file=sys.stderr, flush=True)
    lineage_dir = work / "lineage"
    transform, transform_wall = timed_submit(run_id, env={"ETL_LINEAGE_DIR": str(lineage_dir)} if smoke else None)
    floor_report, floor_wall, duck = {"duration_s": float("nan")}, float("nan"), {"duration_s": float("nan")}
    if floors:
        print(f"[{rows:,} rows] read-and-write floor ...", file=sys.stderr, flush=True)
        floor_report, floor_wall = timed_submit(run_id, entry=Path(floor.__file__))
        print(f"[{rows:,} rows] duckdb ...", file=sys.stderr, flush=True)
        duck = run_duckdb(files, work / f"duckdb-{rows}")
        assert duck["rows_kept"] == transform["rows_kept"], (duck, transform["rows_kept"])  # same rules, same result
    if smoke:
        checks, lineage = smoke_arms(run_id, (transform, transform_wall), work, settings)
    else:
        checks = bench_checks(run_id, check_rounds, work, settings) if check_rounds else None
        lineage = bench_lineage(run_id, lineage_rounds, work) if lineage_rounds else None
    return {"checks": checks, "lineage": lineage, "rows": rows,
            "file_mb": sum(path.stat().st_size for path, _ in files) / 1e6,
            "transform": transform["duration_s"], "transform_wall": transform_wall, "floor": floor_report["duration_s"],
            "floor_wall": floor_wall, "duckdb": duck["duration_s"], "kept": transform["rows_kept"], "report": transform}


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def no_checks_file(work: Path) -> Path:
    """A checks file with no check (ETL_CHECKS_FILE): the transform without its checks."""
    empty = work / "no-checks.yaml"
    empty.write_text("checks: []\n")
    return empty


def bench_checks(run_id: str, rounds: int, work: Path, settings) -> dict:
    """The transform with and without its checks, alternating on the same gold (every run replaces the
    same partitions), then `etl check` on that gold beside a DuckDB count of the same files."""
    empty = no_checks_file(work)
    timed: dict[str, list[tuple[float, float]]] = {"checks": [], "none": []}
    checks_phase: list[float] = []
    for round_ in range(rounds):
        for label in ("none", "checks"):
            print(f"  checks round {round_ + 1}/{rounds}: transform, {label} ...", file=sys.stderr, flush=True)
            report, wall = timed_submit(run_id, env={"ETL_CHECKS_FILE": str(empty)} if label == "none" else None)
            timed[label].append((wall, report["duration_s"]))
            if label == "checks":
                checks_phase.append((report.get("phases_s") or {}).get("checks", 0.0))
    return {"checks_wall": median([w for w, _ in timed["checks"]]), "none_wall": median([w for w, _ in timed["none"]]),
            "checks_job": median([j for _, j in timed["checks"]]), "none_job": median([j for _, j in timed["none"]]),
            "checks_phase": median(checks_phase), **bench_etl_check(work / "check-cache", settings)}


def smoke_arms(run_id: str, full: tuple[dict, float], work: Path, settings) -> tuple[dict, dict]:
    """--smoke: every measure's code once at the fewest spark-submits. The transform above ran with its checks and
    its lineage events (into work/lineage); one bare run (no checks, ETL_LINEAGE=off) is the other arm of both."""
    report, wall = full
    events = len(list((work / "lineage").glob("*.json")))
    assert events == 2, f"the transform with lineage on left {events} event files, not 2"
    empty = no_checks_file(work)
    print("  smoke: transform without checks and lineage ...", file=sys.stderr, flush=True)
    bare, bare_wall = timed_submit(run_id, env={"ETL_CHECKS_FILE": str(empty), "ETL_LINEAGE": "off"})
    checks = {"checks_wall": wall, "none_wall": bare_wall, "checks_job": report["duration_s"],
              "none_job": bare["duration_s"], "checks_phase": (report.get("phases_s") or {}).get("checks", 0.0),
              **bench_etl_check(work / "check-cache", settings)}
    lineage = {"on_wall": wall, "on_job": report["duration_s"], "off_wall": bare_wall, "off_job": bare["duration_s"]}
    return checks, lineage


def bench_lineage(run_id: str, rounds: int, work: Path) -> dict:
    """The transform with its lineage events and with ETL_LINEAGE=off, alternating on the same gold; each run
    with events must leave its START and COMPLETE in the scratch lineage folder."""
    folder = work / "lineage"
    timed: dict[str, list[tuple[float, float]]] = {"on": [], "off": []}
    for round_ in range(rounds):
        for label in ("off", "on"):
            print(f"  lineage round {round_ + 1}/{rounds}: transform, lineage {label} ...", file=sys.stderr, flush=True)
            before = len(list(folder.glob("*.json"))) if folder.exists() else 0
            report, wall = timed_submit(run_id, env={"ETL_LINEAGE_DIR": str(folder),
                                                     **({"ETL_LINEAGE": "off"} if label == "off" else {})})
            after = len(list(folder.glob("*.json"))) if folder.exists() else 0
            assert after - before == (2 if label == "on" else 0), f"lineage {label}: {after - before} event files"
            timed[label].append((wall, report["duration_s"]))
    return {key: median([pair[i] for pair in timed[label]])
            for label in ("on", "off") for i, key in ((0, f"{label}_wall"), (1, f"{label}_job"))}


def print_lineage(r: dict) -> None:
    lineage = r["lineage"]
    print(f"[{r['rows']:,} rows] lineage: transform {lineage['on_wall']:.1f} s wall / {lineage['on_job']:.1f} s job "
          f"with events, {lineage['off_wall']:.1f} / {lineage['off_job']:.1f} s with ETL_LINEAGE=off: lineage on/off "
          f"{lineage['on_wall'] / lineage['off_wall']:.3f} (wall), {lineage['on_job'] / lineage['off_job']:.3f} (job; "
          "goal <= 1.05, medians)")


def bench_etl_check(cache: Path, settings) -> dict:
    """etl check's engine (etl.checks.gold) with its cache warm, and a DuckDB count(*) of the same files."""
    import duckdb

    from etl.checks.gold import check_gold
    from etl.checks.suite import load_checks
    from etl.extract.store import make_client

    client, checks = make_client(settings), load_checks()
    clock = time.monotonic()
    check_gold(client, settings.gold_bucket, checks, cache)  # cold: downloads the snapshot's files
    cold = time.monotonic() - clock
    clock = time.monotonic()
    results = check_gold(client, settings.gold_bucket, checks, cache)
    warm = time.monotonic() - clock
    failed = [r["name"] for r in results if r["status"] == "fail"]
    assert not failed, f"checks failed on the benchmark's gold: {failed}"
    files = [str(path) for path in cache.rglob("*.parquet")]
    clock = time.monotonic()
    count_sql = "SELECT count(*) FROM read_parquet($files, union_by_name = true)"
    duckdb.connect().execute(count_sql, {"files": files}).fetchone()
    return {"check_cold": cold, "check_warm": warm, "count": time.monotonic() - clock, "check_files": len(files)}


def print_checks(r: dict) -> None:
    c = r["checks"]
    wall, job = c["checks_wall"] / c["none_wall"], c["checks_job"] / c["none_job"]
    print(f"[{r['rows']:,} rows] checks: transform {c['checks_wall']:.1f} s wall / {c['checks_job']:.1f} s job with "
          f"checks, {c['none_wall']:.1f} / {c['none_job']:.1f} s without: checks/no-checks {wall:.3f} (wall), "
          f"{job:.3f} (job); the checks phase {c['checks_phase']:.1f} s (medians)")
    print(f"[{r['rows']:,} rows] etl check {c['check_warm']:.2f} s warm ({c['check_cold']:.2f} s cold, "
          f"{c['check_files']} files), DuckDB count(*) of the same files {c['count']:.2f} s: "
          f"etl-check/count {c['check_warm'] / c['count']:.2f}")


def print_results(results: list[dict]) -> None:
    print(f"{'rows':>12} {'MB':>7} {'transform r/s':>14} {'floor r/s':>12} {'duckdb r/s':>12} "
          f"{'transform/floor':>16} {'transform/duckdb':>17}   (job s: transform, floor, duckdb; wall s)")
    for r in results:
        t, f, d = (r["rows"] / r[k] for k in ("transform", "floor", "duckdb"))
        print(
            f"{r['rows']:>12,} {r['file_mb']:>7.1f} {t:>14,.0f} {f:>12,.0f} {d:>12,.0f} {t / f:>16.2f} {t / d:>17.2f}"
            f"   ({r['transform']:.1f}, {r['floor']:.1f}, {r['duckdb']:.1f};"
            f" {r['transform_wall']:.1f}, {r['floor_wall']:.1f})"
        )


def print_breakdown(r: dict) -> None:
    """Where the transform's seconds went: start-up (wall minus job), each phase, each write with its commit."""
    report = r["report"]
    print(f"[{r['rows']:,} rows] start-up {r['transform_wall'] - r['transform']:.1f} s (wall - job); "
          + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in (report.get("phases_s") or {}).items()))
    for label, seconds in sorted((report.get("writes_s") or {}).items()):
        print(f"    write {label:<36} {seconds:6.1f} s (files + Delta commit; 4 writes overlap)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="1000000,10000000", help="comma list of month sizes (rows)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--months", type=int, default=1, choices=range(1, 13), metavar="1-12",
                        help="spread each size over this many monthly files of --year (12: a year)")
    parser.add_argument("--year", type=int, default=2024, help="2025: the 2025 schema (nanosecond timestamps)")
    parser.add_argument("--check-rounds", type=int, default=1, metavar="N",
                        help="rounds of transform with and without checks (0: skip the checks' measures)")
    parser.add_argument("--no-floors", action="store_true",
                        help="skip the read-and-write floor and DuckDB (the checks' measures alone: a 10M run is long)")
    parser.add_argument("--lineage-rounds", type=int, default=1, metavar="N",
                        help="rounds of transform with and without lineage events (0: skip)")
    parser.add_argument("--smoke", action="store_true",
                        help="every measure once at the fewest spark-submits (npm test): the transform with checks "
                             "and lineage, the floor, one run with neither; the ratios are not figures to quote")
    args = parser.parse_args()
    sizes = [int(s) for s in args.rows.split(",")]

    def months_of(index: int) -> list[Month]:  # one month per size (its own), or the first N of --year
        if args.months == 1:
            return [Month(args.year, 1 + index)]
        return [Month(args.year, m + 1) for m in range(args.months)]

    with scratch_buckets() as (_tag, settings, work):
        results = [bench_size(n, months_of(i), work, settings, args.seed, args.check_rounds, not args.no_floors,
                              args.lineage_rounds, args.smoke)
                   for i, n in enumerate(sizes)]
    print_results(results)
    for result in results:
        print_breakdown(result)
        if result["checks"]:
            print_checks(result)
        if result["lineage"]:
            print_lineage(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())

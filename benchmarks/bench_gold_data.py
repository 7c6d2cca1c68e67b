"""Writes a fact_trips-shaped Delta table of N rows to a local folder, for benchmarks/bench_gold.ts (not a test).

Spark would need about 25 minutes for a 10M-row transform on the 2-core test machine, so the benchmark's
table is generated directly: DuckDB writes the Parquet files (the fact's real column names and types,
partitioned by pickup_year/pickup_month, which stay out of the files as in Delta), and this script writes
the Delta commit 00000000000000000000.json (protocol, metaData with the schema, one `add` per file with
its partitionValues, size and numRecords stats), which is all a Delta reader needs.

    python benchmarks/bench_gold_data.py --rows 10000000 --out /tmp/fact_trips
Then run timings of the floor (DuckDB from PyPI on the same local files):
    python benchmarks/bench_gold_data.py --floor FILES_JSON
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid

import duckdb

# (name, Delta type, DuckDB type, expression over i = row number) — the columns of gold's fact_trips.
COLUMNS = [
    ("trip_key", "long", "BIGINT", "(hash(i) // 2)::BIGINT * (CASE WHEN i % 2 = 0 THEN 1 ELSE -1 END)"),
    ("vendor_id", "integer", "INTEGER", "1 + (i % 2)"),
    ("rate_code_id", "integer", "INTEGER", "1"),
    ("payment_type_id", "integer", "INTEGER", "1 + (i % 4)"),
    ("pickup_date_key", "integer", "INTEGER", "strftime(ts, '%Y%m%d')::INTEGER"),
    ("pickup_location_id", "integer", "INTEGER", "1 + (i * 7 % 263)"),
    ("dropoff_location_id", "integer", "INTEGER", "1 + (i * 13 % 263)"),
    ("pickup_datetime", "timestamp_ntz", "TIMESTAMP", "ts"),
    ("dropoff_datetime", "timestamp_ntz", "TIMESTAMP", "ts + to_seconds(300 + i % 1800)"),
    ("pickup_hour", "integer", "INTEGER", "hour(ts)"),
    ("passenger_count", "integer", "INTEGER", "CASE WHEN i % 50 = 0 THEN NULL ELSE 1 + i % 4 END"),
    ("store_and_fwd_flag", "string", "VARCHAR", "CASE WHEN i % 100 = 0 THEN 'Y' ELSE 'N' END"),
    ("trip_distance_mi", "double", "DOUBLE", "0.5 + (i % 200) / 10.0"),
    ("duration_min", "double", "DOUBLE", "(300 + i % 1800) / 60.0"),
    ("speed_mph", "double", "DOUBLE", "(0.5 + (i % 200) / 10.0) / ((300 + i % 1800) / 3600.0)"),
    ("fare_amount", "double", "DOUBLE", "3 + (i % 500) / 10.0"),
    ("extra", "double", "DOUBLE", "1.0"),
    ("mta_tax", "double", "DOUBLE", "0.5"),
    ("tip_amount", "double", "DOUBLE", "(i % 7)::DOUBLE"),
    ("tolls_amount", "double", "DOUBLE", "0.0"),
    ("improvement_surcharge", "double", "DOUBLE", "1.0"),
    ("congestion_surcharge", "double", "DOUBLE", "2.5"),
    ("airport_fee", "double", "DOUBLE", "0.0"),
    ("cbd_congestion_fee", "double", "DOUBLE", "0.0"),
    ("total_amount", "double", "DOUBLE", "8 + (i % 500) / 10.0 + (i % 7)"),
    ("source_path", "string", "VARCHAR", "'s3a://rawzone/bench/yellow_tripdata.parquet'"),
    ("tip_share", "double", "DOUBLE", "(i % 7) / (8 + (i % 500) / 10.0)"),
    ("revenue_per_mile", "double", "DOUBLE", "(8 + (i % 500) / 10.0 + (i % 7)) / (0.5 + (i % 200) / 10.0)"),
]
PARTITIONS = [("pickup_year", "integer"), ("pickup_month", "integer")]
ROWS_PER_FILE = 1_000_000
MONTHS = 2


def schema_string() -> str:
    fields = [{"name": n, "type": t, "nullable": True, "metadata": {}} for n, t, *_ in COLUMNS]
    fields += [{"name": n, "type": t, "nullable": True, "metadata": {}} for n, t in PARTITIONS]
    return json.dumps({"type": "struct", "fields": fields})


def generate(rows: int, out: str) -> None:
    con = duckdb.connect()
    os.makedirs(os.path.join(out, "_delta_log"), exist_ok=True)
    now = int(time.time() * 1000)
    actions = [
        {"commitInfo": {"timestamp": now, "operation": "WRITE", "userMetadata": "bench-gold",
                        "operationMetrics": {"numOutputRows": str(rows)}}},
        {"protocol": {"minReaderVersion": 1, "minWriterVersion": 2}},
        {"metaData": {"id": str(uuid.uuid4()), "format": {"provider": "parquet", "options": {}},
                      "schemaString": schema_string(), "partitionColumns": [p for p, _ in PARTITIONS],
                      "configuration": {}, "createdTime": now}},
    ]
    select = ", ".join(f"CAST({expr} AS {duck}) AS {name}" for name, _, duck, expr in COLUMNS)
    per_month = rows // MONTHS
    for month in range(1, MONTHS + 1):
        month_rows = per_month if month < MONTHS else rows - per_month * (MONTHS - 1)
        folder = f"pickup_year=2024/pickup_month={month}"
        os.makedirs(os.path.join(out, folder), exist_ok=True)
        for start in range(0, month_rows, ROWS_PER_FILE):
            count = min(ROWS_PER_FILE, month_rows - start)
            name = f"{folder}/part-{start // ROWS_PER_FILE:05d}-{uuid.uuid4()}.c000.snappy.parquet"
            # ts: spread over the month, microseconds included (timestamp_ntz is microseconds in Delta).
            offset = f"to_microseconds((i * 2591999999 // {max(count, 1)})::BIGINT)"
            source = (f"SELECT *, TIMESTAMP '2024-{month:02d}-01' + {offset} AS ts "
                      f"FROM (SELECT range + {start} AS i FROM range({count}))")
            con.execute(f"COPY (SELECT {select} FROM ({source})) TO '{os.path.join(out, name)}' "
                        "(FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 131072)")
            size = os.path.getsize(os.path.join(out, name))
            values = {"pickup_year": "2024", "pickup_month": str(month)}
            actions.append({"add": {"path": name, "partitionValues": values,
                                    "size": size, "modificationTime": now, "dataChange": True,
                                    "stats": json.dumps({"numRecords": count})}})
    with open(os.path.join(out, "_delta_log", f"{0:020d}.json"), "w", encoding="utf-8") as commit:
        commit.write("\n".join(json.dumps(a) for a in actions) + "\n")


def floor(files_json: str) -> None:
    """The same two reads with DuckDB from PyPI on the same local files, timed in-process (no start-up)."""
    files = json.loads(files_json)
    con = duckdb.connect()
    listing = "[" + ", ".join(f"'{f}'" for f in files) + "]"
    times = {}
    started = time.perf_counter()
    con.execute(f"SELECT * FROM read_parquet({listing}) LIMIT 100").fetchall()
    times["first_page_s"] = time.perf_counter() - started
    started = time.perf_counter()
    con.execute(f"SELECT * FROM read_parquet({listing}) ORDER BY total_amount DESC NULLS LAST LIMIT 100").fetchall()
    times["sorted_page_s"] = time.perf_counter() - started
    started = time.perf_counter()
    con.execute(f"SELECT pickup_location_id, count(*), sum(total_amount) FROM read_parquet({listing}) "
                "GROUP BY 1 ORDER BY 1").fetchall()
    times["group_by_s"] = time.perf_counter() - started
    print(json.dumps(times))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--out")
    parser.add_argument("--floor", help="JSON list of local Parquet files: time the floor queries on them")
    args = parser.parse_args()
    if args.floor:
        floor(args.floor)
    elif args.out:
        generate(args.rows, args.out)
    else:
        parser.error("--out or --floor is required")
    return 0


if __name__ == "__main__":
    sys.exit(main())

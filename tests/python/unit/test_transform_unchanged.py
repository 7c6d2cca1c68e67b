"""What a transform may skip (etl.transform.unchanged) and the job's sizing: pure logic, no services.
The skip against a real MinIO is exercised by benchmarks/bench_sample.py (npm test's benchmark block)."""
from __future__ import annotations

from etl.submit import job_args
from etl.transform.unchanged import GOLD_TABLES, _sha256, code_digest


def test_code_digest_changes_with_any_source_edit(tmp_path):
    package = tmp_path / "etl"
    (package / "transform").mkdir(parents=True)
    (package / "transform" / "rules.py").write_text("MAX_SPEED_MPH = 100.0\n")
    (package / "config.py").write_text("X = 1\n")
    before = code_digest(package)
    assert code_digest(package) == before  # stable
    (package / "transform" / "rules.py").write_text("MAX_SPEED_MPH = 90.0\n")
    assert code_digest(package) != before


def test_digest_parts_are_delimited():
    assert _sha256(["ab", "c"]) != _sha256(["a", "bc"])


def test_job_args_carry_fingerprint_and_digest_only_when_known():
    assert job_args("r1", None) == ["--run", "r1"]
    assert job_args(None, "t1", "f" * 64, "d" * 64) == ["--run-id", "t1", "--fingerprint", "f" * 64,
                                                        "--code-digest", "d" * 64]


def test_gold_tables_are_the_tables_the_job_writes():
    from etl.transform.job import FACT, MARTS, QUARANTINE

    dims = {"dim_zone", "dim_date", "dim_vendor", "dim_rate_code", "dim_payment_type"}
    assert set(GOLD_TABLES) == {FACT, QUARANTINE, *MARTS, *dims}


def test_files_per_month_follow_the_rows():
    from etl.transform.job import ROWS_PER_FILE, files_for

    assert files_for(0) == files_for(20_000) == 1
    assert files_for(ROWS_PER_FILE + 1) == 2
    assert files_for(10_000_000) == 5

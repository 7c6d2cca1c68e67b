"""The spark-submit command etl.submit builds: cluster, jars from the cache, Delta Lake, fail-fast s3a, no secrets."""
from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from support_ports import unused_port

from etl.config import load_settings
from etl.submit import SubmitError, build_command, build_py_files, jar_names, submit_env


@pytest.fixture
def settings(tmp_path):
    jars = tmp_path / "jars"
    jars.mkdir()
    for name in jar_names():
        (jars / name).write_bytes(b"jar")
    return replace(load_settings(), cache_dir=str(tmp_path), spark_master_port=7077, minio_api_port=9000)


def conf_of(command: list[str]) -> dict[str, str]:
    pairs = [command[i + 1] for i, arg in enumerate(command) if arg == "--conf"]
    return dict(p.split("=", 1) for p in pairs)


def test_command(settings):
    command = build_command(settings, Path("/tmp/etl.zip"), ["--run", "r1"], python="/venv/bin/python")
    assert command[0].endswith("pyspark/bin/spark-submit")
    assert command[command.index("--master") + 1] == "spark://127.0.0.1:7077"
    assert command[command.index("--deploy-mode") + 1] == "client"
    jars = [f"{settings.cache_dir}/jars/{j}" for j in jar_names()]
    conf = conf_of(command)  # local workers read the jars from the cache: nothing copied per run
    assert conf["spark.driver.extraClassPath"].split(":") == conf["spark.executor.extraClassPath"].split(":") == jars
    assert "--jars" not in command
    external = build_command(replace(settings, spark_external=True), Path("/tmp/etl.zip"), [])
    assert external[external.index("--jars") + 1].split(",") == jars  # a remote cluster gets them with the job
    assert "--packages" not in command
    assert command[-2:] == ["--run", "r1"] and command[-3].endswith("transform/__main__.py")
    conf = conf_of(command)
    assert conf["spark.hadoop.fs.s3a.endpoint"] == "http://127.0.0.1:9000"
    assert conf["spark.hadoop.fs.s3a.path.style.access"] == "true"
    assert conf["spark.sql.extensions"] == "io.delta.sql.DeltaSparkSessionExtension"
    assert conf["spark.sql.catalog.spark_catalog"] == "org.apache.spark.sql.delta.catalog.DeltaCatalog"
    assert not [k for k in conf if "committer" in k or "commitProtocol" in k]  # Delta commits, not S3A committers
    assert any(j.startswith("delta-spark_2.13-4.0.") for j in jar_names())
    assert any(j.startswith("delta-storage-4.0.") for j in jar_names())
    assert (conf["spark.executor.cores"], conf["spark.cores.max"]) == ("1", "2")
    assert conf["spark.driver.host"] == conf["spark.driver.bindAddress"] == "127.0.0.1"
    assert conf["spark.pyspark.python"] == "/venv/bin/python"


def test_driver_host_when_the_executors_are_elsewhere(settings):
    """docker compose: the driver binds and advertises the runner container's own address."""
    settings = replace(settings, driver_host="172.18.0.9")
    conf = conf_of(build_command(settings, Path("/tmp/etl.zip"), []))
    assert conf["spark.driver.host"] == conf["spark.driver.bindAddress"] == "172.18.0.9"
    assert submit_env(settings)["SPARK_LOCAL_IP"] == "172.18.0.9"


def test_s3a_gives_up_on_a_dead_endpoint_within_seconds(settings):
    conf = conf_of(build_command(settings, Path("x.zip"), []))
    assert conf["spark.hadoop.fs.s3a.attempts.maximum"] == "1"
    assert int(conf["spark.hadoop.fs.s3a.retry.limit"]) <= 3
    assert conf["spark.hadoop.fs.s3a.connection.establish.timeout"] == "15s"
    assert conf["spark.task.maxFailures"] == "2"


def test_no_credentials_on_the_command_line(settings):
    text = " ".join(build_command(settings, Path("x.zip"), []))
    assert settings.minio_secret_key not in text and "secret.key" not in text


def test_missing_jars_say_run_setup(settings, tmp_path):
    with pytest.raises(SubmitError, match="etl setup"):
        build_command(replace(settings, cache_dir=str(tmp_path / "nowhere")), Path("x.zip"), [])


def test_py_files_zip_carries_the_package(tmp_path):
    names = zipfile.ZipFile(build_py_files(tmp_path)).namelist()
    assert {"etl/__init__.py", "etl/transform/__main__.py", "etl/transform/rules.py", "etl/config.py"} <= set(names)


def test_env(settings):
    env = submit_env(settings, "/venv/bin/python")
    assert env["SPARK_LOCAL_IP"] == "127.0.0.1" and env["PYSPARK_PYTHON"] == "/venv/bin/python"
    assert Path(env["ETL_PROJECT_ROOT"]).joinpath("src/etl").is_dir()
    # The driver runs the package from the zip; its failures are placed in these sources (etl.problems).
    assert Path(env["ETL_SOURCE_PACKAGE"]) == Path(env["ETL_PROJECT_ROOT"]) / "src" / "etl"


def test_unknown_run_fails_before_spark_starts(capsys):
    from etl.submit import main

    assert main(["--run", "no-such-run"]) == 1
    assert "etl transform: error: run 'no-such-run' is not in the manifest" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--run", "../x"], ["--run-id", "a/../b"], ["--run-id", "x\x1b[31m"],
                                  ["--run", "<b>x</b>"]])
def test_a_hostile_run_id_is_a_usage_error_before_anything_runs(args, capsys):
    from etl.submit import main
    from etl.transform.__main__ import parse_args

    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"{args[1]!r} is not a run id (1-200 letters, digits and _.:+-" in err and "\x1b" not in err
    with pytest.raises(SystemExit) as exited:
        parse_args(args)  # the driver, when spark-submit is run by hand
    assert exited.value.code == 2


def test_airflow_run_ids_pass():
    from etl.transform.__main__ import parse_args

    airflow = "manual__2026-01-01T00:00:00+00:00"
    assert parse_args(["--run", airflow, "--run-id", airflow]).manifest_run == airflow


def test_unreachable_master_is_reported_at_once(settings):
    from etl.submit import check_reachable

    free = unused_port()
    with pytest.raises(SubmitError, match=rf"cannot reach the Spark master at spark://127.0.0.1:{free}.*etl up"):
        check_reachable(replace(settings, spark_master_port=free))


def test_every_submit_writes_its_event_log_where_the_history_server_reads(settings, tmp_path, monkeypatch):
    """Native: <state>/spark/events (the History Server's spark.history.fs.logDirectory); compose: the volume."""
    monkeypatch.delenv("ETL_SPARK_EVENTS_DIR", raising=False)
    monkeypatch.setenv("ETL_STATE_DIR", str(tmp_path / "state"))
    conf = conf_of(build_command(settings, Path("x.zip"), []))
    assert conf["spark.eventLog.enabled"] == "true"
    assert conf["spark.eventLog.dir"] == (tmp_path / "state" / "spark" / "events").as_uri()
    assert (tmp_path / "state" / "spark" / "events").is_dir()
    monkeypatch.setenv("ETL_SPARK_EVENTS_DIR", str(tmp_path / "volume"))
    assert conf_of(build_command(settings, Path("x.zip"), []))["spark.eventLog.dir"] == (tmp_path / "volume").as_uri()


def test_sample_sized_input_starts_quick_jvms_and_large_input_keeps_the_defaults(settings):
    """C1 only, the serial collector and no AQE for small runs (docs/performance.md); unknown or large:
    the JVM's and Spark's defaults."""
    quick = conf_of(build_command(settings, Path("x.zip"), [], input_bytes=2_000_000))
    assert quick["spark.driver.extraJavaOptions"] == quick["spark.executor.extraJavaOptions"] == \
        "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
    assert quick["spark.sql.adaptive.enabled"] == "false"
    tuned = {"spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions", "spark.sql.adaptive.enabled"}
    for size in (None, 500_000_000):
        assert not tuned & set(conf_of(build_command(settings, Path("x.zip"), [], input_bytes=size)))


def test_shuffle_partitions_grow_with_the_input(settings):
    """4 for the sample and up to 128 MB of Parquet; then one per 32 MB (a 635 MB year: 19 of about 2M rows)."""
    def partitions(size: int | None) -> int:
        conf = conf_of(build_command(settings, Path("x.zip"), [], input_bytes=size))
        return int(conf["spark.sql.shuffle.partitions"])

    assert [partitions(size) for size in (None, 2_000_000, 142_000_000)] == [4, 4, 5]
    assert partitions(635_460_363) == 19

"""The executor check's decisions and messages (pure logic; the real case runs in tests/typescript/profiles)."""
from etl.transform.executors import ExecutorCheck, wait_seconds


def check(registered: int, waited: float, wait_s: float = 60.0) -> ExecutorCheck:
    return ExecutorCheck(registered=lambda: registered, master_url="spark://m:7077", ui_url="",
                         driver="10.0.0.5:40000", hint='"driverHost" of profile team (now 10.0.0.5)',
                         wait_s=wait_s, started=1.0 if waited else 0.0)


def test_no_failure_before_the_bound():
    assert ExecutorCheck(registered=lambda: 0, master_url="m", ui_url="", driver="d:1", hint="h",
                         wait_s=60.0).failure() is None


def test_an_executor_connected_ends_the_check_for_good():
    counts = iter([1, 0])
    probe = ExecutorCheck(registered=lambda: next(counts), master_url="m", ui_url="", driver="d:1", hint="h",
                          wait_s=0.0)
    assert probe.failure() is None
    assert probe.failure() is None  # executors lost later are the watchdog's and Spark's business


def test_past_the_bound_names_the_driver_the_master_and_the_setting():
    message = check(0, waited=1.0, wait_s=0.0).failure()
    assert message is not None
    assert "no executor connected back to the driver at 10.0.0.5:40000" in message
    assert "spark://m:7077" in message and '"driverHost" of profile team (now 10.0.0.5)' in message


def test_no_live_worker_is_said_as_such():
    message = check(0, waited=1.0).message(61.0, workers=0)
    assert "has no live worker" in message and "driverHost" not in message


def test_live_workers_are_counted_in_the_message():
    assert "has 2 live worker(s)" in check(0, waited=1.0).message(61.0, workers=2)


def test_the_bound_can_be_set_and_a_bad_value_keeps_the_default(monkeypatch):
    monkeypatch.setenv("ETL_EXECUTOR_WAIT_SECONDS", "15")
    assert wait_seconds() == 15.0
    monkeypatch.setenv("ETL_EXECUTOR_WAIT_SECONDS", "soon")
    assert wait_seconds() == 60.0

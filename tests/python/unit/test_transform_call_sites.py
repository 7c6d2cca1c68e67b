"""A Spark error in the transform's code is placed at the rule's own line, even when another thread used PySpark
first (the driver's warm-up threads do): etl.transform.session.record_call_sites."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = '''
import sys, threading
from pathlib import Path
from pyspark.sql import SparkSession, functions as F
from etl.problems import problem_of
from etl.transform.session import record_call_sites

spark = SparkSession.builder.master("local[1]").getOrCreate()
if sys.argv[1] == "recorded":
    record_call_sites()
warm_up = threading.Thread(target=lambda: F.col("any"))  # a thread without the active session asks first
warm_up.start()
warm_up.join()


def rule():
    return F.col("trip_distanc") <= 0  # RULE LINE


try:
    spark.range(1).withColumn("reject", F.when(rule(), F.lit("r")))
except Exception as error:
    print("LINE", problem_of(error, Path(__file__).parent).line)
'''


def _placed_line(tmp_path: Path, mode: str) -> int:
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    src = Path(__file__).resolve().parents[3] / "src"
    # A process of its own: PySpark's switch is per process, and this one's is already decided.
    done = subprocess.run([sys.executable, str(probe), mode], capture_output=True, text=True, timeout=240,
                          env={**os.environ, "PYTHONPATH": str(src)})
    lines = [line for line in done.stdout.splitlines() if line.startswith("LINE ")]
    assert lines, done.stderr[-2000:]
    return int(lines[0].split()[1])


def test_the_error_is_at_the_rule_line_when_call_sites_are_recorded_first(tmp_path):
    rule_line = PROBE.splitlines().index('    return F.col("trip_distanc") <= 0  # RULE LINE') + 1
    assert _placed_line(tmp_path, "recorded") == rule_line
    # Without it the warm-up thread turned the call sites off: only the traceback's line (the withColumn call).
    assert _placed_line(tmp_path, "not-recorded") != rule_line

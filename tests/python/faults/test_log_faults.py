"""Fault matrix, the logs in Elasticsearch: Elasticsearch SIGKILLed, SIGTERMed or stopped (`etl stop
elasticsearch`) while the log shipper sends.

Lines of the real etl.logger go to the folder the stack's shipper (rsyslog) tails, under a step and run of this
test's own. Elasticsearch is killed outright (SIGKILL: no shutdown, a lost machine, the OOM killer), shut down by a
bare SIGTERM, or stopped through the CLI, once the first lines are indexed; more lines are written while it is
gone; then it is started again. Every line indexed before the kill is
still there (Elasticsearch's translog is written before it answers), every line written meanwhile arrives, and each
exactly once. The user is told within 60 s: `etl status` names Elasticsearch not running."""
from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from support_cli import etl_cli
from support_spark_stack import service_pid, state_dir, wait_until

from etl.config import PROJECT_ROOT, config_values

BEFORE, DURING = 300, 300  # lines indexed before the kill, lines written while Elasticsearch is gone
TOLD_WITHIN_S = 60
BACK_WITHIN_S = 180  # Elasticsearch's start after a kill (translog replay) and the shipper's catch-up, loaded


def elasticsearch_url() -> str:
    values = config_values()
    return f"http://{values.get('ETL_BIND_HOST') or '127.0.0.1'}:{values['ES_PORT']}"


def search(query: dict) -> dict:
    """POST etl-logs-*/_search, signed in as .env's Elasticsearch user when its security is on."""
    values = config_values()
    request = urllib.request.Request(f"{elasticsearch_url()}/etl-logs-*/_search", json.dumps(query).encode(),
                                     {"Content-Type": "application/json"})
    if values.get("ES_USERNAME"):
        login = base64.b64encode(f"{values['ES_USERNAME']}:{values['ES_PASSWORD']}".encode()).decode()
        request.add_header("Authorization", f"Basic {login}")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def indexed_ids(run_id: str) -> list[str] | None:
    """The event ids indexed for the run (duplicates included), or None while Elasticsearch does not answer."""
    try:
        hits = search({"size": 10_000, "query": {"term": {"labels.run_id": run_id}}, "_source": ["event.id"]})
    except OSError:
        return None
    return [hit["_source"]["event"]["id"] for hit in hits["hits"]["hits"]]


def write_lines(log_dir: Path, step: str, run_id: str, first: int, count: int) -> None:
    """`count` lines through the real etl.logger, as an ETL step writes them (its own process)."""
    script = "\n".join([
        "import logging, sys",
        "import etl.logger as L",
        f"log = L.setup_logging({step!r}, {run_id!r}, console_level=logging.CRITICAL)",
        f"for i in range({first}, {first + count}): log.info('shipped line %d', i)",
    ])
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "src"), "ETL_LOG_DIR": str(log_dir)}
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)


def service_state(name: str) -> str:
    status = etl_cli("status", "--json", timeout=60)
    return next(s["state"] for s in json.loads(status.stdout)["services"] if s["name"] == name)


@pytest.fixture
def shipped_folder():
    """The folder the running shipper tails (ETL_LOG_DIR of `etl up`), and a step name of this test's own."""
    shipper = state_dir() / "log-shipper" / "shipper.json"
    if not shipper.exists() or service_state("log-shipper") != "running":
        pytest.fail("the log shipper does not run: `etl up --with elasticsearch` first (npm test starts it)")
    folder = Path(json.loads(shipper.read_text())["logDir"])
    step = f"fault-es-{secrets.token_hex(3)}"
    yield folder, step
    for file in folder.glob(f"{step}.log*"):
        file.unlink()


def stop_elasticsearch(fault: str) -> None:
    if fault == "stop-then-start":
        stop = etl_cli("stop", "elasticsearch", timeout=120)
        assert stop.returncode == 0, stop.stderr[-2000:]
    else:
        os.kill(service_pid("elasticsearch"), getattr(signal, fault))


@pytest.mark.parametrize("fault", [
    pytest.param(f, marks=pytest.mark.cell(component="Elasticsearch", fault=f, phase="ship"), id=f)
    for f in ("SIGKILL", "SIGTERM", "stop-then-start")])
def test_elasticsearch_gone_while_shipping_keeps_every_line_once(fault, shipped_folder):
    folder, step = shipped_folder
    run_id = f"{step}-run"
    write_lines(folder, step, run_id, 0, BEFORE)
    first = wait_until(lambda: (ids := indexed_ids(run_id)) is not None and len(ids) >= BEFORE and ids, 60,
                       f"the first {BEFORE} lines in Elasticsearch")
    killed_at = time.monotonic()
    try:
        stop_elasticsearch(fault)
        write_lines(folder, step, run_id, BEFORE, DURING)
        wait_until(lambda: service_state("elasticsearch") != "running", TOLD_WITHIN_S, "`etl status` to tell")
        told = time.monotonic() - killed_at
    finally:
        start = etl_cli("start", "elasticsearch", timeout=BACK_WITHIN_S + 60)
        assert start.returncode == 0, start.stderr[-2000:]
    ids = wait_until(lambda: (ids := indexed_ids(run_id)) is not None and len(ids) >= BEFORE + DURING and ids,
                     BACK_WITHIN_S, f"all {BEFORE + DURING} lines in Elasticsearch after its restart")
    time.sleep(2)  # a duplicate would arrive right behind
    ids = indexed_ids(run_id) or []
    print(f"Elasticsearch {fault}: `etl status` told in {told:.1f} s; {len(ids)} documents for "
          f"{BEFORE + DURING} lines, {len(set(ids))} distinct")
    assert set(first) <= set(ids), "a line indexed before the kill was lost"
    assert len(ids) == len(set(ids)) == BEFORE + DURING

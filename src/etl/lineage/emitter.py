"""Sends one transform run's OpenLineage events: START, then COMPLETE or FAIL.

Always to files in <backup dir>/lineage/ or $ETL_LINEAGE_DIR (openlineage-python's file transport: one JSON
file per event, `<run id>-<time>.json`), which `etl lineage` and VS Code read; also to a lineage server
(Marquez or another): the profile's `lineage` section, else OPENLINEAGE_URL (and OPENLINEAGE_API_KEY).
An event that cannot be delivered is a warning, never a failed run.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from etl.manifest import manifest_path

log = logging.getLogger("etl.lineage")


def lineage_dir() -> Path:
    """$ETL_LINEAGE_DIR, else <backup dir>/lineage: beside the manifest, where the driver runs in both stack modes."""
    return Path(os.environ.get("ETL_LINEAGE_DIR") or manifest_path().parent / "lineage")


def transport_config(run_id: str, folder: Path, server_url: str | None, api_key: str | None = None) -> dict[str, Any]:
    files = {"type": "file", "log_file_path": str(folder / run_id), "append": False}
    if not server_url:
        return files
    server = {"type": "http", "url": server_url, "timeout": 5,
              **({"auth": {"type": "api_key", "apiKey": api_key}} if api_key else {})}
    return {"type": "composite", "continue_on_failure": True, "transports": {"files": files, "server": server}}


class RunLineage:
    """The events of one run (its OpenLineage run id is a UUIDv7; our run id is its `etl.run_id` tag)."""

    def __init__(self, run_id: str, gold_bucket: str, folder: Path | None = None, server_url: str | None = None,
                 api_key: str | None = None):
        """server_url, api_key: the lineage server, as Settings resolve it (a profile, else OPENLINEAGE_URL)."""
        from openlineage.client.uuid import generate_new_uuid

        from etl.lineage.parent import parent_facet

        self.run_id, self.gold = run_id, gold_bucket
        self.folder = folder or lineage_dir()
        self.run_uuid = str(generate_new_uuid())
        self.inputs: list[str] = []
        self.zones = ""
        self.ended = False
        self.parent = parent_facet(os.environ)
        try:
            self.client = self._client(server_url, api_key)
        except Exception as error:  # noqa: BLE001  (say it, and run without lineage)
            log.warning("lineage events off for this run: %s cannot be used (%s)", self.folder, error)
            self.client = None

    def _client(self, server_url: str | None, api_key: str | None):
        from openlineage.client import OpenLineageClient
        from openlineage.client.transport import get_default_factory

        self.folder.mkdir(parents=True, exist_ok=True)
        return OpenLineageClient(
            transport=get_default_factory().create(transport_config(self.run_id, self.folder, server_url, api_key)))

    def start(self, trip_files: list[str], zones: str) -> None:
        from openlineage.client.event_v2 import RunState

        self.inputs, self.zones = [*trip_files, zones], zones
        self._send(RunState.START, [])

    def complete(self, schemas: dict[str, list[tuple[str, str]]]) -> None:
        """schemas: each gold table the run built, as its (column, type) pairs."""
        from openlineage.client.event_v2 import RunState

        from etl.lineage.declared import table_lineage
        from etl.lineage.events import gold_output

        declared = table_lineage()
        trip_files = [path for path in self.inputs if path != self.zones]
        outputs = [gold_output(table, schema, declared.get(table, []), trip_files=trip_files, zones=self.zones,
                               gold=self.gold)
                   for table, schema in sorted(schemas.items())]
        self._send(RunState.COMPLETE, outputs)

    def fail(self, message: str) -> None:
        from openlineage.client.event_v2 import RunState

        if not self.ended:
            self._send(RunState.FAIL, [], error=message)

    def _send(self, state, outputs: list, error: str | None = None) -> None:
        from etl.lineage.events import run_event

        self.ended = self.ended or state.value in ("COMPLETE", "FAIL")
        if self.client is None:
            return
        try:
            self.client.emit(run_event(state, self.run_uuid, self.run_id, inputs=self.inputs, outputs=outputs,
                                       error=error, parent=self.parent))
        except Exception as error_:  # noqa: BLE001  (lineage is a record of the run, never its failure)
            log.warning("lineage event %s not delivered (%s); the run goes on", state.value, error_)

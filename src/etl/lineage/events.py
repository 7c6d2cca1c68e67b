"""OpenLineage run events of one transform run (built with openlineage-python's own classes).

Datasets follow OpenLineage's naming for S3: namespace `s3://<bucket>`, name the object key (a trip file,
the zone table) or the table's path in gold (`fact_trips`, `quarantine/rejected_trips`). Each gold output
carries its schema, its column lineage and `etlColumnCode`: the line that defines each column.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

import attr
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import (
    DatasetFacet,
    column_lineage_dataset,
    error_message_run,
    job_type_job,
    parent_run,
    schema_dataset,
    tags_run,
)

from etl.lineage.declared import CODE_FILE, TRIPS, ZONES, ColumnLineage, Source
from etl.transform.rules import REJECT_COLUMN

NAMESPACE = "etl-spark"
JOB = "clean_and_transform"
PRODUCER = "https://github.com/etl-spark/etl-spark"
COLUMN_CODE = "etlColumnCode"


@attr.define
class ColumnCodeDatasetFacet(DatasetFacet):
    """Where each column of a gold table is defined: {column: {file, line, reads}} (file: from the repo root)."""
    columns: dict[str, dict[str, Any]]

    @staticmethod
    def _get_schema() -> str:
        return f"{PRODUCER}/blob/main/docs/lineage.md#etlcolumncode"


def split_s3(url: str) -> tuple[str, str]:
    """`s3a://rawzone/a/b.parquet` -> (`s3://rawzone`, `a/b.parquet`): OpenLineage's S3 dataset naming."""
    parsed = urlparse(url)
    return f"s3://{parsed.netloc}", parsed.path.lstrip("/")


def _input_fields(lineage: ColumnLineage, trip_files: list[str], zones: str, gold: str) -> list[Any]:
    transformation = column_lineage_dataset.Transformation(type="DIRECT", subtype=lineage.subtype)

    def datasets(source: Source) -> list[tuple[str, str]]:
        if source.kind == TRIPS:
            return [split_s3(path) for path in trip_files]
        if source.kind == ZONES:
            return [split_s3(zones)]
        return [(f"s3://{gold}", source.table)]

    return [column_lineage_dataset.InputField(namespace=namespace, name=name, field=source.field,
                                              transformations=[transformation])
            for source in lineage.sources for namespace, name in datasets(source)]


def gold_output(table: str, schema: list[tuple[str, str]], lineage: list[ColumnLineage], *, trip_files: list[str],
                zones: str, gold: str) -> OutputDataset:
    facets: dict[str, Any] = {
        "schema": schema_dataset.SchemaDatasetFacet(
            fields=[schema_dataset.SchemaDatasetFacetFields(name=name, type=type_) for name, type_ in schema]),
    }
    if lineage:
        facets["columnLineage"] = column_lineage_dataset.ColumnLineageDatasetFacet(fields={
            c.column: column_lineage_dataset.Fields(
                inputFields=_input_fields(c, trip_files, zones, gold),
                transformationDescription=_description(c))
            for c in lineage})
        facets[COLUMN_CODE] = ColumnCodeDatasetFacet(columns={
            c.column: {"file": CODE_FILE if c.line else None, "line": c.line or None, "reads": list(c.reads)}
            for c in lineage})
    return OutputDataset(namespace=f"s3://{gold}", name=table, facets=facets)


def _description(lineage: ColumnLineage) -> str:
    if lineage.column == REJECT_COLUMN:
        return "the first cleaning rule the row fails (etl/transform/rules.py)"
    if lineage.from_object_key:
        return "from the trip file itself (its path, the row's index in it, or the month it is for)"
    return "a copy" if lineage.identity else f"computed from {', '.join(lineage.reads) or 'the row count'}"


def run_event(state: RunState, run_uuid: str, run_id: str, *, inputs: list[str], outputs: list[OutputDataset],
              error: str | None = None, parent: parent_run.ParentRunFacet | None = None) -> RunEvent:
    run_facets: dict[str, Any] = {
        "tags": tags_run.TagsRunFacet(tags=[tags_run.TagsRunFacetFields(key="etl.run_id", value=run_id)]),
    }
    if parent is not None:
        run_facets["parent"] = parent
    if error is not None:
        run_facets["errorMessage"] = error_message_run.ErrorMessageRunFacet(message=error, programmingLanguage="python")
    job = Job(namespace=NAMESPACE, name=JOB, facets={"jobType": job_type_job.JobTypeJobFacet(
        processingType="BATCH", integration="SPARK", jobType="JOB")})
    return RunEvent(eventType=state, eventTime=datetime.now(UTC).isoformat(),
                    run=Run(runId=run_uuid, facets=run_facets), job=job,
                    inputs=[InputDataset(*split_s3(path)) for path in inputs], outputs=outputs,
                    producer=PRODUCER)

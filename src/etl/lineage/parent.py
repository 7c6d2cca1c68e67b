"""The run that started this transform, as OpenLineage's `parent` run facet.

Airflow's OpenLineage provider names its task run and the DAG run above it through two macros,
`lineage_parent_id` and `lineage_root_parent_id` (`<namespace>/<job name>/<run id>`); the DAG hands them to
the transform as OPENLINEAGE_PARENT_ID and OPENLINEAGE_ROOT_PARENT_ID, so a lineage server shows the transform
under the Airflow task that ran it.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping

from openlineage.client.facet_v2 import parent_run

log = logging.getLogger("etl.lineage")
PARENT, ROOT = "OPENLINEAGE_PARENT_ID", "OPENLINEAGE_ROOT_PARENT_ID"


def split_id(value: str) -> tuple[str, str, str] | None:
    """`namespace/job/run id` -> its three parts (a job name may hold `/`); None: not that shape."""
    namespace, _, rest = value.partition("/")
    job, _, run_id = rest.rpartition("/")
    try:
        uuid.UUID(run_id)
    except ValueError:
        return None
    return (namespace, job, run_id) if namespace and job else None


def parent_facet(environ: Mapping[str, str]) -> parent_run.ParentRunFacet | None:
    """The facet from the environment, None when no parent is named (a run started by hand)."""
    if not environ.get(PARENT):
        return None
    parent = split_id(environ[PARENT])
    if parent is None:
        log.warning("%s=%r is not <namespace>/<job>/<run uuid>; the lineage events name no parent run",
                    PARENT, environ[PARENT])
        return None
    root = split_id(environ.get(ROOT, "")) or parent
    return parent_run.ParentRunFacet(
        run=parent_run.Run(runId=parent[2]), job=parent_run.Job(namespace=parent[0], name=parent[1]),
        root=parent_run.Root(run=parent_run.RootRun(runId=root[2]),
                             job=parent_run.RootJob(namespace=root[0], name=root[1])))

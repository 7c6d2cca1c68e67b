"""The parent run facet from the ids Airflow's OpenLineage provider hands the transform (etl.lineage.parent)."""
from etl.lineage.parent import PARENT, ROOT, parent_facet, split_id

TASK_RUN = "01932f4e-1f5a-7c3e-9a55-3f0a6f1b2c3d"
DAG_RUN = "01932f4e-0000-7000-8000-000000000001"


def test_an_id_splits_into_namespace_job_and_run_even_with_slashes_in_the_job():
    assert split_id(f"default/etl_pipeline.clean_and_transform/{TASK_RUN}") == (
        "default", "etl_pipeline.clean_and_transform", TASK_RUN)
    assert split_id(f"ns/a/b/{TASK_RUN}") == ("ns", "a/b", TASK_RUN)


def test_what_is_not_namespace_job_uuid_is_refused():
    assert split_id("default/etl_pipeline/not-a-uuid") is None
    assert split_id(f"/job/{TASK_RUN}") is None
    assert split_id(TASK_RUN) is None


def test_the_facet_names_the_task_run_and_the_dag_run_as_root():
    facet = parent_facet({PARENT: f"default/etl_pipeline.clean_and_transform/{TASK_RUN}",
                          ROOT: f"default/etl_pipeline/{DAG_RUN}"})
    assert (facet.job.name, facet.run.runId) == ("etl_pipeline.clean_and_transform", TASK_RUN)
    assert (facet.root.job.name, facet.root.run.runId) == ("etl_pipeline", DAG_RUN)


def test_no_parent_without_the_variable_and_a_bad_one_is_a_warning_not_a_failure(caplog):
    assert parent_facet({}) is None
    assert parent_facet({PARENT: "garbage"}) is None
    assert "OPENLINEAGE_PARENT_ID" in caplog.text

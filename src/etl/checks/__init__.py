"""Declarative data-quality checks of gold (config/checks.yaml, README "Checks").

One implementation: each check compiles to one SQL query (etl.checks.compile) that runs in Spark SQL
(the transform's write-audit-publish, etl.checks.spark_audit) and in DuckDB (`etl check` on the
current gold files, etl.checks.gold)."""

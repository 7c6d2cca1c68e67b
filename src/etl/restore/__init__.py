"""`python -m etl.restore`: Delta RESTORE of gold tables to the versions `etl restore --before-run RUN` planned
(extension/core/restore/plan.ts). See docs/data-model.md "Restoring gold to before a run"."""

#!/usr/bin/env bash
# The main job: install the runtimes, bring the native stack up, run the pipeline on the
# bundled sample, show what landed, and bring the stack down.
source "$(dirname "$0")/bootstrap.sh"

etl setup
trap 'etl down' EXIT
etl up
python=$(etl which python)
PYTHONPATH=src "$python" -m etl.extract --months 2024-01..2024-02 --sample
etl status

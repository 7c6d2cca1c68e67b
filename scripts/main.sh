#!/usr/bin/env bash
# The main job: install the runtimes (not the test tools), bring the native stack up, run
# the whole pipeline on the bundled sample (`etl pipeline`: extract, then clean_and_transform
# of that run), show what landed, stop the stack.
source "$(dirname "$0")/bootstrap.sh"

etl setup
trap 'etl down' EXIT
etl up
etl pipeline --months 2024-01..2024-02 --sample
etl status

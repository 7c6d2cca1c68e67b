#!/usr/bin/env bash
# The main job: install the runtimes, bring the native stack up, run the whole pipeline
# on the bundled sample (extract → clean_and_transform), show what landed, stop the stack.
source "$(dirname "$0")/bootstrap.sh"

etl setup
trap 'etl down' EXIT
etl up
etl extract --months 2024-01..2024-02 --sample
etl transform
etl status

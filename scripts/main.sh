#!/usr/bin/env bash
# The main job: install the runtimes, bring the native stack up, show it, bring it down.
source "$(dirname "$0")/bootstrap.sh"

etl setup
trap 'etl down' EXIT
etl up
etl status --json

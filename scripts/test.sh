#!/usr/bin/env bash
# Every test: type check, unit tests, then integration tests against the real native stack.
source "$(dirname "$0")/bootstrap.sh"

etl setup
npm run -s typecheck
npm run -s test:unit
# The stack test brings the stack up and down itself (lifecycle, errors, no leftovers).
npm run -s test:integration

python=$(etl which python)
trap 'etl down' EXIT
etl up --with elasticsearch
"$python" -m pytest -q

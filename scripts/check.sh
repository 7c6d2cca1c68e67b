#!/usr/bin/env bash
# The quick tier (`npm run check`): everything that needs no stack — type check, lint, the TypeScript unit tests
# (tests/typescript/unit: contracts, schemas and the docs' CLI names among them) and the Python unit tests
# (tests/python/unit). `npm test` runs these first, then every stack, VS Code and benchmark step (CI runs it).
source "$(dirname "$0")/bootstrap.sh"

etl setup --only python  # the ETL venv (ruff, pytest, PySpark for the local-mode unit tests), if missing
# The Python unit tests (mostly waiting on local Spark JVMs) run beside the TypeScript chain: on 2 cores that
# takes the tier from the sum of both to about the longer one. Their output follows the TypeScript's.
python_log="$(mktemp)"
trap 'rm -f "$python_log"' EXIT
"$(etl which python)" -m pytest -q tests/python/unit >"$python_log" 2>&1 &
python_tests=$!
typescript=0
{ npm run -s typecheck && npm run -s lint && npm run -s test:unit; } || typescript=$?
python=0
wait "$python_tests" || python=$?
cat "$python_log"
if [ "$typescript" != 0 ] || [ "$python" != 0 ]; then
  echo "error: npm run check failed (TypeScript chain: exit $typescript, Python unit tests: exit $python)" >&2
  exit 1
fi

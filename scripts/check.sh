#!/usr/bin/env bash
# The quick tier (`npm run check`): everything that needs no stack — type check, lint, the TypeScript unit tests
# (tests/typescript/unit: contracts, schemas and the docs' CLI names among them) and the Python unit tests
# (tests/python/unit). `npm test` runs these first, then every stack, VS Code and benchmark step (CI runs it).
source "$(dirname "$0")/bootstrap.sh"

etl setup --only python  # the ETL venv (ruff, pytest, PySpark for the local-mode unit tests), if missing
npm run -s typecheck
npm run -s lint
npm run -s test:unit
"$(etl which python)" -m pytest -q tests/python/unit

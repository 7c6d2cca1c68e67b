#!/usr/bin/env bash
# The linters: ESLint (eslint.config.mjs) over the TypeScript and Node scripts, ruff (pyproject.toml)
# over the Python. ruff comes from the ETL venv (requirements-dev.txt), which `etl setup` makes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

npx --no-install eslint --max-warnings 0 .
python="$(node dist/cli.js which python)"
if [ ! -x "$python" ]; then
  echo "error: no ETL venv at $python, so ruff cannot run; make it with: node dist/cli.js setup --only python" >&2
  exit 1
fi
"$python" -m ruff check .
# A merge's conflict markers committed by mistake (they once sat in the README for a while).
if git grep -n -E '^(<<<<<<<|>>>>>>>)( |$)' -- . ; then
  echo "error: conflict markers in the files above; resolve them" >&2
  exit 1
fi

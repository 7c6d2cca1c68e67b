# Sourced by main.sh and test.sh: Node dependencies and the built CLI, from a fresh clone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "error: Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
# Reinstall only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# Once per command: test.sh runs check.sh, which sources this file again.
if [ -z "${ETL_BOOTSTRAPPED:-}" ]; then
  npm run -s build:tests
  export ETL_BOOTSTRAPPED=1
fi
etl() { node dist/cli.js "$@"; }

#!/usr/bin/env bash
# The same pipeline (one sample month, extract -> transform on two workers -> gold) on the caller's plain
# local stack and through a TLS profile on a second native stack ("the team's cluster": MinIO over TLS with
# a CA made here, its own Spark master and two workers), alternated ROUNDS times so the machine's load
# falls on both alike. Needs the caller's stack up (`etl up`); brings the second one up and down itself.
#   bash benchmarks/bench_profiles.sh            (ETL_TEAM_PORT_BASE=24000, ROUNDS=2)
set -euo pipefail
cd "$(dirname "$0")/.."
etl() { node dist/cli.js "$@"; }
base="${ETL_TEAM_PORT_BASE:-24000}"
rounds="${ROUNDS:-2}"
work="$(mktemp -d)"
tls="$work/tls"
mkdir -p "$tls/certs/CAs"
# A CA and a server certificate for 127.0.0.1 (as tests/typescript/helpers/tls.ts).
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tls/ca.key" -out "$tls/ca.crt" -days 2 -subj "/CN=bench CA" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
printf '%s\n' subjectAltName=IP:127.0.0.1 basicConstraints=critical,CA:FALSE extendedKeyUsage=serverAuth \
  authorityKeyIdentifier=keyid,issuer > "$tls/server.ext"
openssl req -newkey rsa:2048 -nodes -keyout "$tls/certs/private.key" -out "$tls/server.csr" -subj /CN=127.0.0.1 2>/dev/null
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial \
  -out "$tls/certs/public.crt" -days 2 -extfile "$tls/server.ext" 2>/dev/null
cp "$tls/ca.crt" "$tls/certs/CAs/ca.crt"

secret="bench-$(openssl rand -hex 12)"
team_env=(ETL_STATE_DIR="$work/team-state" ETL_PROFILE= MINIO_CERTS_DIR="$tls/certs"
  MINIO_API_PORT="$base" MINIO_CONSOLE_PORT=$((base + 1)) SPARK_MASTER_PORT=$((base + 77))
  SPARK_MASTER_UI_PORT=$((base + 80)) SPARK_WORKER_1_UI_PORT=$((base + 81)) SPARK_WORKER_2_UI_PORT=$((base + 82))
  SPARK_HISTORY_UI_PORT=$((base + 180)) ES_PORT=$((base + 200)) ES_TRANSPORT_PORT=$((base + 300))
  AIRFLOW_PORT=$((base + 89)) KIBANA_PORT=$((base + 601)) MINIO_ACCESS_KEY=team-etl MINIO_SECRET_KEY="$secret")
cat > "$work/etl-profiles.json" <<JSON
{"profiles": {"team": {
  "s3": {"mode": "external", "endpoint": "https://127.0.0.1:$base", "caFile": "$tls/ca.crt",
         "accessKeyEnv": "BENCH_S3_ACCESS_KEY", "secretKeyEnv": "BENCH_S3_SECRET_KEY"},
  "spark": {"mode": "external", "masterUrl": "spark://127.0.0.1:$((base + 77))", "driverHost": "127.0.0.1"}}}}
JSON
# `export` (a builtin) in a subshell, not `env VAR=…`: the secret never appears in a process's arguments.
team() { (export "${team_env[@]}"; etl "$@" >/dev/null); }
trap 'team down 2>/dev/null' EXIT
team up

run() {  # label, then environment assignments; prints the wall seconds
  local label="$1" started ended
  shift
  started=$(date +%s.%N)
  (export "$@" ETL_BACKUP_DIR="$work/backup-$label" ETL_LOG_DIR="$work/logs-$label"
    etl pipeline --month 2024-01 --sample >"$work/$label.out" 2>&1) || { cat "$work/$label.out" >&2; exit 1; }
  ended=$(date +%s.%N)
  awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.1f", b - a }'
}
# Round 1 also creates the team's buckets and writes its dimensions (the plain stack has them already);
# the later rounds compare like with like. A smoke run (ROUNDS=1) still prints its ratio.
for round in $(seq "$rounds"); do
  plain=$(run plain ETL_PROFILE=)
  tls=$(run tls ETL_PROFILE=team ETL_PROFILES_FILE="$work/etl-profiles.json" BENCH_S3_ACCESS_KEY=team-etl \
    BENCH_S3_SECRET_KEY="$secret" ETL_STATE_DIR="$work/client-state")
  awk -v r="$round" -v p="$plain" -v t="$tls" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
    'BEGIN { printf "round %d: plain %6.1f s   tls profile %6.1f s   tls/plain %.2f   load %s%s\n", r, p, t, t / p, l,
             (r == 1 ? "   (creates the team buckets and dimensions)" : "") }'
done

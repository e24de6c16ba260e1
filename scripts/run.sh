#!/usr/bin/env bash
# `make run`: serve the built page on loopback and start a coordinator
# simulator beside it, so the whole flow can be tried at once.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8080}"
SIM_PORT="${SIM_PORT:-12443}"

# A fresh demo key for this run: it opens only the local simulator.
demo_key="demo-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
sim_log=target/simulator.log
ECEKIT_SIMULATOR_API_KEY="$demo_key" target/release/ecekit simulator \
  --listen "$HOST:$SIM_PORT" --cors-origin "http://$HOST:$PORT" \
  --es-cors-origin "http://$HOST:$PORT" >"$sim_log.url" 2>"$sim_log" &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 50); do [ -s "$sim_log.url" ] && break; sleep 0.1; done
sim_url=$(head -1 "$sim_log.url" 2>/dev/null || true)
# The second stdout line, and the fresh Elasticsearch API key from stderr.
es_url=$(sed -n 's/^Elasticsearch endpoint: //p' "$sim_log.url" 2>/dev/null || true)
es_key=$(sed -n 's/.*Elasticsearch API key (encoded, all privileges): \([^ ]*\).*/\1/p' "$sim_log" 2>/dev/null || true)

cat <<MSG

ecekit is built:
  static page      http://$HOST:$PORT/   (serving dist/web; Ctrl-C stops everything)
  single file      $PWD/dist/ecekit.html   (open it from disk, no server needed)
  extension        $PWD/dist/extension   (chrome://extensions > Developer mode > Load unpacked)
  Firefox          $PWD/dist/extension-firefox   (about:debugging > Load Temporary Add-on > manifest.json)
  CLI              $PWD/target/release/ecekit --help
  ECE simulator    ${sim_url:-not started, see $sim_log}
                   demo API key: $demo_key
                   try: curl -H "Authorization: ApiKey $demo_key" ${sim_url:-http://$HOST:$SIM_PORT/api/v1}/deployments
  Elasticsearch    ${es_url:-not started, see $sim_log}   (a self-managed cluster; each deployment's is in its info)
                   Elasticsearch API key: ${es_key:-see $sim_log}
                   try: curl -H "Authorization: ApiKey $es_key" ${es_url:-http://$HOST}/_snapshot

MSG
python3 scripts/serve.py "$PORT" "$HOST" dist/web

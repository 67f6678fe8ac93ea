#!/usr/bin/env bash
# Load test of `syncdefense serve` on loopback: N requests at concurrency C with one sample clip,
# repeated RUNS times against the same server process, then a graceful-shutdown check (SIGTERM
# while requests are in flight: each must still get 200, the process must exit 0, and the upload
# folder must be empty). Reports throughput, p50/p99 latency, errors and the server's resident
# memory after each run and at its peak. Needs bash, curl and awk; sends traffic to 127.0.0.1 only.
#
#   scripts/loadtest.sh [--binary PATH] [--weights FILE] [--clip FILE] [--requests N]
#                       [--concurrency C] [--runs R] [--port P] [--workers W]
#
# Build first: swift build -c release --product syncdefense (the default binary is .build/release/syncdefense).
# Exit status: 0 when every request got 200 and the shutdown check passed, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=.build/release/syncdefense
weights=${SYNCDEFENSE_WEIGHTS:-Weights/syncdefense-compact-v1.safetensors}
clip=Samples/genuine.mp4
requests=200
concurrency=8
runs=3
port=18080
workers=
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=$2; shift 2 ;;
    --weights) weights=$2; shift 2 ;;
    --clip) clip=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    *) echo "loadtest: unknown argument $1" >&2; exit 64 ;;
  esac
done
for file in "$binary" "$weights" "$clip"; do
  [ -f "$file" ] || { echo "loadtest: $file: no such file" >&2; exit 64; }
done

work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill -TERM "$server"; wait "$server" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

url=http://127.0.0.1:$port
args=(serve --host 127.0.0.1 --port "$port" --weights "$weights" --upload-dir "$work/uploads" --log-format json)
[ -n "$workers" ] && args+=(--workers "$workers")
"$binary" "${args[@]}" 2>"$work/server.log" &
server=$!

# Ready within 120 s, or give up.
for _ in $(seq 1 240); do
  if curl -fs -o /dev/null "$url/readyz"; then break; fi
  kill -0 "$server" 2>/dev/null || { echo "loadtest: the server exited:" >&2; cat "$work/server.log" >&2; exit 1; }
  sleep 0.5
done
curl -fs -o /dev/null "$url/readyz" || { echo "loadtest: the server did not become ready" >&2; exit 1; }

kib() { awk -v key="$1:" '$1 == key { print $2 }' "/proc/$server/status"; }
percentile() { # p (0–100) of the sorted numbers in file $2, nearest rank
  awk -v p="$1" '{ v[NR] = $1 } END { r = int((p / 100) * NR + 0.999999); if (r < 1) r = 1; if (r > NR) r = NR; print v[r] }' "$2"
}

echo "server: $binary serve (pid $server), weights $(basename "$weights"), clip $(basename "$clip") ($(stat -c %s "$clip") bytes)"
echo "load: $requests requests at concurrency $concurrency, $runs runs; idle RSS $(( $(kib VmRSS) / 1024 )) MiB"
echo
echo "| run | requests | errors | wall s | req/s | p50 ms | p99 ms | max ms | RSS after MiB |"
echo "|---|---|---|---|---|---|---|---|---|"
total_errors=0
for run in $(seq 1 "$runs"); do
  results=$work/run$run.txt
  start=$(date +%s.%N)
  seq "$requests" | xargs -P "$concurrency" -I{} \
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 300 \
      -H 'Content-Type: video/mp4' --data-binary "@$clip" "$url/detect" >"$results" || true
  end=$(date +%s.%N)
  wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
  done_count=$(wc -l <"$results")
  errors=$(awk '$1 != "200"' "$results" | wc -l)
  errors=$((errors + requests - done_count))
  total_errors=$((total_errors + errors))
  awk '{ printf "%.1f\n", $2 * 1000 }' "$results" | sort -n >"$work/latency$run.txt"
  rps=$(awk -v n="$done_count" -v w="$wall" 'BEGIN { printf "%.2f", n / w }')
  echo "| $run | $done_count | $errors | $wall | $rps | $(percentile 50 "$work/latency$run.txt") | $(percentile 99 "$work/latency$run.txt") | $(tail -1 "$work/latency$run.txt") | $(( $(kib VmRSS) / 1024 )) |"
done
echo
echo "peak RSS (VmHWM): $(( $(kib VmHWM) / 1024 )) MiB; errors in all runs: $total_errors"
statuses=$(awk '$1 != "200" { print $1 }' "$work"/run*.txt | sort | uniq -c | tr '\n' ' ')
[ -n "$statuses" ] && echo "non-200 answers: $statuses"

# Graceful shutdown: SIGTERM with requests in flight.
for i in $(seq 1 "$concurrency"); do
  curl -s -o /dev/null -w '%{http_code}\n' --max-time 300 -H 'Content-Type: video/mp4' \
    --data-binary "@$clip" "$url/detect" >"$work/shutdown$i.txt" &
done
sleep 0.5
kill -TERM "$server"
set +e
wait "$server"
exit_status=$?
set -e
server=
wait
in_flight=$(cat "$work"/shutdown*.txt | tr '\n' ' ')
left=$(find "$work/uploads" -type f 2>/dev/null | wc -l)
shutdown_ok=yes
[ "$exit_status" -eq 0 ] || shutdown_ok=no
[ "$left" -eq 0 ] || shutdown_ok=no
for status in $in_flight; do [ "$status" = 200 ] || shutdown_ok=no; done
echo "graceful shutdown: exit status $exit_status; in-flight answers: $in_flight; upload files left: $left -> $shutdown_ok"
log_lines=$(grep -c '"msg":"request"' "$work/server.log" || true)
echo "access log lines: $log_lines (one per request, JSON with hb.request.id, status, duration_ms, verdict)"

[ "$total_errors" -eq 0 ] && [ "$shutdown_ok" = yes ]

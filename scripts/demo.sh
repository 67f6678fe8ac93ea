#!/usr/bin/env bash
# Installs what SyncDefense needs, builds it and opens the workbench on a shipped sample with the
# shipped weights. This is the README's first command. Without a terminal (CI, a pipe) it prints
# the detection summary of the same clip instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product syncdefense
bin="$(swift build -c release --show-bin-path)/syncdefense"
clip="${1:-Samples/partial.mp4}"
weights=Weights/syncdefense-compact-v1.safetensors
if [ -t 0 ] && [ -t 1 ]; then
  exec "$bin" inspect "$clip" --weights "$weights"
fi
status=0
"$bin" detect "$clip" --weights "$weights" --table || status=$?
# detect's exit status is the verdict (0 real, 1 fake, 2 uncertain); only 3 and above are errors.
if [ "$status" -ge 3 ]; then exit "$status"; fi

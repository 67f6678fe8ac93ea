#!/usr/bin/env bash
# Installs what SyncDefense needs, builds it and runs the main job on a shipped sample.
# This is the README's first command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product syncdefense
bin="$(swift build -c release --show-bin-path)/syncdefense"
sample=Samples/ingest-sample.mp4
clip=Samples/genuine.mp4
out="${TMPDIR:-/tmp}/syncdefense-demo"
mkdir -p "$out"
"$bin" probe "$sample"
"$bin" features "$clip" --mel-out "$out/mel.npy" --frames-out "$out/frames.npy" --vad-out "$out/vad.npy"

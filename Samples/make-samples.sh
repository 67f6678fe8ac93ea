#!/usr/bin/env bash
# Makes the shipped sample clips with the project's own synth command: a 40-clip corpus
# with seed 2026, from which the first clip of each kind is copied here as KIND.mp4, with
# its manifest line (path rewritten) in Samples/manifest.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${SYNCDEFENSE:-$(swift build -c release --show-bin-path)/syncdefense}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" synth --out "$work" --count 40 --seed 2026 --jobs 2 > /dev/null
python3 - "$work" <<'PY'
import json, shutil, sys
work = sys.argv[1]
seen, lines = set(), []
for line in open(f"{work}/manifest.jsonl"):
    entry = json.loads(line)
    if entry["kind"] in seen:
        continue
    seen.add(entry["kind"])
    shutil.copy(f"{work}/{entry['path']}", f"Samples/{entry['kind']}.mp4")
    entry["path"] = f"{entry['kind']}.mp4"
    lines.append(json.dumps(entry, sort_keys=True, separators=(",", ":")))
open("Samples/manifest.jsonl", "w").write("\n".join(lines) + "\n")
print("samples:", ", ".join(sorted(seen)))
PY

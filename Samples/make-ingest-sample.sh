#!/usr/bin/env bash
# Makes Samples/ingest-sample.mp4: a 3 s test pattern at 30 fps with espeak-ng speech as
# 48 kHz stereo AAC. It exercises ingest (frame-rate and sample-rate conversion); it is not
# a talking face — the synthetic talking-mouth clips come from `syncdefense synth`.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
espeak-ng -v en-us -s 150 -w "$tmp/speech.wav" "The quick brown fox jumps over the lazy dog, then the analyst checks the clip."
ffmpeg -nostdin -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=160x120:rate=30:duration=3" -i "$tmp/speech.wav" \
  -filter_complex "[1:a]aresample=48000,pan=stereo|c0=c0|c1=c0,apad,atrim=0:3[a]" \
  -map 0:v -map "[a]" -c:v libx264 -preset medium -crf 28 -pix_fmt yuv420p -threads 1 \
  -c:a aac -b:a 64k -ac 2 -movflags +faststart -map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact \
  ingest-sample.mp4
echo "wrote $(pwd)/ingest-sample.mp4 ($(stat -c %s ingest-sample.mp4) bytes)"

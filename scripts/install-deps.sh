#!/usr/bin/env bash
# Installs every Debian 12 package SyncDefense needs to build, test and run.
# Idempotent: packages already present are skipped by apt; waits up to 10 minutes
# for another apt/dpkg process to release its lock.
set -euo pipefail

PACKAGES=(
  # build
  pkg-config
  # media: FFmpeg libraries (demux/decode/encode, scaling, resampling) and the CLI
  # (the CLI is the reference in `syncdefense bench media` and makes test inputs)
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev ffmpeg
  # matrix work and FFTs
  libopenblas-dev libfftw3-dev
  # terminal workbench
  libncursesw5-dev
  # speech synthesis for the synthetic corpus
  libespeak-ng-dev espeak-ng-data espeak-ng
  # recorded speech for the synthetic corpus (aligned in Sources/Synth/Resources/recorded-speech-alignments.json):
  # Allison Smith's English prompts (CC-BY-SA-3.0) and LibriVox sentences; see Docs/licences.md
  asterisk-core-sounds-en-wav asterisk-core-sounds-en-g722 pocketsphinx-testdata
  # face detection in ordinary video: OpenCV's published HAAR cascades (Intel BSD licence), read by our own evaluator
  opencv-data
  # face-tracking tests: dlib's example photos with 68-point landmark annotations (Boost licence)
  libdlib19.1
  # terminal tests drive the workbench as a person would
  tmux
  # tests read the HTTP API's report archives with a real unzip; the API load test uses curl
  unzip curl
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"

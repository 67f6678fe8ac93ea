#!/usr/bin/env python3
"""Mutation fuzzing of media ingest: `syncdefense probe` and `syncdefense features`.

Mutates a sample N times (bit flips, byte overwrites, truncation, swapped, repeated and
deleted chunks, zeroed ranges), runs both commands on each mutant with a time limit and
classifies each run:
  ok      exit 0
  error   exit 1..127 with a message on stderr (a clear refusal)
  crash   killed by a signal or an exit code >= 128, or exit != 0 with nothing on stderr
  hang    exceeded the time limit
  partial a failed `features` run that left an output file behind
Exit status is non-zero when any crash, hang or partial output occurred.

Usage: scripts/fuzz_media.py --binary .build/release/syncdefense --sample Samples/ingest-sample.mp4 \
           [--count 1000] [--seed 1] [--timeout 20] [--jobs 2] [--keep DIR]
"""
import argparse
import collections
import concurrent.futures
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    b = bytearray(data)
    kind = rng.choice(["bitflip", "overwrite", "truncate", "swap", "repeat", "delete", "zero", "multi"])
    n = len(b)
    if kind == "bitflip":
        for _ in range(rng.randint(1, 64)):
            i = rng.randrange(n)
            b[i] ^= 1 << rng.randrange(8)
    elif kind == "overwrite":
        for _ in range(rng.randint(1, 16)):
            i = rng.randrange(n)
            b[i] = rng.choice([0x00, 0xFF, 0x7F, 0x80, rng.randrange(256)])
    elif kind == "truncate":
        b = b[: rng.randrange(1, n)]
    elif kind == "swap":
        size = rng.randint(16, max(17, n // 8))
        i, j = sorted(rng.sample(range(0, n - size), 2))
        if j - i >= size:
            b[i:i + size], b[j:j + size] = b[j:j + size], b[i:i + size]
    elif kind == "repeat":
        size = rng.randint(16, max(17, n // 8))
        i = rng.randrange(0, n - size)
        chunk = b[i:i + size]
        b[i:i] = chunk * rng.randint(1, 4)
    elif kind == "delete":
        size = rng.randint(1, max(2, n // 8))
        i = rng.randrange(0, n - size)
        del b[i:i + size]
    elif kind == "zero":
        size = rng.randint(1, max(2, n // 16))
        i = rng.randrange(0, n - size)
        b[i:i + size] = bytes(size)
    else:
        for _ in range(3):
            b, _ = mutate(bytes(b), rng)
            b = bytearray(b)
    return bytes(b), kind


def run(cmd, timeout):
    started = time.monotonic()
    try:
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "hang", None, time.monotonic() - started, ""
    elapsed = time.monotonic() - started
    stderr = p.stderr.decode(errors="replace").strip()
    if p.returncode == 0:
        return "ok", 0, elapsed, stderr
    if p.returncode < 0 or p.returncode >= 128 or not stderr:
        return "crash", p.returncode, elapsed, stderr
    return "error", p.returncode, elapsed, stderr


def one(index, args, data, workdir):
    rng = random.Random(args.seed * 1_000_003 + index)
    mutant, kind = mutate(data, rng)
    path = os.path.join(workdir, f"mutant-{index:05d}.mp4")
    with open(path, "wb") as f:
        f.write(mutant)
    results = []
    results.append(("probe",) + run([args.binary, "probe", path], args.timeout))
    mel = os.path.join(workdir, f"mel-{index:05d}.npy")
    frames = os.path.join(workdir, f"frames-{index:05d}.npy")
    outcome = run([args.binary, "features", path, "--mel-out", mel, "--frames-out", frames], args.timeout)
    if outcome[0] != "ok" and (os.path.exists(mel) or os.path.exists(frames)):
        outcome = ("partial",) + outcome[1:]
    results.append(("features",) + outcome)
    bad = any(r[1] in ("crash", "hang", "partial") for r in results)
    if bad and args.keep:
        shutil.copy(path, os.path.join(args.keep, os.path.basename(path)))
    for f in (path, mel, frames):
        if os.path.exists(f):
            os.remove(f)
    return index, kind, results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--sample", required=True)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", help="folder to copy mutants that crashed or hung")
    args = parser.parse_args()
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
    data = open(args.sample, "rb").read()
    counts = collections.Counter()
    kinds = collections.Counter()
    slowest = 0.0
    slow_runs = []
    messages = collections.Counter()
    failures = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="syncdefense-fuzz-") as workdir:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = [pool.submit(one, i, args, data, workdir) for i in range(args.count)]
            for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
                index, kind, results = future.result()
                kinds[kind] += 1
                for command, outcome, code, elapsed, stderr in results:
                    counts[(command, outcome)] += 1
                    slowest = max(slowest, elapsed)
                    slow_runs.append((elapsed, index, kind, command, outcome))
                    if outcome == "error":
                        messages[stderr.splitlines()[0][:90] if stderr else ""] += 1
                    if outcome in ("crash", "hang", "partial"):
                        failures.append((index, kind, command, outcome, code, stderr[-300:]))
                if done % 100 == 0:
                    print(f"{done}/{args.count} mutants", file=sys.stderr, flush=True)
    total = time.monotonic() - started
    print(f"mutants: {args.count} (seed {args.seed}), sample {args.sample}, {total:.0f} s, slowest run {slowest:.2f} s")
    print("mutations:", dict(sorted(kinds.items())))
    for command in ("probe", "features"):
        row = {o: counts[(command, o)] for o in ("ok", "error", "crash", "hang", "partial")}
        print(f"{command:9s}", row)
    print("slowest runs:", [f"{e:.2f}s #{i} {k} {c} {o}" for e, i, k, c, o in sorted(slow_runs, reverse=True)[:3]])
    print("most common refusals:")
    for message, n in messages.most_common(8):
        print(f"  {n:5d}  {message}")
    for failure in failures[:20]:
        print("FAILURE", failure)
    bad = sum(counts[(c, o)] for c in ("probe", "features") for o in ("crash", "hang", "partial"))
    print(f"crashes+hangs+partial outputs: {bad}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Summarise a training run's log.jsonl as Markdown (used for Weights/training-log-summary.md).

Usage: python3 scripts/training/summarize_log.py RUN/log.jsonl > Weights/training-log-summary.md
One-off documentation helper; nothing at run time needs Python.
"""
import json
import sys

steps, validations, events = {}, {}, []
repeated = 0
for line in open(sys.argv[1]):
    record = json.loads(line)
    kind = record.get("event")
    # A resumed run repeats the steps (and validations) after its last checkpoint; the later
    # record of a step replaces the earlier one.
    if kind == "step":
        repeated += record["global_step"] in steps
        steps[record["global_step"]] = record
    elif kind == "validation":
        validations[record["global_step"]] = record
    else:
        events.append(record)
steps = [steps[k] for k in sorted(steps)]
validations = [validations[k] for k in sorted(validations)]

print("# Training log summary\n")
print(f"Source: `{sys.argv[1]}` ({len(steps)} steps, {len(validations)} validations"
      + (f"; {repeated} steps repeated after a resume, counted once" if repeated else "") + ").\n")
print("## Loss, mean over blocks of 50 steps\n")
print("| steps | stage | loss | clip BCE | sync BCE | InfoNCE | artifact BCE | windows/s |")
print("|---|---|---|---|---|---|---|---|")
for start in range(0, len(steps), 50):
    block = steps[start:start + 50]
    mean = lambda key: sum(r[key] for r in block) / len(block)
    print(f"| {block[0]['global_step']}–{block[-1]['global_step']} | {block[-1]['stage']} | {mean('loss'):.4f} | {mean('clip'):.4f} "
          f"| {mean('sync'):.4f} | {mean('contrastive'):.4f} | {mean('artifact'):.4f} | {mean('windows_per_second'):.2f} |")
print("\n## Validations (held-out 8 % of the training corpus)\n")
print("| step | stage | clip AUC | window AUC | clips | best so far |")
print("|---|---|---|---|---|---|")
for v in validations:
    print(f"| {v['global_step']} | {v.get('stage', '')} | {v['auc']:.4f} | {v['window_auc']:.4f} | {v['clips']} | {'yes' if v['improved'] else ''} |")
print("\n## Events\n")
for e in events:
    detail = ", ".join(f"{k}={v}" for k, v in sorted(e.items()) if k != "event")
    print(f"- {e['event']}: {detail}")
if steps:
    print(f"\nTraining time: {steps[-1]['seconds'] / 60:.1f} min of compute over {len(steps)} steps "
          f"({steps[-1]['seconds'] / len(steps):.2f} s per step).")

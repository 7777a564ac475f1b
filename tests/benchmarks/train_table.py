#!/usr/bin/env python3
"""Prints run_train_benchmark.sh's table from its JSON lines: per ISA path, the medians over rounds
of ours (auto: the calibrated plan, named; and each fixed plan), PyTorch as is and with malloc kept,
the ratios, and the paper seed's achieved GFLOP/s as a share of the measured FMA peak.

Usage: train_table.py RESULTS.jsonl ROUNDS DATA_DIR
"""

import json
import statistics
import sys
from collections import defaultdict

FORWARD_FPOPS = 613.184e6  # paper seed, `perfnas cost`; training ~ 3x forward
PLANS = ("nhwc-fused", "nhwc-library", "nchw-library")


def main(results, rounds, data):
    samples = defaultdict(list)
    chosen = defaultdict(set)
    peak = {}
    for line in open(results):
        row = json.loads(line)
        isa = row.get("path", "default")  # the ISA path run_train_benchmark.sh tagged
        if row["side"] == "peak":
            peak[(isa, row["threads"])] = row["gflops"]
            continue
        side = "ours:" + row.get("plan", "auto") if row["side"] == "ours" else row["side"]
        key = (isa, side, row["spec"], row["threads"])
        samples[key].append(row["samples_per_s"])
        if row["side"] == "ours" and row.get("plan", "auto") == "auto":
            chosen[key].add(row.get("ran", "?"))
    median = {k: statistics.median(v) for k, v in samples.items()}
    nan = float("nan")
    print(f"\nTraining throughput, samples/s (batch 25), median of {rounds} rounds; {data}")
    print("ours: auto, the plan the calibration chose (named); fixed plans beside it. PyTorch: the same")
    print("network and loop, as is and with glibc malloc kept as ours keeps it. Ratios: ours (auto) / PyTorch.")
    for isa in dict.fromkeys(k[0] for k in median):
        print(f"\nISA path: {isa}")
        header = (f"{'spec':>10} {'thr':>3} | {'ours':>7} {'chosen':>17} | {'nhwc-fused':>10} {'nhwc-lib':>9} "
                  f"{'nchw-lib':>9} | {'PyTorch':>7} {'ratio':>6} | {'Py malloc':>9} {'ratio':>6} | "
                  f"{'GFLOP/s':>7} {'of peak':>8}")
        print(header)
        print("-" * len(header))
        for spec in ("paper-seed", "kws12"):
            for threads in (1, 2):
                ours = median.get((isa, "ours:auto", spec, threads))
                if ours is None:
                    print(f"{spec:>10} {threads:>3} | no rows for ours (auto)")
                    continue
                fixed = [median.get((isa, "ours:" + plan, spec, threads), nan) for plan in PLANS]
                torch = median.get((isa, "torch", spec, threads), nan)
                kept = median.get((isa, "torch-malloc", spec, threads), nan)
                ran = ",".join(sorted(chosen[(isa, "ours:auto", spec, threads)]))
                share = ""
                if spec == "paper-seed":
                    gflops = 3 * FORWARD_FPOPS * ours / 1e9
                    top = peak.get((isa, threads))
                    share = f"{gflops:7.1f} {100 * gflops / top:7.1f}%" if top else f"{gflops:7.1f} {'-':>8}"
                print(f"{spec:>10} {threads:>3} | {ours:7.1f} {ran:>17} | {fixed[0]:10.1f} {fixed[1]:9.1f} "
                      f"{fixed[2]:9.1f} | {torch:7.1f} {ours / torch:5.2f}x | {kept:9.1f} {ours / kept:5.2f}x | "
                      f"{share}")
        peaks = [f"{t}T {g:.0f} GFLOP/s" for (i, t), g in sorted(peak.items()) if i == isa]
        if peaks:
            print("measured FMA peak: " + ", ".join(peaks))


if __name__ == "__main__":
    main(*sys.argv[1:4])

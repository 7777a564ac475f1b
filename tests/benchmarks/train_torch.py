#!/usr/bin/env python3
"""Times the training loop of perfnas::Trainer written in plain PyTorch 1.13, for train_benchmark.

The network is core/model/KwsNetwork.cpp's, built from the same architecture JSON: per unit a
bias-free Conv2d with "same" padding (symmetric padding inside the convolution, a ZeroPad2d before
it when the padding is uneven, the extra row/column at the bottom/right), BatchNorm2d and ReLU;
then global average pooling and a Linear classifier. Adam (lr 1e-3, PyTorch defaults otherwise),
cross-entropy, batch 25, loss.item() every iteration (the trainer reads every loss to catch
divergence), zero_grad() as the C++ default (set_to_none=False).

Input: the training MFCCs that `train_benchmark --dump FILE` wrote (normalized as the trainer
normalizes them), with batches of uniformly random clips gathered per iteration; or, with
--random, normal(0, 1) inputs and uniform labels. OPENBLAS_NUM_THREADS=1 is set before torch loads,
as core/training/ComputeRuntime.cpp does, so only torch's own OpenMP pool runs threads.

Per thread count (torch.set_num_threads): W untimed warm-up iterations, then N timed ones.
Output: human-readable lines on stderr, one JSON object per thread count on stdout.

Usage: /usr/bin/python3 tests/benchmarks/train_torch.py --spec FILE (--features FILE | --random)
           [--iterations N] [--warmup W] [--threads 1,2]
"""

import argparse
import json
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

BATCH = 25
LEARNING_RATE = 1e-3


def same_padding(size: int, kernel: int, stride: int) -> tuple:
    """(before, after) padding for output ceil(size / stride), the extra one after."""
    output = (size + stride - 1) // stride
    total = max((output - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class KwsNetwork(torch.nn.Module):
    def __init__(self, spec: dict):
        super().__init__()
        height, width = spec["input"]["height"], spec["input"]["width"]
        channels = 1
        layers = []
        for unit in spec["units"]:
            kh, kw, filters = unit["kh"], unit["kw"], unit["filters"]
            sh, sw = unit.get("stride", [1, 1])
            top, bottom = same_padding(height, kh, sh)
            left, right = same_padding(width, kw, sw)
            if top == bottom and left == right:
                layers.append(torch.nn.Conv2d(channels, filters, (kh, kw), stride=(sh, sw),
                                              padding=(top, left), bias=False))
            else:
                layers.append(torch.nn.ZeroPad2d((left, right, top, bottom)))
                layers.append(torch.nn.Conv2d(channels, filters, (kh, kw), stride=(sh, sw), bias=False))
            layers += [torch.nn.BatchNorm2d(filters), torch.nn.ReLU()]
            height, width = (height + sh - 1) // sh, (width + sw - 1) // sw
            channels = filters
        self.features = torch.nn.Sequential(*layers)
        self.classifier = torch.nn.Linear(channels, spec["classes"])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x).mean(dim=(2, 3)))


def load_features(path: str):
    header = np.fromfile(path, dtype=np.int32, count=4)
    count, coefficients, frames, classes = (int(v) for v in header)
    values = count * coefficients * frames
    mfcc = np.fromfile(path, dtype=np.float32, count=values, offset=16)
    labels = np.fromfile(path, dtype=np.int64, count=count, offset=16 + 4 * values)
    if mfcc.size != values or labels.size != count:
        sys.exit(f"train_torch.py: {path} is truncated")
    inputs = torch.from_numpy(mfcc).reshape(count, 1, coefficients, frames)
    return inputs, torch.from_numpy(labels), classes


def train(spec: dict, inputs, labels, iterations: int, warmup: int, generator: torch.Generator) -> float:
    """Samples per second over `iterations` after `warmup` untimed ones."""
    model = KwsNetwork(spec)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    height, width = spec["input"]["height"], spec["input"]["width"]

    def step() -> float:
        if inputs is None:
            x = torch.randn(BATCH, 1, height, width, generator=generator)
            y = torch.randint(spec["classes"], (BATCH,), generator=generator)
        else:
            index = torch.randint(inputs.shape[0], (BATCH,), generator=generator)
            x, y = inputs.index_select(0, index), labels.index_select(0, index)
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        value = loss.item()
        optimizer.step()
        return value

    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(iterations):
        step()
    return iterations * BATCH / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", required=True)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--features", help="file written by train_benchmark --dump")
    source.add_argument("--random", action="store_true", help="normal(0, 1) inputs instead")
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", default="2")
    args = parser.parse_args()

    with open(args.spec) as file:
        spec = json.load(file)
    spec.setdefault("input", {"height": 40, "width": 32})
    inputs, labels = None, None
    if args.features:
        inputs, labels, classes = load_features(args.features)
        if classes != spec["classes"] or tuple(inputs.shape[2:]) != (spec["input"]["height"], spec["input"]["width"]):
            sys.exit(f"train_torch.py: {args.features} does not match {args.spec}")
    source_name = "random normal inputs" if args.random else "dumped training MFCCs, random batches"
    for threads in (int(t) for t in args.threads.split(",")):
        torch.set_num_threads(threads)
        torch.manual_seed(1)
        generator = torch.Generator().manual_seed(1)
        samples_per_second = train(spec, inputs, labels, args.iterations, args.warmup, generator)
        print(f"torch {spec['name']} {threads}T: {samples_per_second:8.1f} samples/s ({source_name})",
              file=sys.stderr, flush=True)
        print(json.dumps({"side": "torch", "spec": spec["name"], "threads": threads, "batch": BATCH,
                          "iterations": args.iterations, "warmup": args.warmup,
                          "samples_per_s": round(samples_per_second, 2), "input": source_name,
                          "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()

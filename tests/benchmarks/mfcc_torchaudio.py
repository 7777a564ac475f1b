#!/usr/bin/env python3
"""Times torchaudio 0.13's MFCC (docs/method.md's settings) on the clips that mfcc_benchmark dumped.

The input is the raw float32 file written by `mfcc_benchmark --dump FILE` (N x 16000 samples), so
both sides see identical clips. For each thread count (torch.set_num_threads) it times:
  per-clip    one MFCC call per clip, as a data loader would
  batch-all   one call on the whole N x 16000 tensor
  chunk-K     calls on K x 16000 slices (K = 8, 16, 32, 64, 128, 512)
after one untimed warm-up call per strategy, and prints clips/s for each plus the best.
OPENBLAS_NUM_THREADS=1 is set before torch loads so only torch's own pool uses threads.

Output: human-readable lines plus machine-readable ones that run_mfcc_benchmark.sh parses:
  RESULT torchaudio threads=T strategy=S clips_per_s=X

Usage: /usr/bin/python3 tests/benchmarks/mfcc_torchaudio.py --clips FILE [--threads 1,2]
"""

import argparse
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchaudio  # noqa: E402

CLIP_SAMPLES = 16000
CHUNK_SIZES = [8, 16, 32, 64, 128, 512]


def make_transform() -> torch.nn.Module:
    return torchaudio.transforms.MFCC(
        sample_rate=16000,
        n_mfcc=40,
        melkwargs={"n_fft": 2048, "hop_length": 512, "n_mels": 40, "mel_scale": "htk"},
    )


def per_clip(mfcc: torch.nn.Module, clips: torch.Tensor) -> float:
    total = 0.0
    for clip in clips:
        total += float(mfcc(clip)[0, 0])
    return total


def batched(mfcc: torch.nn.Module, clips: torch.Tensor, chunk: int) -> float:
    total = 0.0
    for start in range(0, clips.shape[0], chunk):
        total += float(mfcc(clips[start:start + chunk])[0, 0, 0])
    return total


def clips_per_second(run, clip_count: int, warmup) -> float:
    warmup()
    start = time.perf_counter()
    run()
    return clip_count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", required=True, help="raw float32 file from mfcc_benchmark --dump")
    parser.add_argument("--threads", default="1,2", help="comma-separated torch thread counts")
    args = parser.parse_args()

    data = np.fromfile(args.clips, dtype=np.float32)
    if data.size == 0 or data.size % CLIP_SAMPLES:
        parser.error(f"{args.clips}: not a whole number of {CLIP_SAMPLES}-sample clips")
    clips = torch.from_numpy(data.reshape(-1, CLIP_SAMPLES))
    count = clips.shape[0]
    print(f"torch {torch.__version__}, torchaudio {torchaudio.__version__}, {count} clips, "
          f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")

    mfcc = make_transform()
    with torch.inference_mode():
        for threads in (int(t) for t in args.threads.split(",")):
            torch.set_num_threads(threads)
            strategies = {
                "per-clip": (lambda: per_clip(mfcc, clips),
                             lambda: per_clip(mfcc, clips[:50])),
                "batch-all": (lambda: batched(mfcc, clips, count),
                              lambda: batched(mfcc, clips[:64], 64)),
            }
            for chunk in CHUNK_SIZES:
                strategies[f"chunk-{chunk}"] = (
                    lambda chunk=chunk: batched(mfcc, clips, chunk),
                    lambda chunk=chunk: batched(mfcc, clips[:chunk], chunk))
            results = {}
            for name, (run, warmup) in strategies.items():
                results[name] = clips_per_second(run, count, warmup)
                print(f"torchaudio {threads} thread(s) {name:>10}: {results[name]:8.0f} clips/s")
                print(f"RESULT torchaudio threads={threads} strategy={name} "
                      f"clips_per_s={results[name]:.1f}", flush=True)
            best = max(results, key=results.get)
            print(f"torchaudio {threads} thread(s) best: {best}, {results[best]:.0f} clips/s")


if __name__ == "__main__":
    main()

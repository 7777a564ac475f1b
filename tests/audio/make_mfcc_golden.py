#!/usr/bin/env python3
"""Writes the golden MFCC matrices for the fixture clips in tests/data/audio/.

The oracle is torchaudio 0.13's transforms.MFCC with the settings of docs/method.md:
    MFCC(sample_rate=16000, n_mfcc=40,
         melkwargs={"n_fft": 2048, "hop_length": 512, "n_mels": 40, "mel_scale": "htk"})
Each fixture is read with the standard `wave` module (16-bit PCM, mono, 16 kHz; int16 / 32768),
zero-padded at the end or cropped to 16,000 samples, and its 40 x 32 matrix is written to
tests/data/audio/<name>.mfcc.csv: one row per coefficient, 32 comma-separated frames, "%.6f".
MfccExtractorTest compares perfnas::MfccExtractor against these files.

Usage: /usr/bin/python3 tests/audio/make_mfcc_golden.py   (Debian's python3-torch/-torchaudio)
"""

import pathlib
import sys
import wave

import numpy as np
import torch
import torchaudio

CLIP_SAMPLES = 16000
SAMPLE_RATE_HZ = 16000
FIXTURES = ["word", "short", "long", "quiet", "noisy"]
DATA_DIR = pathlib.Path(__file__).resolve().parent.parent / "data" / "audio"


def read_clip(path: pathlib.Path) -> np.ndarray:
    """The clip as float32 in [-1, 1), padded or cropped to one second."""
    with wave.open(str(path), "rb") as wav:
        if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) != (1, 2, SAMPLE_RATE_HZ):
            sys.exit(f"{path}: expected 16 kHz mono 16-bit PCM")
        frames = wav.readframes(wav.getnframes())
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    clip = np.zeros(CLIP_SAMPLES, dtype=np.float32)
    count = min(CLIP_SAMPLES, samples.size)
    clip[:count] = samples[:count]
    return clip


def main() -> None:
    print(f"torch {torch.__version__}, torchaudio {torchaudio.__version__}")
    if not torchaudio.__version__.startswith("0.13"):
        print("warning: docs/method.md's oracle is torchaudio 0.13", file=sys.stderr)
    mfcc = torchaudio.transforms.MFCC(
        sample_rate=SAMPLE_RATE_HZ,
        n_mfcc=40,
        melkwargs={"n_fft": 2048, "hop_length": 512, "n_mels": 40, "mel_scale": "htk"},
    )
    for name in FIXTURES:
        clip = read_clip(DATA_DIR / f"{name}.wav")
        with torch.no_grad():
            matrix = mfcc(torch.from_numpy(clip)).numpy()
        assert matrix.shape == (40, 32), matrix.shape
        out = DATA_DIR / f"{name}.mfcc.csv"
        np.savetxt(out, matrix, fmt="%.6f", delimiter=",")
        print(f"{out.name}: {matrix.shape[0]}x{matrix.shape[1]}, "
              f"range [{matrix.min():.3f}, {matrix.max():.3f}]")


if __name__ == "__main__":
    main()

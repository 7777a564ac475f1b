#!/usr/bin/env bash
# Makes the five golden-fixture clips in tests/data/audio/ with espeak-ng and sox (no downloaded
# audio). The committed WAVs are the fixtures; this script documents how they were made. espeak-ng
# and sox are deterministic for fixed arguments (sox's noise generator is seeded with -R), but other
# versions may produce slightly different audio: after regenerating, rerun make_mfcc_golden.py.
#
#   word.wav    "yes",  ~1.0 s   an ordinary one-second clip
#   short.wav   "go",   ~0.4 s   shorter than a second: zero-padded at the end
#   long.wav    phrase, ~1.6 s   longer than a second: cropped
#   quiet.wav   "no",   ~1.0 s   -35 dB: exercises the dB floor and small magnitudes
#   noisy.wav   "left", ~1.0 s   speech plus low pink noise
#
# Usage: tests/audio/make_fixture_clips.sh   (from anywhere; needs espeak-ng and sox)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${here}/../data/audio"
mkdir -p "${out}"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

# -R makes sox's random generators (noise, dither) repeatable; -D turns dither off.
SOX=(sox -R -D)

# espeak-ng writes 22.05 kHz mono; convert to 16 kHz mono 16-bit.
speak() {  # speak TEXT SPEED_WPM OUTFILE
    espeak-ng -v en-us -s "$2" -w "${work}/raw.wav" "$1"
    "${SOX[@]}" "${work}/raw.wav" -r 16000 -c 1 -b 16 "$3" silence 1 0.01 0.1% reverse silence 1 0.01 0.1% reverse
}

# Pad or trim to an exact duration so the clip lengths are part of the fixture definition.
fit() {  # fit INFILE SECONDS OUTFILE
    # -V1: trim ends the chain before pad has finished, which sox reports as a harmless warning.
    "${SOX[@]}" -V1 "$1" -r 16000 -c 1 -b 16 "$3" pad 0 "$2" trim 0 "$2"
}

speak "yes" 140 "${work}/yes.wav"
"${SOX[@]}" "${work}/yes.wav" "${work}/yes_lead.wav" pad 0.2 0
fit "${work}/yes_lead.wav" 1.0 "${out}/word.wav"

speak "go" 200 "${work}/go.wav"
fit "${work}/go.wav" 0.4 "${out}/short.wav"

speak "turn left then go down" 190 "${work}/long.wav"
fit "${work}/long.wav" 1.6 "${out}/long.wav"

speak "no" 130 "${work}/no.wav"
"${SOX[@]}" "${work}/no.wav" "${work}/no_lead.wav" pad 0.15 0
"${SOX[@]}" "${work}/no_lead.wav" "${work}/no_quiet.wav" gain -n -35
fit "${work}/no_quiet.wav" 1.0 "${out}/quiet.wav"

speak "left" 140 "${work}/left.wav"
"${SOX[@]}" "${work}/left.wav" "${work}/left_lead.wav" pad 0.25 0
fit "${work}/left_lead.wav" 1.0 "${work}/left_1s.wav"
"${SOX[@]}" "${work}/left_1s.wav" "${work}/left_speech.wav" gain -n -6
"${SOX[@]}" -n -r 16000 -c 1 -b 16 "${work}/noise.wav" synth 1.0 pinknoise vol 0.02
"${SOX[@]}" -m "${work}/left_speech.wav" "${work}/noise.wav" -b 16 "${out}/noisy.wav"

for f in word short long quiet noisy; do
    printf '%-10s %s\n' "${f}.wav" "$(soxi -D "${out}/${f}.wav") s, $(soxi -r "${out}/${f}.wav") Hz"
done

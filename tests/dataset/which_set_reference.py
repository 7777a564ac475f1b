#!/usr/bin/env python3
"""Prints the split Speech Commands' own rule (TensorFlow input_data.which_set) gives each name.

The reference for SplitAssignerTest; run: python3 tests/dataset/which_set_reference.py NAME...
"""
import hashlib
import re
import sys

MAX_NUM_WAVS_PER_CLASS = 2**27 - 1


def which_set(filename, validation_percentage=10, testing_percentage=10):
    hash_name = re.sub(r'_nohash_.*$', '', filename)
    hashed = hashlib.sha1(hash_name.encode()).hexdigest()
    percentage = ((int(hashed, 16) % (MAX_NUM_WAVS_PER_CLASS + 1)) * (100.0 / MAX_NUM_WAVS_PER_CLASS))
    if percentage < validation_percentage:
        return 'validation'
    if percentage < testing_percentage + validation_percentage:
        return 'testing'
    return 'training'


for name in sys.argv[1:]:
    print(name, which_set(name))

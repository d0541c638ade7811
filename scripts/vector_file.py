"""Writes the JSON of scripts/gen_*_vectors.py to argv[1], or to stdout."""
import json
import sys


def write_vectors(out):
    data = (json.dumps(out, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()
    with open(sys.argv[1] if len(sys.argv) > 1 else sys.stdout.fileno(), "wb") as fh:
        fh.write(data)

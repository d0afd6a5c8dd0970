"""The long fuzz run: the reader fuzz suite and the dump splitter's property tests with many more examples than CI
runs, on fresh random seeds (CI runs them derandomized, so that what was green stays green).

    python benchmarks/fuzz.py [--examples 5000] [--runs 3]

Each run is one pytest process with EVENTWIRE_FUZZ_EXAMPLES and EVENTWIRE_FUZZ_RANDOM=1; a failure prints
hypothesis's falsifying example and the seed to replay it (``pytest ... --hypothesis-seed=N``). Exit status 1 if any
run failed.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ["tests/test_fuzz_readers.py", "tests/test_dump_properties.py"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=5000, help="examples per reader property (CI: 150)")
    parser.add_argument("--runs", type=int, default=3, help="pytest runs, each on its own random seed")
    args = parser.parse_args()
    env = {**os.environ, "EVENTWIRE_FUZZ_EXAMPLES": str(args.examples), "EVENTWIRE_FUZZ_RANDOM": "1"}
    failed = 0
    for run in range(1, args.runs + 1):
        seed = random.SystemRandom().randrange(1, 2**31)
        start = time.perf_counter()
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--hypothesis-seed={seed}",
                   *TESTS, "-k", "fuzz or property"]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        last = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
        print(f"run {run}: seed {seed}, {time.perf_counter() - start:.0f} s: {last}")
        if done.returncode != 0:
            failed += 1
            print(done.stdout[-6000:])
    print(f"{args.runs - failed} of {args.runs} runs passed ({args.examples} examples per reader property)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

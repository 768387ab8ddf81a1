#!/usr/bin/env python3
"""Prints the plain 'N passed, N failed' line from meson's testlog.json files.

test-summary.py TESTLOG.json [TESTLOG.json...]: one line for all of them
(build-aux/test.sh passes the plain run's and the sanitizer run's)."""
import json
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as log:
        for line in log:
            result = json.loads(line).get("result")
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed or passed == 0 else 0)

"""Reads the JUnit XML reports of a GPU check stage (run.sh) and says whether it may pass.

JUnit counts a test whose assumption failed as skipped (aborted), and its run still exits 0: the
GPU tests assume a GPU (Engine.getGpuCount() > 0, DJL's CUDA runtime count), so where DJL does
not see the GPU they all skip and the run looks green. On a GPU machine that is a failure. So:

- a skipped test whose reason names a GPU is accepted only where it asks for more GPUs than the
  machine has ("needs two GPUs" on one GPU); "needs a GPU", "no GPU on this machine" and any other
  GPU reason fail the stage, as does a reason that cannot be read;
- with --only-gpu-skips (the GPU tests' stage) every other skip fails the stage too;
- a failed test, a test in error, a report missing or no test run fail it as well, and so does a
  class named by --expect-classes (comma-separated, fully qualified) that has no test in the
  reports: JUnit drops a class that cannot be loaded without a word.

Usage: python3 check_reports.py [--only-gpu-skips] [--expect-classes A,B] REPORTS_DIR GPU_COUNT
Exit status: 0 the stage may pass, 1 tests skipped that should have run, 2 failures, errors, an
expected class missing, or no report or test.
"""

import pathlib
import re
import sys
import xml.etree.ElementTree as ET

WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "eight": 8}
NEEDS = re.compile(r"needs (a|one|two|three|four|eight|\d+) GPUs?\b", re.IGNORECASE)


def reason_of(skipped):
    text = (skipped.get("message") or skipped.text or "").strip()
    match = re.search(r"Assumption failed: (.*)", text)
    if match:
        return match.group(1).strip()
    return text.splitlines()[0].strip() if text else "(no reason given)"


def gpus_needed(reason):
    match = NEEDS.search(reason)
    if not match:
        return None
    word = match.group(1).lower()
    return int(word) if word.isdigit() else WORDS[word]


def main(argv):
    only_gpu_skips, expected, args = False, [], []
    rest = iter(argv)
    for arg in rest:
        if arg == "--only-gpu-skips":
            only_gpu_skips = True
        elif arg == "--expect-classes":
            expected = [name for name in next(rest, "").split(",") if name]
        else:
            args.append(arg)
    if len(args) != 2:
        sys.exit(__doc__)
    reports, gpu_count = pathlib.Path(args[0]), int(args[1])
    files = sorted(reports.glob("TEST-*.xml"))
    if not files:
        print(f"check: no JUnit XML report under {reports}")
        return 2
    total = failed = 0
    accepted, refused, seen = [], [], set()
    for path in files:
        for case in ET.parse(path).getroot().iter("testcase"):
            total += 1
            seen.add(case.get("classname"))
            name = f"{case.get('classname')}.{case.get('name')}"
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
                continue
            skipped = case.find("skipped")
            if skipped is None:
                continue
            reason = reason_of(skipped)
            needed = gpus_needed(reason)
            if needed is not None and needed > gpu_count:
                accepted.append((name, reason))
            elif "gpu" in reason.lower() or only_gpu_skips:
                refused.append((name, reason))
            else:
                accepted.append((name, reason))
    passed = total - failed - len(accepted) - len(refused)
    print(
        f"check: {total} tests, {passed} passed, {failed} failed or in error, "
        f"{len(accepted)} skipped as expected, {len(refused)} skipped that should have run "
        f"({gpu_count} GPU(s) visible)"
    )
    for name, reason in accepted:
        print(f"check:   skipped as expected: {name}: {reason}")
    for name, reason in refused:
        print(f"check:   SKIPPED, SHOULD HAVE RUN: {name}: {reason}")
    missing = [name for name in expected if name not in seen]
    for name in missing:
        print(f"check:   NO TEST RAN OF {name} (not found, or it could not be loaded)")
    if failed or passed == 0 or missing:
        return 2
    return 1 if refused else 0


if __name__ == "__main__":
    # 1 means "tests skipped" to run.sh; a usage error or a report it cannot read is another
    # failure (2), never read as a skip
    try:
        code = main(sys.argv[1:])
    except SystemExit as e:
        if e.code not in (None, 0, 1) or isinstance(e.code, str):
            print(e.code if isinstance(e.code, str) else f"check: exit {e.code}", file=sys.stderr)
            code = 2
        else:
            code = e.code or 0
    except Exception as e:  # malformed XML and the like
        print(f"check: {type(e).__name__}: {e}", file=sys.stderr)
        code = 2
    sys.exit(code)

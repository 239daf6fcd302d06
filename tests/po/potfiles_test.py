#!/usr/bin/python3
"""Every C source with translatable strings (_() or N_()) is listed in
po/POTFILES, and every listed file exists.  Regenerate the list with
`tests/po/potfiles_test.py --write`."""
import os
import re
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DIRS = ("src", "daemon", "drivers", "tools")
MARK = re.compile(r"\b(N_|_)\(\s*\"")


def wanted():
    out = []
    for d in DIRS:
        for root, _dirs, files in os.walk(os.path.join(TOP, d)):
            for f in files:
                if f.endswith(".c"):
                    path = os.path.join(root, f)
                    with open(path, encoding="utf-8", errors="replace") as fh:
                        if MARK.search(fh.read()):
                            out.append(os.path.relpath(path, TOP))
    return sorted(out)


def listed():
    with open(os.path.join(TOP, "po", "POTFILES")) as fh:
        return [l.strip() for l in fh if l.strip() and not l.startswith("#")]


def main():
    want = wanted()
    if "--write" in sys.argv:
        with open(os.path.join(TOP, "po", "POTFILES"), "w") as fh:
            fh.write("\n".join(want) + "\n")
        return 0
    have = listed()
    missing = sorted(set(want) - set(have))
    stale = sorted(p for p in have if not os.path.exists(os.path.join(TOP, p)))
    for p in missing:
        print(f"not in po/POTFILES: {p}")
    for p in stale:
        print(f"listed in po/POTFILES but missing: {p}")
    return 1 if missing or stale else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""define_worker.py: one python3-libvirt client defining domains in a loop.

Used by tests/bench/run-daemon-bench; not meant to be run by hand.

  define_worker.py URI TEMPLATE_FILE FIRST COUNT

Connects, prints "ready", waits for a line on stdin, then calls
conn.defineXML() for domains FIRST..FIRST+COUNT-1 (TEMPLATE_FILE holds the XML
with {i} where the index goes, {uuid} for the UUID) and prints
"T0 T1" (CLOCK_MONOTONIC around the loop).
"""
import sys
import time

import libvirt


def main():
    uri, template_file, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(template_file) as f:
        template = f.read()
    xmls = [template.replace("{i}", str(i)).replace("{uuid}", "%08x-5b2c-4d3e-8f40-%012x" % (i, i))
            for i in range(first, first + count)]
    conn = libvirt.open(uri)
    print("ready", flush=True)
    sys.stdin.readline()
    t0 = time.monotonic()
    for xml in xmls:
        conn.defineXML(xml)
    t1 = time.monotonic()
    print("%.6f %.6f" % (t0, t1), flush=True)
    conn.close()


if __name__ == "__main__":
    main()

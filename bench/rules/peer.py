#!/usr/bin/env python3
"""NumPy peer of hrss's columnar assessment, run by `go run ./bench/rules`.

A data analyst's hand-written vectorised version of the same work as
rules.Params.Assess: for each person-month, the wage clipped to the floor
and ceiling of its division and period, then seven contribution lines at
that division's rates, each rounded half-up to the fen in integer
arithmetic, masked by the insurances the row is enrolled in; a flexible
worker owes the pension line only, at the flexible rate. Money is int64
fen throughout, never floating point.

    peer.py FILE

FILE is written by the Go side: one JSON header line (the arrays, their
dtypes and counts, in order, and hrss's total per line), then the arrays,
binary little-endian. The rates per (division, period) come from hrss's
per-person formula, so both sides see the same inputs. The peer checks
that its total per line equals hrss's to the fen (exit status 1 and both
totals on stderr if not), then prints one line:

    numpy VERSION runs N median_ns NS total FEN
"""

import json
import statistics
import sys
import time

import numpy as np

# Insurance bit of each line in the enrolled set (rules.Enrolled):
# pension 1, medical 2, unemployment 4, work injury 8.
LINE_BITS = [0, 0, 1, 1, 2, 2, 3]
KIND_EMPLOYEE = 1
CLASSES = 9  # work-injury classes 1-8; 0 for flexible workers (rate 0)


def load(path):
    with open(path, "rb") as f:
        header = json.loads(f.readline())
        arrays = {}
        for a in header["arrays"]:
            arrays[a["name"]] = np.fromfile(f, dtype=np.dtype(a["dtype"]), count=a["count"])
    return header, arrays


def assess(t):
    """The seven line totals (int64 fen) of every row, as hrss assesses them."""
    slot = t["slot"]  # (period index) × divisions + division index
    base = np.maximum(t["wage"], t["floor"][slot])
    np.minimum(base, t["ceiling"][slot], out=base)
    employee = t["kind"] == KIND_EMPLOYEE
    enrolled = t["enrolled"]
    totals = []
    for line in range(6):
        rate = t["ppm%d" % line][slot]  # parts per million
        if line == 0:
            rate = np.where(employee, rate, t["flex_ppm"][slot])
        else:
            rate *= employee
        amount = base * rate
        amount += 500_000
        amount //= 1_000_000  # half-up to the fen
        amount *= (enrolled >> LINE_BITS[line]) & 1
        totals.append(int(amount.sum()))
    # work injury: class base rate (ppm) × float (hundredths), per 10^8
    rate = t["wi_ppm"][slot * CLASSES + t["class"]] * t["float"]
    amount = base * rate
    amount += 50_000_000
    amount //= 100_000_000  # half-up to the fen
    amount *= (enrolled >> LINE_BITS[6]) & 1
    totals.append(int(amount.sum()))
    return totals


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: peer.py FILE")
    header, t = load(sys.argv[1])
    # widen the narrow columns once, outside the timing, as an analyst
    # would hold them in a DataFrame
    for name in ("slot", "kind", "class", "float", "enrolled"):
        t[name] = t[name].astype(np.int64)
    got = assess(t)  # warm up, and check
    want = header["totals"]
    if got != want:
        print("peer: totals per line differ from hrss's:\n  numpy %s\n  hrss  %s" % (got, want), file=sys.stderr)
        sys.exit(1)
    runs = header.get("runs", 5)
    times = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        assess(t)
        times.append(time.perf_counter_ns() - start)
    print("numpy %s runs %d median_ns %d total %d" % (np.__version__, runs, statistics.median(times), sum(got)))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Medians over repeated chorus-bench runs.

    scripts/bench-median.py RUN1.txt RUN2.txt RUN3.txt
    scripts/bench-median.py --ratio A1.txt A2.txt -- B1.txt B2.txt

Each file holds the `RESULT {json}` lines of one run (from chorus-bench, bench-run.sh or
bench-eventloop.sh, whose lines read `RESULT loop=… idle=… {json}`). Steps are matched by
their labels and offered rate; the table shows the median of each figure across the files
and how many runs it is taken over. With --ratio, it prints per step the ratio A / B of the
medians of server CPU per delivery and of server CPU % (scripts/bench-peer.sh: chorus / peer).
"""
from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict

FIELDS = [
    ("deliveryPercent", "deliv %"),
    ("deliveriesPerSecond", "deliveries/s"),
    ("p50Ms", "p50 ms"),
    ("p99Ms", "p99 ms"),
    ("serverCPUPercent", "server CPU %"),
    ("serverCPUMicrosPerMessage", "server µs/msg"),
    ("serverCPUMicrosPerDelivery", "server µs/delivery"),
    ("serverRSSMB", "server RSS MB"),
    ("benchCPUPercent", "bench CPU %"),
]
RATIO_FIELDS = [
    ("serverCPUMicrosPerDelivery", "server CPU/delivery"),
    ("serverCPUPercent", "server CPU %"),
]


def rows(path: str):
    for line in open(path):
        if not line.startswith("RESULT "):
            continue
        head, _, body = line[len("RESULT "):].partition("{")
        result = json.loads("{" + body)
        labels = " ".join(part for part in head.split() if "=" in part)
        if "steps" in result:
            for step in result["steps"]:
                rate = step.get("offeredRate") or step.get("rate") or step.get("targetRate")
                yield (labels, rate), step
        else:
            yield (labels, "hold"), result


def collect(paths: list[str]) -> dict[tuple, list[dict]]:
    collected: dict[tuple, list[dict]] = defaultdict(list)
    for path in paths:
        for key, step in rows(path):
            collected[key].append(step)
    return collected


def median(steps: list[dict], field: str):
    values = [s[field] for s in steps if isinstance(s.get(field), (int, float))]
    return statistics.median(values) if values else None


def ratios(paths_a: list[str], paths_b: list[str]) -> None:
    a, b = collect(paths_a), collect(paths_b)
    if not a or not b:
        sys.exit("no RESULT lines found on one side")
    for key in a:
        if key not in b:
            continue
        labels, rate = key
        figures = []
        for field, title in RATIO_FIELDS:
            top, bottom = median(a[key], field), median(b[key], field)
            if top is not None and bottom:
                figures.append(f"{title} {top / bottom:.2f}× ({top:g} / {bottom:g})")
        runs = f"runs={len(a[key])}/{len(b[key])}"
        print(f"{labels or '-'} rate={rate} {runs}: " + (", ".join(figures) or "no server CPU figures"))


def main(paths: list[str]) -> None:
    if "--ratio" in paths:
        rest = paths[paths.index("--ratio") + 1:]
        if "--" not in rest:
            sys.exit("usage: bench-median.py --ratio A.txt… -- B.txt…")
        split = rest.index("--")
        ratios(rest[:split], rest[split + 1:])
        return
    collected = collect(paths)
    if not collected:
        sys.exit("no RESULT lines found")
    for (labels, rate), steps in collected.items():
        figures = []
        for field, title in FIELDS + [("rssPerConnectionKB", "RSS/conn KB"), ("probeP99Ms", "probe p99 ms")]:
            values = [s[field] for s in steps if isinstance(s.get(field), (int, float))]
            if values:
                figures.append(f"{title} {statistics.median(values):g}")
        print(f"{labels or '-'} rate={rate} runs={len(steps)}: " + ", ".join(figures))


if __name__ == "__main__":
    main(sys.argv[1:])

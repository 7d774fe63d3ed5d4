#!/usr/bin/env python3
"""Medians over repeated chorus-bench runs.

    scripts/bench-median.py RUN1.txt RUN2.txt RUN3.txt

Each file holds the `RESULT {json}` lines of one run (from chorus-bench, bench-run.sh or
bench-eventloop.sh, whose lines read `RESULT loop=… idle=… {json}`). Steps are matched by
their labels and offered rate; the table shows the median of each figure across the files
and how many runs it is taken over.
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
    ("serverRSSMB", "server RSS MB"),
    ("benchCPUPercent", "bench CPU %"),
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


def main(paths: list[str]) -> None:
    collected: dict[tuple, list[dict]] = defaultdict(list)
    for path in paths:
        for key, step in rows(path):
            collected[key].append(step)
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

#!/usr/bin/env python3
"""Idle weight over wss://: opens N TLS WebSocket viewers to a running chorusd (Python's ssl and
`websockets`; the replies to the daemon's pings are the library's), holds them, and prints the
daemon's resident memory per connection right after connecting and at the end of the hold.

    .build/integration-venv/bin/python scripts/bench-wss-idle.py --port 8443 --pid PID \\
        --cafile cert.pem --connections 19900 --hold-seconds 65

Hold at least two `transport.pingIntervalSeconds` (30 s by default) so heartbeat state is in
the figure. The daemon needs `limits.maxConnections` and `limits.maxConnectionsPerIP` above N
(or 0), and both processes a descriptor limit above N.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import ssl
import time

from websockets.asyncio.client import connect


def rss_kb(pid: int) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--cafile", required=True)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--hold-seconds", type=float, default=65)
    parser.add_argument("--room", default="lobby")
    parser.add_argument("--concurrency", type=int, default=100)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    context = ssl.create_default_context(cafile=args.cafile)
    url = f"wss://127.0.0.1:{args.port}/v1/viewer?room={args.room}"
    before = rss_kb(args.pid)
    connections = []
    gate = asyncio.Semaphore(args.concurrency)
    failures = 0

    async def open_one() -> None:
        nonlocal failures
        async with gate:
            try:
                ws = await connect(url, ssl=context, ping_interval=None, open_timeout=60, max_queue=4,
                                   compression=None)
                await ws.recv()  # the welcome
                connections.append(ws)
            except Exception:  # counted: a bench reports what it could not do
                failures += 1

    started = time.monotonic()
    await asyncio.gather(*(open_one() for _ in range(args.connections)))
    connect_seconds = time.monotonic() - started
    await asyncio.sleep(2)
    connected = rss_kb(args.pid)
    await asyncio.sleep(max(0.0, args.hold_seconds - 2))
    end = rss_kb(args.pid)
    alive = sum(1 for ws in connections if ws.state.name == "OPEN")
    n = max(1, len(connections))
    print("RESULT " + json.dumps({
        "scenario": "wss-idle", "connections": len(connections), "failed": failures, "aliveAtEnd": alive,
        "connectSeconds": round(connect_seconds, 1), "handshakesPerSecond": round(len(connections) / connect_seconds),
        "rssBeforeKB": before, "rssConnectedKB": connected, "rssEndKB": end,
        "rssPerConnectionKB": round((connected - before) / n, 2),
        "rssPerConnectionEndKB": round((end - before) / n, 2), "holdSeconds": args.hold_seconds}))
    await asyncio.gather(*(ws.close() for ws in connections), return_exceptions=True)


asyncio.run(main())

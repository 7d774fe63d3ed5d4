#!/usr/bin/env bash
# The ingest benchmark: 500 publishers over 50 rooms, 1 reader per room, multilingual chat,
# 20,000 → 150,000 msg/s aggregate, 10 s per step. Publishers only send (feed=none); add
# --publisher-feed all to have them receive their room like viewers who chat (the shape of
# every run before 2026-11-22). Publishers negotiate the chorus.ingest subprotocol (read 4 KB
# at a time); --publisher-protocol none keeps the default one (192 bytes). Extra arguments
# override (e.g. --rooms 100).
exec "$(dirname "$0")/bench-run.sh" ingest --rooms 50 --publishers 500 --readers 1 \
  --rates 20000,50000,100000,150000 --seconds 10 "$@"

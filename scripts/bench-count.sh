#!/usr/bin/env bash
# The counting benchmark: 200 publishers over 20 rooms send acked interactions (likes, gifts,
# cart, purchases, coupons, chat) at 1,000 → 50,000/s aggregate, 10 s per step, then check each
# room's counters against the acks. Extra arguments override (e.g. --rates 1000,5000).
exec "$(dirname "$0")/bench-run.sh" count --rooms 20 --publishers 200 \
  --rates 1000,5000,20000,50000 --seconds 10 "$@"

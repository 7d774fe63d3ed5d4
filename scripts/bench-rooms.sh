#!/usr/bin/env bash
# The many-rooms benchmark: 200 rooms × 10 viewers, one publisher per room, 1 → 20 msg/s each.
# Extra arguments override.
exec "$(dirname "$0")/bench-run.sh" rooms --rooms 200 --viewers 10 --rates 1,5,20 --seconds 10 "$@"

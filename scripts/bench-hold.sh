#!/usr/bin/env bash
# The hold benchmark: 2000 idle viewers, server RSS per connection and probe round trip.
# Extra arguments override (e.g. --connections 30000 --processes 2).
exec "$(dirname "$0")/bench-run.sh" hold --connections 2000 --seconds 10 "$@"

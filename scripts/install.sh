#!/usr/bin/env bash
# Installs chorusd as a systemd service: the release binary, the units (the service, and the
# socket for socket activation), the locale files, the README the units' Documentation= names,
# and an example /etc/chorus/chorusd.json (kept if one exists). Run as root; DESTDIR stages the same tree elsewhere, CHORUSD_BINARY installs another
# build of the binary (CI checks the units with the debug build, scripts/check-units.sh).
#
#   scripts/install.sh                      # build, install under /usr/local and /etc
#   DESTDIR=/tmp/stage scripts/install.sh --no-build
#
# Then: edit /etc/chorus/chorusd.json (listen.host, tls.*), `systemctl daemon-reload`,
# `systemctl enable --now chorusd`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${DESTDIR:-}
if [ "${1:-}" != --no-build ]; then
  (cd "$root" && swift build -c release --product chorusd)
fi
install -D -m 755 "${CHORUSD_BINARY:-$root/.build/release/chorusd}" "$dest/usr/local/bin/chorusd"
rm -rf "$dest/usr/local/share/chorus/Locales"
mkdir -p "$dest/usr/local/share/chorus"
cp -r "$root/Locales" "$dest/usr/local/share/chorus/Locales"
install -D -m 644 "$root/README.md" "$dest/usr/share/doc/chorus/README.md"
install -D -m 644 "$root/Systemd/chorusd.service" "$dest/etc/systemd/system/chorusd.service"
install -D -m 644 "$root/Systemd/chorusd.socket" "$dest/etc/systemd/system/chorusd.socket"
if [ ! -e "$dest/etc/chorus/chorusd.json" ]; then
  install -D -m 644 "$root/Systemd/chorusd.example.json" "$dest/etc/chorus/chorusd.json"
fi
echo "installed chorusd $("$dest/usr/local/bin/chorusd" --version) under ${dest:-/}"

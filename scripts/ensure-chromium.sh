#!/usr/bin/env bash
# Makes sure Chromium is at /usr/bin/chromium for the dashboard's browser test.
# Installs the Debian package when running as root with apt-get; otherwise explains how.
# Never reads stdin, so it is safe in CI.
set -euo pipefail

BIN=/usr/bin/chromium

report() {
  echo "chromium found at $BIN: $("$BIN" --version 2>/dev/null | head -n 1 || echo 'version unknown')"
}

if [ -x "$BIN" ]; then
  report
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium is missing; installing the Debian package chromium" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update </dev/null
  apt-get install -y chromium </dev/null
  if [ -x "$BIN" ]; then
    report
    exit 0
  fi
  echo "$BIN is still missing after apt-get install -y chromium" >&2
  exit 1
fi

echo "chromium is missing; install it with: sudo apt-get update && sudo apt-get install -y chromium" >&2
exit 1

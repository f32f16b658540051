#!/usr/bin/env bash
# Makes sure a nats-server binary is available for the tests and benchmarks.
# Looks on PATH and in the sbin directories Debian installs to (often missing from PATH);
# installs the Debian package when running as root with apt-get; otherwise explains how.
# Never reads stdin, so it is safe in CI.
set -euo pipefail

find_nats_server() {
  local found
  if found="$(command -v nats-server 2>/dev/null)" && [ -x "$found" ]; then
    printf '%s\n' "$found"
    return 0
  fi
  local dir
  for dir in /usr/sbin /usr/local/sbin /usr/bin /usr/local/bin; do
    if [ -x "$dir/nats-server" ]; then
      printf '%s\n' "$dir/nats-server"
      return 0
    fi
  done
  return 1
}

report() {
  local bin="$1"
  echo "nats-server found at $bin: $("$bin" --version 2>&1 | head -n 1)"
}

if bin="$(find_nats_server)"; then
  report "$bin"
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "nats-server is missing; installing the Debian package nats-server" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update </dev/null
  apt-get install -y --no-install-recommends nats-server </dev/null
  if bin="$(find_nats_server)"; then
    report "$bin"
    exit 0
  fi
  echo "nats-server is still missing after apt-get install -y nats-server" >&2
  exit 1
fi

echo "nats-server is missing; install it with: sudo apt-get update && sudo apt-get install -y nats-server" >&2
exit 1

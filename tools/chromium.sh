#!/usr/bin/env bash
# Install Debian's Chromium for the browser test (tests/test_ui_screenshots.py) and for
# `make screenshots`. Needs root (or sudo) on Debian or Ubuntu. Safe to run again.
# `make browser` calls it. Playwright (a Python package in the test extra) drives it.
set -euo pipefail

for name in chromium chromium-browser; do
  if command -v "$name" >/dev/null 2>&1; then
    echo "Chromium ready: $(command -v "$name")"
    exit 0
  fi
done
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
echo "Chromium ready: $(command -v chromium)"

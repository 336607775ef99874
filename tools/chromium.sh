#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (tests/test_ui_screenshots.py, the
# website's pages in tests/test_docs.py) and for `make screenshots`, with a Japanese font
# for the Japanese pages (without one, Chromium draws every Japanese character as a box).
# Needs root (or sudo) on Debian or Ubuntu. Safe to run again. `make browser` calls it.
# Playwright (a Python package in the test extra) drives it.
set -euo pipefail

missing=()
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  missing+=(chromium)
fi
if [ -z "$(fc-list :lang=ja family 2>/dev/null)" ]; then
  missing+=(fonts-noto-cjk)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "Chromium ready: $(command -v chromium || command -v chromium-browser)"
echo "Japanese font: $(fc-list :lang=ja family | sort | head -1)"

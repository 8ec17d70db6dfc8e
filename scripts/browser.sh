#!/usr/bin/env bash
# Browser tests drive Debian's chromium through Playwright (never a downloaded browser), the
# PDF tests read PDFs with poppler's pdftotext, the bench harness test loads the app with
# wrk, the e-CF tests verify signatures with xmlsec1 (a verifier independent of signxml) and
# read QR codes back with zbarimg. Install them when missing.
set -euo pipefail
missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v xmlsec1 >/dev/null 2>&1 || missing+=(xmlsec1)
command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)
[ ${#missing[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing ${missing[*]} from Debian…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Please install: ${missing[*]} (chromium for browser tests, poppler-utils for pdftotext, wrk for the bench harness, xmlsec1 and zbar-tools for the e-CF tests)." >&2
  exit 1
fi

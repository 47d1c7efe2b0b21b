#!/usr/bin/env bash
# Debian's chromium for the browser tests (Playwright cannot download its own browsers here).
# Installs only when missing and when we may (root); otherwise the browser tests skip and say why.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium is not installed and this user cannot apt-get it: browser tests will be skipped" >&2
    exit 0
fi
echo "installing Debian's chromium for the browser tests..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium fonts-dejavu-core >/dev/null

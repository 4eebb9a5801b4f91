#!/usr/bin/env bash
# Install Debian's chromium for the Playwright browser tests (as root, or through sudo).
set -eu
if [ -x /usr/bin/chromium ]; then exit 0; fi  # where the browser tests look for it
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing Debian's chromium for the browser tests..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
ls /usr/bin/chromium

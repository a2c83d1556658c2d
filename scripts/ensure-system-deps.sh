#!/usr/bin/env bash
# Makes sure the machine has what the browser and WebGPU tests need:
#   - Debian's Chromium (/usr/bin/chromium), launched by Playwright with --enable-unsafe-webgpu;
#   - Mesa's lavapipe Vulkan driver from bookworm-backports, for WebGPU under Node (the `webgpu` package).
# As root it installs what is missing from Debian's packages; otherwise it stops at once
# and prints the one command that does.
set -euo pipefail

need_chromium=0
need_lavapipe=0
[ -x /usr/bin/chromium ] || need_chromium=1
ls /usr/share/vulkan/icd.d/lvp_icd.*.json >/dev/null 2>&1 || need_lavapipe=1
[ "$need_chromium$need_lavapipe" = "00" ] && exit 0

install_cmd='sudo bash scripts/ensure-system-deps.sh'
if [ "$(id -u)" != "0" ]; then
  echo "The browser tests need Debian's chromium and Mesa's lavapipe Vulkan driver. Install them with: $install_cmd" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
sources=/etc/apt/sources.list.d/debian.sources
if [ "$need_lavapipe" = "1" ] && [ -f "$sources" ] && ! grep -q 'bookworm-backports' "$sources"; then
  # Mesa 25 (lavapipe with the Vulkan features Dawn needs) is only in bookworm-backports.
  sed -i '0,/^Suites: bookworm bookworm-updates$/s//Suites: bookworm bookworm-updates bookworm-backports/' "$sources"
fi
echo "Installing system packages for the browser tests (chromium: $need_chromium, lavapipe: $need_lavapipe)…" >&2
apt-get update -qq
[ "$need_chromium" = "1" ] && apt-get install -y -qq chromium >/dev/null
[ "$need_lavapipe" = "1" ] && apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers >/dev/null
echo "System packages ready." >&2

#!/usr/bin/env bash
# Install what dealc needs to build and test, from Debian 12's own archive:
# a C compiler, CMake, flex, bison, cmocka and LLVM 19. Skips apt when
# everything is already there.
#   deps.sh chromium   only Debian's chromium, for the test that renders the
#                      HTML pages (tests/html.sh --chromium runs this)
set -euo pipefail
pkgs=(gcc libc6-dev make cmake flex bison libcmocka-dev llvm-19-dev)
[ "${1:-}" = chromium ] && pkgs=(chromium)
need=()
for pkg in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "dealc: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

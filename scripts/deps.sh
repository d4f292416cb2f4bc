#!/usr/bin/env bash
# Install what dealc needs to build and test, from Debian 12's own archive:
# a C compiler, CMake, flex, bison, cmocka and LLVM 19; pkg-config for the
# installed-package test; locales, to generate the comma-decimal locale the
# locale test runs a host in; and for the Python package (python/) cffi,
# pandas, pytest, setuptools and venv (pip installs it from the tree with
# no network). Skips apt when everything is already there.
#   deps.sh chromium   only Debian's chromium, for the test that renders the
#                      HTML pages (tests/html.sh --chromium runs this)
set -euo pipefail
pkgs=(gcc libc6-dev make cmake flex bison libcmocka-dev llvm-19-dev pkgconf locales
      python3-cffi python3-pandas python3-pytest python3-setuptools python3-venv)
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

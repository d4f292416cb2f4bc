#!/usr/bin/env bash
# Install what dealc needs to build and test, from Debian 12's own archive:
# a C compiler, CMake, flex, bison, cmocka and LLVM 19. Skips apt when
# everything is already there.
#
#   bash scripts/deps.sh            what a build needs
#   bash scripts/deps.sh --clang    and clang-19 with its sanitizer and
#                                   libFuzzer runtimes (the clang build, the
#                                   fuzzers and the coverage report)
set -euo pipefail
pkgs=(gcc libc6-dev make cmake flex bison libcmocka-dev llvm-19-dev)
case ${1:-} in
  --clang) pkgs+=(clang-19 libclang-rt-19-dev llvm-19) ;;
  '') ;;
  *) echo "usage: $0 [--clang]" >&2; exit 2 ;;
esac
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

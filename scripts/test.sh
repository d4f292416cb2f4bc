#!/usr/bin/env bash
# The whole test suite, every ctest test (unit, golden diagnostics, the
# bad-input corpus, end-to-end replays) in four builds, all with warnings as
# errors:
#   build/        gcc, RelWithDebInfo (the default build type)
#   build-rel/    gcc, Release (what packagers and users build first)
#   build-clang/  clang-19, Release
#   build-asan/   gcc, Debug, AddressSanitizer + UndefinedBehaviorSanitizer
# then a minute of each fuzzer (scripts/fuzz.sh). DEALC_TEST_JOBS sets the
# parallelism (default: every core).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --clang
jobs=${DEALC_TEST_JOBS:-$(nproc)}
start=$SECONDS
run() { # NAME CC CMAKE_ARGS...: configure, build and test one build
  local dir=$1 cc=$2
  shift 2
  echo "== $dir ($cc $*)"
  CC=$cc cmake -S . -B "$dir" -DDEALC_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
  ctest --test-dir "$dir" --output-on-failure -j"$jobs"
  echo "== $dir: done at $((SECONDS - start)) s"
}
run build gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo
run build-rel gcc -DCMAKE_BUILD_TYPE=Release
run build-clang clang-19 -DCMAKE_BUILD_TYPE=Release
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run build-asan gcc -DCMAKE_BUILD_TYPE=Debug -DDEALC_SANITIZE=ON
# the fuzzers, a minute each (clang-19; docs/reliability.md has the long run)
bash scripts/fuzz.sh 60
echo "== all done in $((SECONDS - start)) s"

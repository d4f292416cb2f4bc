#!/usr/bin/env bash
# The whole test suite, every ctest test (unit, golden diagnostics, the
# bad-input corpus, output safety, end-to-end replays, the C API, the
# installed package, the locale test) in four builds, all with warnings as
# errors:
#   build/        gcc, RelWithDebInfo (the default build type); then the
#                 Python package's pytest on it
#   build-rel/    gcc, Release (what packagers and users build first)
#   build-clang/  clang-19, Release
#   build-asan/   gcc, Debug, AddressSanitizer + UndefinedBehaviorSanitizer
# then a minute of each fuzzer (scripts/fuzz.sh). DEALC_TEST_JOBS sets the
# parallelism (default: every core).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
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
# The Python package: pip-installed from the tree with no network into a
# venv that sees Debian's cffi and pandas (Debian's own python3, whatever
# else is first on PATH), then its tests and the worked example.
py=/usr/bin/python3
rm -rf build/pyvenv
"$py" -m venv --system-site-packages build/pyvenv
build/pyvenv/bin/pip install -q --no-build-isolation --no-index ./python
DEALC_BUILD_DIR=$PWD/build DEALC_LIB_DIR=$PWD/build/lib build/pyvenv/bin/python -m pytest -q python/tests
DEALC_LIB_DIR=$PWD/build/lib build/pyvenv/bin/python examples/python/grid_wal.py build/gmacm-wal.png >/dev/null
echo "== python: done at $((SECONDS - start)) s"
run build-rel gcc -DCMAKE_BUILD_TYPE=Release
run build-clang clang-19 -DCMAKE_BUILD_TYPE=Release
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run build-asan gcc -DCMAKE_BUILD_TYPE=Debug -DDEALC_SANITIZE=ON
# the fuzzers, a minute each (clang-19; docs/reliability.md has the long run)
bash scripts/fuzz.sh 60
# a grid's shards through a real single-node Slurm cluster, merged, against
# the same grid run here (docs/scale.md)
bash scripts/slurm-test.sh build
echo "== all done in $((SECONDS - start)) s"

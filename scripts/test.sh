#!/usr/bin/env bash
# The whole test suite: a normal build and an AddressSanitizer +
# UndefinedBehaviorSanitizer build, each running every ctest test (unit,
# golden diagnostics, end-to-end replays, the C API, the installed package,
# the locale test), and the Python package's pytest on the normal build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"
# The Python package: pip-installed from the tree with no network into a
# venv that sees Debian's cffi and pandas (Debian's own python3, whatever
# else is first on PATH), then its tests and the worked example.
py=/usr/bin/python3
rm -rf build/pyvenv
"$py" -m venv --system-site-packages build/pyvenv
build/pyvenv/bin/pip install -q --no-build-isolation --no-index ./python
DEALC_BUILD_DIR=$PWD/build DEALC_LIB_DIR=$PWD/build/lib build/pyvenv/bin/python -m pytest -q python/tests
DEALC_LIB_DIR=$PWD/build/lib build/pyvenv/bin/python examples/python/grid_wal.py build/gmacm-wal.png >/dev/null
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DDEALC_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs"
# the fuzzers, a minute each (clang-19; docs/reliability.md has the long run)
bash scripts/fuzz.sh 60
# a grid's shards through a real single-node Slurm cluster, merged, against
# the same grid run here (docs/scale.md)
bash scripts/slurm-test.sh build

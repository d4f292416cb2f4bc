#!/usr/bin/env bash
# Line coverage of compiler/, runtime/ and grammar/ by the whole test suite
# and the fuzz corpora, with clang's source-based coverage (llvm-cov 19).
#
#   bash scripts/coverage.sh          summary per directory and per file
#
# Builds build-cov/ (clang-19, -DDEALC_COVERAGE=ON, Debug), runs every ctest
# test (deal binaries the tests build are instrumented too: dealc links them
# with the profile runtime), then replays each fuzzer's corpus once
# (build-fuzz/corpus/TARGET from scripts/fuzz.sh if it is there, and
# tests/fuzz/seeds) through the harness linked without libFuzzer. Writes
# build-cov/coverage.txt (the per-file report) and build-cov/html/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=$root/build-cov
bash scripts/deps.sh --clang
CC=clang-19 cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DDEALC_COVERAGE=ON -DDEALC_WERROR=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
rm -rf "$build/profiles"
mkdir -p "$build/profiles"
export LLVM_PROFILE_FILE=$build/profiles/%p-%m.profraw
ctest --test-dir "$build" -j"$(nproc)" --output-on-failure || echo "coverage: some tests failed; the figures count what ran"
for t in front csv json tape scenario vector args waterfall; do
  dirs=()
  [ -d "$root/build-fuzz/corpus/$t" ] && dirs+=("$root/build-fuzz/corpus/$t")
  [ -d "$root/tests/fuzz/seeds/$t" ] && dirs+=("$root/tests/fuzz/seeds/$t")
  case $t in
    front) dirs+=("$root/agreements" "$root/tests/diagnostics" "$root/tests/fmt") ;;
    csv | json) dirs+=("$root/tests/inputs") ;;
  esac
  DEALC_FUZZ_CODEGEN=1 "$build/bin/replay_$t" "${dirs[@]}" 2>&1 | tail -n 1 || echo "replay_$t stopped on an input"
done
llvm-profdata-19 merge -sparse "$build"/profiles/*.profraw -o "$build/coverage.profdata"
# every instrumented program: the build's own, and the deal binaries the
# tests built
objects=()
while IFS= read -r f; do
  if llvm-cov-19 report "$f" -instr-profile "$build/coverage.profdata" >/dev/null 2>&1; then objects+=(-object "$f"); fi
done < <(find "$build" -type f -perm -u+x ! -name '*.so' ! -name '*.o' ! -path '*/CMakeFiles/*' | sort)
[ ${#objects[@]} -gt 0 ] || { echo "coverage: no instrumented programs"; exit 1; }
first=${objects[1]}
rest=("${objects[@]:2}")
filter=(-ignore-filename-regex='(^|/)(tests|bench)/|/usr/')
llvm-cov-19 report "$first" "${rest[@]}" -instr-profile "$build/coverage.profdata" "${filter[@]}" \
  >"$build/coverage.txt"
llvm-cov-19 show "$first" "${rest[@]}" -instr-profile "$build/coverage.profdata" "${filter[@]}" \
  -format=html -output-dir="$build/html" >/dev/null
# lines covered per directory, from the per-file report
awk -v root="$root/" '
  $1 ~ /\.(c|h|y|l)$/ {
    f = $1; sub(root, "", f)
    d = f; sub(/\/.*/, "", d)
    if (d ~ /^build/) d = "generated (parser, lexer)"
    lines[d] += $8; missed[d] += $9
  }
  END {
    for (d in lines)
      printf "%-28s %6d lines, %6d not run: %5.1f%% covered\n", d, lines[d], missed[d], 100 * (lines[d] - missed[d]) / lines[d]
  }' "$build/coverage.txt" | sort
echo "per file: $build/coverage.txt; annotated sources: $build/html/index.html"

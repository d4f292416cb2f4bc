#!/usr/bin/env bash
# Fuzz the deal binary's readers and the compiler's front end with libFuzzer.
#
#   bash scripts/fuzz.sh [SECONDS]      (default 60 per fuzzer)
#
# Builds fuzz_front, fuzz_csv, fuzz_json and fuzz_scenset with clang-19, AddressSanitizer
# and UndefinedBehaviorSanitizer in build-fuzz/ (DEALC_FUZZ_BUILD overrides),
# seeds each corpus from the agreements, the golden diagnostics and the
# bad-input corpus, and runs the four fuzzers side by side for SECONDS.
# Corpora grow across runs (build-fuzz/corpus/); anything a fuzzer finds is
# kept in build-fuzz/crashes/ and makes the script exit 1. Reproduce one
# with: build-fuzz/bin/fuzz_csv build-fuzz/crashes/csv-crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
case $secs in '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;; esac
build=${DEALC_FUZZ_BUILD:-build-fuzz}

bash scripts/deps.sh
need=()
for pkg in clang-19 libclang-rt-19-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "fuzz: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

CC=clang-19 cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDEALC_SANITIZE=ON -DDEALC_FUZZ=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_front fuzz_csv fuzz_json fuzz_scenset

# Seeds: every file the project already has of each kind. libFuzzer adds
# what it finds to the same directories, so a later run starts from there.
corpus=$build/corpus crashes=$build/crashes
mkdir -p "$corpus/front" "$corpus/csv" "$corpus/json" "$corpus/scenset" "$crashes"
seed() { # DIR FILES...: copy what exists, skipping empty files (libFuzzer tries "" anyway)
  local dir=$1 f
  shift
  for f in "$@"; do
    [ -s "$f" ] && cp "$f" "$dir/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
  done
  return 0
}
shopt -s nullglob
seed "$corpus/front" agreements/*.deal agreements/*.amend tests/diagnostics/*.deal tests/diagnostics/*.amend tests/fmt/*.deal tests/fmt/*.amend
seed "$corpus/csv" agreements/*/*.csv tests/inputs/*.csv tests/inputs/*.bin
seed "$corpus/json" agreements/*/*.json tests/inputs/*.json tests/inputs/*.bin
seed "$corpus/scenset" tests/fuzz/seeds/scenset/*

# One sanitizer report is a failure; leaks are checked at every exit.
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export DEALC_FUZZ_CODEGEN=1 # fuzz_front: a deal that checks clean must lower
pids=() names=()
for t in front csv json scenset; do
  "$build/bin/fuzz_$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$crashes/$t-" "$corpus/$t" >"$build/fuzz_$t.log" 2>&1 &
  pids+=($!) names+=("$t")
done
status=0
for i in "${!pids[@]}"; do
  t=${names[$i]}
  if wait "${pids[$i]}"; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/fuzz_$t.log" | tail -n 1)
    echo "fuzz_$t: ok, ${runs:-?} executions, corpus $(ls "$corpus/$t" | wc -l) files"
  else
    echo "fuzz_$t: FAILED (log: $build/fuzz_$t.log)"
    grep -E "^(==[0-9]+==ERROR|SUMMARY|.*runtime error)|Test unit written to" "$build/fuzz_$t.log" | head -n 5 | sed 's/^/    /'
    status=1
  fi
done
exit $status

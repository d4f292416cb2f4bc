#!/usr/bin/env bash
# Fuzz the compiler's front end, the deal binary's readers and command line,
# and the waterfall of every shipped agreement, with libFuzzer.
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]   (default 60 per fuzzer, all)
#
# Builds the harnesses with clang-19, AddressSanitizer and
# UndefinedBehaviorSanitizer in build-fuzz/ (DEALC_FUZZ_BUILD overrides),
# seeds each corpus from the agreements, the golden diagnostics, the
# bad-input corpus and tests/fuzz/seeds, and runs the fuzzers as many at a
# time as there are cores, SECONDS each. Corpora grow across runs
# (build-fuzz/corpus/); anything a fuzzer finds is kept in
# build-fuzz/crashes/ and makes the script exit 1. Reproduce one with:
# build-fuzz/bin/fuzz_csv build-fuzz/crashes/csv-crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
case $secs in '' | *[!0-9]*) echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2 ;; esac
shift || true
all=(front csv json tape scenario vector scenset args waterfall)
[ $# -gt 0 ] && targets=("$@") || targets=("${all[@]}")
build=${DEALC_FUZZ_BUILD:-build-fuzz}

bash scripts/deps.sh --clang

CC=clang-19 cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDEALC_SANITIZE=ON -DDEALC_FUZZ=ON -DDEALC_WERROR=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/#/fuzz_}"

# Seeds: every file the project already has of each kind. libFuzzer adds
# what it finds to the same directories, so a later run starts from there.
# Paths are absolute: fuzz_args runs in a directory of its own.
build=$(cd "$build" && pwd)
corpus=$build/corpus crashes=$build/crashes
mkdir -p "$crashes"
for t in "${all[@]}"; do mkdir -p "$corpus/$t"; done
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
for t in tape scenario vector scenset args waterfall; do seed "$corpus/$t" tests/fuzz/seeds/$t/*; done

# One sanitizer report is a failure; leaks are checked at every exit.
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export DEALC_FUZZ_CODEGEN=1 # fuzz_front: a deal that checks clean must lower
status=0
jobs=$(nproc)
run() { # TARGET: one fuzzer, SECONDS long
  local t=$1 extra=()
  case $t in args) extra=(-close_fd_mask=2) ;; esac # the deal binary's messages
  "$build/bin/fuzz_$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 "${extra[@]}" -artifact_prefix="$crashes/$t-" "$corpus/$t" >"$build/fuzz_$t.log" 2>&1
}
report() { # TARGET STATUS
  local t=$1 rc=$2
  if [ "$rc" = 0 ]; then
    local runs
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/fuzz_$t.log" | tail -n 1)
    echo "fuzz_$t: ok, ${runs:-?} executions, corpus $(ls "$corpus/$t" | wc -l) files"
  else
    echo "fuzz_$t: FAILED (log: $build/fuzz_$t.log)"
    grep -E "^(==[0-9]+==ERROR|SUMMARY|.*runtime error|fuzz_[a-z]+: )|Test unit written to" "$build/fuzz_$t.log" | head -n 5 | sed 's/^/    /'
    status=1
  fi
}
# as many side by side as there are cores, so each gets a core for SECONDS
for ((i = 0; i < ${#targets[@]}; i += jobs)); do
  pids=() names=()
  for t in "${targets[@]:i:jobs}"; do
    run "$t" &
    pids+=($!) names+=("$t")
  done
  for k in "${!pids[@]}"; do
    rc=0
    wait "${pids[$k]}" || rc=$?
    report "${names[$k]}" "$rc"
  done
done
exit $status

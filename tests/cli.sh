#!/usr/bin/env bash
# dealc's command line at its limits:
#
#   bash tests/cli.sh DEALC AGREEMENTS_DIR WORK_DIR [SANITIZED]
#
#   - more amendment files than dealc takes: a message that gives the limit
#     (it once printed "at most 535434496": a string passed to %d);
#   - too little memory: under an address-space limit (ulimit -v) dealc says
#     "out of memory" and exits 1, whether its own check before LLVM
#     refuses or LLVM or the C++ runtime runs out part way (it once aborted
#     with an uncaught std::bad_alloc, exit 134), and leaves no temporary.
#     The limits are found on this machine: the smallest at which
#     `dealc check` runs (below it the dynamic loader, or LLVM's static
#     initialisers, fail before dealc's own code runs), then a deal too big
#     to compile in 96 MB more. Skipped in a sanitizer build (SANITIZED=1),
#     whose shadow memory needs terabytes of address space.
set -u
dealc=$1 agreements=$2 work=$3 sanitized=${4:-0}
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
dealc=$(abs "$dealc") agreements=$(abs "$agreements") work=$(abs "$work")
rm -rf "$work"
mkdir -p "$work/tmp"
export TMPDIR=$work/tmp LC_ALL=C
cd "$work" || exit 1
pass=0 fail=0
no() { echo "FAIL $1"; fail=$((fail + 1)); }
ok() { pass=$((pass + 1)); }
leftovers() { [ -n "$(find "$work" -name '*.tmp.*' -print -quit)$(ls -A "$work/tmp")" ]; }

# --- too many files -----------------------------------------------------------------
cp "$agreements/ramp-2002-rs1.deal" rs1.deal
args=()
for i in $(seq 1 64); do args+=("$agreements/ramp-2002-rs1-amendment-1.amend"); done
"$dealc" check rs1.deal "${args[@]}" 2>err.txt
status=$?
if [ $status = 2 ] && grep -qxF "dealc: error: too many files: an agreement and at most 63 amendments" err.txt; then ok
else no "65 files: status $status, $(head -n 1 err.txt)"; fi

# --- out of memory ---------------------------------------------------------------------
if [ "$sanitized" = 1 ]; then
  echo "out of memory: skipped in a sanitizer build"
else
  cp "$agreements/gmacm-2003-he2.deal" g.deal
  # the smallest limit (4 MB steps) at which dealc's own code runs
  base=
  for ((kb = 102400; kb <= 1048576; kb += 4096)); do
    if (ulimit -v $kb; "$dealc" check g.deal) >/dev/null 2>&1; then base=$kb; break; fi
  done
  if [ -z "$base" ]; then
    no "dealc check does not run under 1 GB of address space"
  else
    # at the edge, building the deal either works or says why it cannot
    for ((kb = base; kb <= base + 32768; kb += 2048)); do
      status=0
      (ulimit -v $kb; "$dealc" build g.deal -o g) >out.txt 2>err.txt || status=$?
      # (the linker runs under the same limit, and may say it cannot)
      if [ $status = 0 ] || { [ $status = 1 ] && grep -qxE "dealc: error: (out of memory|linking failed)" err.txt; }; then ok
      else no "build under $kb KB: status $status, $(head -n 2 err.txt | tr '\n' ' ')"; fi
      if leftovers; then no "build under $kb KB left a temporary behind"; find "$work" -name '*.tmp.*'; ls "$work/tmp"; fi
    done
    # a deal whose compilation needs hundreds of MB: LLVM runs out part way
    {
      sed '$d' g.deal # the deal without its closing brace
      echo '    define "D0" = interest collections;'
      for i in $(seq 1 6000); do
        echo "    define \"D$i\" = interest collections + $((i % 7)).00% of pool balance - \"D$((i - 1))\";"
      done
      echo '}'
    } >big.deal
    status=0
    (ulimit -v $((base + 98304)); "$dealc" build big.deal -o big) >out.txt 2>err.txt || status=$?
    if [ $status = 1 ] && grep -qxF "dealc: error: out of memory" err.txt; then ok
    else no "big deal under $((base + 98304)) KB: status $status, $(head -n 2 err.txt | tr '\n' ' ')"; fi
    if leftovers || [ -e big ]; then no "the big deal left a file behind"; fi
  fi
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]

#!/usr/bin/env bash
# Outputs that never destroy anything (docs/reliability.md, "Writing
# outputs"), end to end, for dealc and for a deal binary:
#
#   bash tests/outputs.sh DEALC AGREEMENTS_DIR WORK_DIR
#
# Each step runs one command in WORK_DIR/run and checks its exit status, a
# line of its stderr, and what must (not) have changed on disk: an input
# kept byte for byte, a FIFO or link still what it was, no temporary left
# behind (no *.tmp.* file anywhere in WORK_DIR, no scratch directory left in
# the TMPDIR the commands are given). Every step here once failed: the tools
# replaced links, FIFOs and devices, wrote over their own inputs, and handed
# file names beginning with '-' to the linker as options.
set -u
dealc=$1 agreements=$2 work=$3
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
dealc=$(abs "$dealc") agreements=$(abs "$agreements") work=$(abs "$work")
export LC_ALL=C
rm -rf "$work"
mkdir -p "$work/run" "$work/tmp"
export TMPDIR=$work/tmp
cd "$work/run" || exit 1
cp "$agreements/gmacm-2003-he2.deal" g.deal
cp "$agreements/gmacm-2003-he2/opening-2004-01-26.json" s.json
cp "$agreements/gmacm-2003-he2/remittance-2004-02-25.csv" r.csv
cp "$agreements/ramp-2002-rs1.deal" rs1.deal
cp "$agreements/ramp-2002-rs1-amendment-1.amend" rs1.amend
cp "$agreements/ramp-2003-rs2.deal" rs2.deal
if ! "$dealc" build g.deal -o g || ! "$dealc" build rs2.deal -o rs2; then
  echo "cannot build the agreements"
  echo "0 passed, 1 failed"
  exit 1
fi

pass=0 fail=0
sum() { cksum <"$1"; }
# step NAME STATUS STDERR_PART -- COMMAND...: run, check status and stderr
step() {
  local name=$1 want=$2 part=$3
  shift 4
  local status=0
  timeout 60 "$@" >"$work/stdout" 2>"$work/stderr" || status=$?
  local why=""
  if [ "$status" != "$want" ]; then why="exit status $status, expected $want"
  elif [ -n "$part" ] && ! grep -qF -- "$part" "$work/stderr"; then why="no stderr line contains: $part"
  elif [ -n "$(find "$work" -name '*.tmp.*' -print -quit)" ]; then why="left $(find "$work" -name '*.tmp.*' | head -n 1)"
  elif [ -n "$(ls -A "$work/tmp")" ]; then why="left $(ls -A "$work/tmp" | head -n 1) in TMPDIR"
  fi
  if [ -z "$why" ]; then pass=$((pass + 1)); else
    fail=$((fail + 1))
    echo "FAIL $name: $why"
    head -n 10 "$work/stderr" | sed 's/^/    | /'
  fi
}
# check NAME CONDITION...: a condition on what is on disk afterwards
check() {
  local name=$1
  shift
  if "$@" >/dev/null 2>&1; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $name: not true: $*"; fi
}

state_sum=$(sum s.json) remit_sum=$(sum r.csv) deal_sum=$(sum g.deal) bin_sum=$(sum g)
amend_sum=$(sum rs1.amend)
REPLAY=(./g replay --state s.json r.csv)

# --- the deal binary ---------------------------------------------------------
# one file under two names, both outputs: refused before anything is written
step same-output-two-names 1 "./o.json: error: it is the same file as the output o.json" -- \
  "${REPLAY[@]}" --output o.json --save-state ./o.json
check same-output-nothing-written test ! -e o.json
# outputs naming an input, or the program itself
step output-is-state 1 "s.json: error: refusing to write over the input s.json" -- "${REPLAY[@]}" --output s.json
step output-is-remittance 1 "error: refusing to write over the input r.csv" -- "${REPLAY[@]}" --save-state ./r.csv
ln r.csv remit-link.csv
step output-is-hard-link-of-input 1 "remit-link.csv: error: refusing to write over the input r.csv" -- \
  "${REPLAY[@]}" --output remit-link.csv
step output-is-the-program 1 "g: error: refusing to write over this program" -- "${REPLAY[@]}" --output g
check inputs-kept test "$(sum s.json)" = "$state_sum" -a "$(sum r.csv)" = "$remit_sum" -a "$(sum g)" = "$bin_sum"
# what is not a regular file is refused, and stays what it was
mkfifo fifo
step output-fifo 1 "fifo: error: cannot write: it is a named pipe (FIFO), not a regular file" -- \
  "${REPLAY[@]}" --save-state fifo
check fifo-kept test -p fifo
ln -s statement.txt link-to-new
step output-dangling-link 1 "link-to-new: error: cannot write: it is a symbolic link" -- \
  "${REPLAY[@]}" --output link-to-new
check link-kept test -L link-to-new -a ! -e statement.txt
echo "kept" >target.txt
ln -s target.txt link-to-file
step output-link-to-file 1 "link-to-file: error: cannot write: it is a symbolic link" -- \
  "${REPLAY[@]}" --save-state link-to-file
check link-target-kept test -L link-to-file -a "$(cat target.txt)" = kept
if mknod zero c 1 5 2>/dev/null; then
  step output-device 1 "zero: error: cannot write: it is a character device, not a regular file" -- \
    "${REPLAY[@]}" --output zero
  check device-kept test -c zero
fi
mkdir adir
step output-directory 1 "adir: error: cannot write: it is a directory" -- "${REPLAY[@]}" --save-state adir
# written through where that is plainly meant
step output-dev-null 0 "" -- "${REPLAY[@]}" --output /dev/null
check dev-null-kept test -c /dev/null
step state-to-stdout 0 "" -- "${REPLAY[@]}" --output /dev/null --save-state /dev/stdout
check state-on-stdout grep -q '"distribution_number": 11' "$work/stdout"
# a good run writes both, the statement and the state
step replay-writes-both 0 "" -- "${REPLAY[@]}" --output statement.txt --save-state closing.json
check both-written test -s statement.txt -a -s closing.json
# projections: the tape, the scenario and a vector file it names are inputs
printf 'group,balance,gross_rate,net_rate,remaining_term\nGroup I,100000.00,8,7.5,300\n' >tape.csv
printf '10\n' >cpr.txt
printf 'prepay-vector = cpr.txt\nindex = One-Month LIBOR=1.30%%\n' >scenario.txt
step project-output-is-tape 1 "tape.csv: error: refusing to write over the input tape.csv" -- \
  ./rs2 project --tape tape.csv --index "One-Month LIBOR=1.3%" --output tape.csv
step project-report-is-scenario 1 "scenario.txt: error: refusing to write over the input scenario.txt" -- \
  ./rs2 project --scenario scenario.txt --report scenario.txt
step project-output-is-vector 1 "cpr.txt: error: refusing to write over the input" -- \
  ./rs2 project --scenario scenario.txt --output cpr.txt
check vector-kept test "$(cat cpr.txt)" = 10
step project-same-output 1 "error: it is the same file as the output" -- \
  ./rs2 project --scenario scenario.txt --output p.html --report ./p.html

# --- dealc ------------------------------------------------------------------------
step build-over-deal 1 "g.deal: error: refusing to write over the input g.deal" -- "$dealc" build g.deal -o g.deal
step ir-over-deal 1 "g.deal: error: refusing to write over the input g.deal" -- "$dealc" build g.deal --emit=ir -o g.deal
step obj-over-amendment 1 "rs1.amend: error: refusing to write over the input rs1.amend" -- \
  "$dealc" build rs1.deal rs1.amend --emit=obj -o rs1.amend
step doc-over-deal 1 "g.deal: error: refusing to write over the input g.deal" -- "$dealc" doc g.deal -o g.deal
step consolidate-over-amendment 1 "rs1.amend: error: refusing to write over the input rs1.amend" -- \
  "$dealc" consolidate rs1.deal rs1.amend --as-of 2200-12-31 -o rs1.amend
cp g.deal noext
step default-output-is-input 1 "noext: error: refusing to write over the input noext" -- "$dealc" build noext
check deal-files-kept test "$(sum g.deal)" = "$deal_sum" -a "$(sum noext)" = "$deal_sum" -a "$(sum rs1.amend)" = "$amend_sum"
step build-to-link 1 "link-to-file: error: cannot write: it is a symbolic link" -- "$dealc" build g.deal -o link-to-file
step build-to-fifo 1 "fifo: error: cannot write: it is a named pipe (FIFO)" -- "$dealc" build g.deal -o fifo
check fifo-still-kept test -p fifo
# a name that reads as an option is a file name to the linker
step build-dash-name 0 "" -- "$dealc" build g.deal -o -lfoo
check dash-name-runs ./-lfoo describe
mkdir -- -scratch
step build-dash-tmpdir 0 "" -- env TMPDIR=-scratch "$dealc" build g.deal -o g2
check dash-tmpdir-empty test -z "$(ls -A -- -scratch)"
step build-writes 0 "" -- "$dealc" build g.deal -o g3
check build-executable test -x g3
cp "$agreements/../tests/fmt/messy.deal" messy.deal
messy_sum=$(sum messy.deal)
ln -s messy.deal messy-link.deal
step fmt-write-through-link 1 "messy-link.deal: error: cannot write: it is a symbolic link" -- \
  "$dealc" fmt --write messy-link.deal
check fmt-link-kept test -L messy-link.deal -a "$(sum messy.deal)" = "$messy_sum"
step fmt-write 0 "" -- "$dealc" fmt --write messy.deal
check fmt-written test "$(sum messy.deal)" != "$messy_sum"

echo "$pass passed, $fail failed"
[ $fail = 0 ]

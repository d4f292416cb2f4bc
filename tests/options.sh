#!/usr/bin/env bash
# The command lines' options, for dealc and a deal binary (getopt_long):
#
#   bash tests/options.sh DEALC AGREEMENTS_DIR WORK_DIR
#
#   - every command of both has --help (exit 0, on standard output) that
#     names each of its options; dealc's top-level help lists every command,
#     doc and explain among them;
#   - --name VALUE and --name=VALUE are the same; "--" ends the options;
#     an unknown option, an abbreviation of a real one, a flag given a value
#     and a missing value are usage errors: exit 2, a message and
#     "Try '... --help'";
#   - BIN --version names the dealc that built it and the hash of its
#     sources: FNV-1a 64 over each file's bytes followed by a NUL, computed
#     here independently (bash arithmetic wraps at 64 bits as FNV does);
#     the JIT-compiled deal (dealc run) says the same.
set -u
dealc=$1 agreements=$2 work=$3
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
dealc=$(abs "$dealc") agreements=$(abs "$agreements") work=$(abs "$work")
rm -rf "$work"
mkdir -p "$work"
export LC_ALL=C
cd "$work" || exit 1
pass=0 fail=0
no() { echo "FAIL $1"; fail=$((fail + 1)); }
ok() { pass=$((pass + 1)); }

# expect STATUS NAME CMD...: the status, and out.txt/err.txt kept
expect() {
  local want=$1 name=$2
  shift 2
  "$@" >out.txt 2>err.txt
  local st=$?
  if [ $st = "$want" ]; then ok; else no "$name: status $st, expected $want: $(head -n 2 err.txt | tr '\n' ' ')"; fi
}
has() { # has FILE NAME TEXT...
  local f=$1 name=$2
  shift 2
  for t in "$@"; do
    if grep -qF -- "$t" "$f"; then ok; else no "$name: no \"$t\" in $f"; fi
  done
}

rs1=$agreements/ramp-2002-rs1
state=$rs1/opening-2002-11-25.json remit=$rs1/remittance-2002-12-26.csv

# --- dealc: help ------------------------------------------------------------------------
expect 0 "dealc --help" "$dealc" --help
has out.txt "dealc --help" check build run explain consolidate diff fmt doc "COMMAND --help"
declare -A opts=(
  [check]="--as-of"
  [build]="--as-of -o, --output --emit=tokens --emit=ast --emit=ir --emit=obj -O0 --no-main --shared --version"
  [run]="--as-of --"
  [explain]="--as-of --state --period NAME"
  [consolidate]="--as-of --output"
  [diff]="--format --width --color --no-color --impact"
  [fmt]="--write --check"
  [doc]="--as-of --output"
)
for c in "${!opts[@]}"; do
  expect 0 "dealc $c --help" "$dealc" "$c" --help
  # shellcheck disable=SC2086
  has out.txt "dealc $c --help" "usage: dealc $c" ${opts[$c]}
  [ -s err.txt ] && no "dealc $c --help wrote to stderr"
  expect 0 "dealc help $c" "$dealc" help "$c"
  has out.txt "dealc help $c" "usage: dealc $c"
done

# --- dealc: usage errors -------------------------------------------------------------------
usage() { # usage NAME MESSAGE CMD...
  local name=$1 msg=$2
  shift 2
  expect 2 "$name" "$@"
  has err.txt "$name" "$msg" "Try 'dealc"
  [ -s out.txt ] && no "$name wrote to stdout"
}
usage "unknown option" "dealc: error: unknown option '--bogus'" "$dealc" check --bogus "$rs1.deal"
has err.txt "unknown option names the command's help" "Try 'dealc check --help' for more information."
usage "abbreviation" "unknown option '--as'" "$dealc" check --as 2002-12-26 "$rs1.deal"
usage "flag with a value" "option '--shared=yes' takes no value" "$dealc" build --shared=yes "$rs1.deal"
usage "missing value" "option '--as-of' needs a value" "$dealc" check "$rs1.deal" --as-of
usage "short option" "unknown option '-x'" "$dealc" build -x "$rs1.deal"
usage "bad -O" "only -O0" "$dealc" build -O3 "$rs1.deal"
usage "option of another command" "unknown option '--write'" "$dealc" check --write "$rs1.deal"
usage "unknown command" "unknown command 'frobnicate'" "$dealc" frobnicate
usage "no command" "a command is needed" "$dealc"
usage "scenario without --impact" "give --impact too" "$dealc" diff "$rs1.deal" "$rs1-amendment-1.amend" -- replay
usage "impact of a grid" "a replay or a projection" "$dealc" diff "$rs1.deal" "$rs1-amendment-1.amend" --impact -- grid
usage "impact with a binary's other option" "'--tape' is not one" "$dealc" diff "$rs1.deal" "$rs1-amendment-1.amend" --impact -- project --tape t.csv

# --- dealc: both spellings, and "--" ----------------------------------------------------------
expect 0 "--as-of VALUE" "$dealc" consolidate "$rs1.deal" "$rs1-amendment-1.amend" --as-of 2002-12-26
cp out.txt a.txt
expect 0 "--as-of=VALUE" "$dealc" consolidate "$rs1.deal" "$rs1-amendment-1.amend" --as-of=2002-12-26
if cmp -s a.txt out.txt; then ok; else no "--as-of VALUE and --as-of=VALUE differ"; fi
expect 0 "options after the files" "$dealc" consolidate --as-of=2002-12-26 "$rs1.deal" "$rs1-amendment-1.amend"
if cmp -s a.txt out.txt; then ok; else no "options before and after the files differ"; fi
# after "--" a name that reads as an option is a file
expect 1 "-- ends the options" "$dealc" check -- --bogus.deal
has err.txt "-- ends the options" "--bogus.deal"

# --- dealc explain: the deal binary's explain, compiled in memory ---------------------------------
expect 0 "dealc explain" "$dealc" explain "$rs1.deal" "$rs1-amendment-1.amend" --state "$state" "$remit" \
  --period 1 "4.02(d)(xiii)"
has out.txt "dealc explain" "clause 4.02(d)(xiii)" "available 1,117,305.54, paid 1,117,305.54, not paid 0.00"

# --- diff --impact of a projection names parties too -----------------------------------------
# The amendment takes effect from distribution 4 (its effective date,
# 2002-05-24, falls after the 2002-04-25 distribution): a projection from
# the closing date pays every class and party alike in distributions 1-3,
# and the residual certificates' holder (Class SB-II) is paid differently
# after, since the amendment moves Group II's excess cash to Group I.
expect 0 "impact of a projection" "$dealc" diff "$rs1.deal" "$rs1-amendment-1.amend" --format json --impact -- \
  project --cpr 20 --cdr 8 --severity 45 --recovery-lag 6 --index "One-Month LIBOR=1.40" \
  --index "Six-Month LIBOR=1.45" --input "Group I Sixty-Plus Delinquency Percentage=3" \
  --input "Group II Sixty-Plus Delinquency Percentage=3"
has out.txt "impact of a projection" '"impact": {"scenario": {"command": "project"' '{"name": "Class SB-II", "kind": "party"'
if grep -qE '"period": "[123]",' out.txt; then no "impact of a projection: a period before the amendment differs"; else ok; fi

# --- a deal binary ---------------------------------------------------------------------------------
expect 0 "build" "$dealc" build "$rs1.deal" "$rs1-amendment-1.amend" -o rs1
bin=$work/rs1
expect 0 "BIN --help" "$bin" --help
has out.txt "BIN --help" "rs1 replay" "rs1 project" "rs1 grid" "rs1 breakeven" "rs1 merge" "rs1 submit" "rs1 explain" \
  "rs1 describe" "rs1 --version"
declare -A bopts=(
  [replay]="--state --format --save-state --output REMITTANCE.csv"
  [project]="--state --scenario --class --format --output --report --settle --price --yield --cpr --cdr --tape"
  [grid]="--state --scenarios --paths --threads --stream --shard --plan --cpr"
  [breakeven]="--class --state --scenario --format --output"
  [merge]="--output --summary --report --format"
  [submit]="--shards --dir --partition --time --cpus --sbatch --dry-run"
  [explain]="--state --period NAME"
  [describe]="describe"
)
for c in "${!bopts[@]}"; do
  expect 0 "BIN $c --help" "$bin" "$c" --help
  # shellcheck disable=SC2086
  has out.txt "BIN $c --help" "rs1 $c" ${bopts[$c]}
done
busage() { # busage NAME MESSAGE CMD...
  local name=$1 msg=$2
  shift 2
  expect 2 "$name" "$@"
  has err.txt "$name" "$msg" "Try 'rs1 --help' for more information."
}
busage "BIN unknown option" 'unknown option "--bogus"' "$bin" replay --bogus --state "$state" "$remit"
busage "BIN abbreviation" 'unknown option "--stat"' "$bin" replay --stat "$state" "$remit"
busage "BIN missing value" "option --state needs an argument" "$bin" replay "$remit" --state
busage "BIN twice" "option --state given twice" "$bin" replay --state "$state" --state="$state" "$remit"
busage "BIN project abbreviation" 'unknown option "--cp"' "$bin" project --cp 10
busage "BIN flag with a value" "option --to-call takes no value" "$bin" project --to-call=yes
busage "BIN explain unknown" 'unknown option "--bogus"' "$bin" explain --bogus
busage "BIN describe operand" "describe takes no arguments" "$bin" describe x
expect 0 "BIN replay --state=FILE" "$bin" replay --state="$state" "$remit" --format=csv
cp out.txt r1.csv
expect 0 "BIN replay --state FILE" "$bin" replay --format csv --state "$state" -- "$remit"
if cmp -s r1.csv out.txt; then ok; else no "replay's two spellings differ"; fi
has out.txt "replay" "2002-12-26,class,A-I-1,principal,8017305.54"
expect 0 "BIN explain with --" "$bin" explain --state "$state" "$remit" --period 1 -- "4.02(d)(xiii)"
has out.txt "BIN explain" "not paid 0.00"

# --- --version: the sources' hash -----------------------------------------------------------------
fnv() { # FNV-1a 64 of the files, each followed by a NUL byte
  local h=-3750763034362895579 # 14695981039346656037 as a signed 64-bit number
  local f b
  for f in "$@"; do
    for b in $(od -An -v -tu1 "$f") 0; do
      h=$(((h ^ b) * 1099511628211))
    done
  done
  printf '%016x' "$h"
}
want=$(fnv "$rs1.deal" "$rs1-amendment-1.amend")
expect 0 "BIN --version" "$bin" --version
has out.txt "BIN --version" "RAMP Series 2002-RS1 Trust" "built by dealc " "sources hash $want"
expect 0 "dealc run -- --version" "$dealc" run "$rs1.deal" "$rs1-amendment-1.amend" -- --version
has out.txt "JIT --version" "sources hash $want"
expect 0 "dealc --version" "$dealc" --version
v=$(sed -n 's/^dealc \([^ ]*\) .*/\1/p' out.txt)
expect 0 "BIN --version again" "$bin" --version
has out.txt "BIN --version names this dealc" "built by dealc $v from"
# another file, another hash
expect 0 "build without the amendment" "$dealc" build "$rs1.deal" -o rs1-plain
expect 0 "BIN --version (no amendment)" ./rs1-plain --version
has out.txt "BIN --version (no amendment)" "sources hash $(fnv "$rs1.deal")"
busage "BIN --version with an operand" "--version takes no arguments" "$bin" --version x

echo "$pass passed, $fail failed"
[ $fail = 0 ]

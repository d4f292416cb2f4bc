#!/usr/bin/env bash
# The deal binary's bad-input corpus (docs/reliability.md).
#
#   bash tests/inputs.sh DEALC INPUTS_DIR AGREEMENTS_DIR WORK_DIR
#
# Builds agreements/gmacm-2003-he2.deal once, then runs every case in
# INPUTS_DIR. A case is:
#   NAME.args    one line: the command, with @BIN@ (the deal binary), @STATE@
#                and @REMIT@ (the agreement's good opening state and
#                remittance), @CASE@ (the case's data file) and @OUT@ (a fresh
#                path in WORK_DIR; after a failed run nothing named @OUT@* may
#                exist). Arguments are split at blanks. A case about what
#                another agreement has (accounts, a variable pay note, no
#                purchases) names it: @BIN:DEAL@ is agreements/DEAL.deal
#                built, @STATE:DEAL@ and @REMIT:DEAL@ the first opening-*.json
#                and remittance-*.csv of agreements/DEAL/.
#   NAME.expect  lines that must appear on stderr in this order (CASE stands
#                for the data file's path; a line starting with "~ " need only
#                be contained in a line), then `exit N`.
#   NAME.csv | NAME.json | NAME.bin   the data file, committed as it is, or
#   NAME.gen     a recipe the runner turns into WORK_DIR/NAME.EXT, for data
#                too large or too binary to commit. One directive a line:
#                  ext EXT           the file's extension (first line)
#                  copy state|remit  the agreement's good state or remittance
#                  text STRING       STRING with printf %b escapes (\n, \0, \xNN)
#                  repeat N STRING   STRING, N times over (escapes as for text)
#                  numbered N TEXT   TEXT N times, each # in it replaced by the
#                                    count 0, 1, ... (no escapes): distinct keys
#                  noise N SEED      N pseudo-random bytes, never , " \r or \n,
#                                    so where the first error lands is known
# Every case also fails on a crash (a signal, a sanitizer report), on a hang
# (60 s), and, when the run fails, on anything written to standard output.
set -u
dealc=$1 dir=$2 agreements=$3 work=$4
# cases run in a directory of their own, so every path is made absolute
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
dealc=$(abs "$dealc") dir=$(abs "$dir") agreements=$(abs "$agreements") work=$(abs "$work")
state=$agreements/gmacm-2003-he2/opening-2004-01-26.json
remit=$agreements/gmacm-2003-he2/remittance-2004-02-25.csv
export LC_ALL=C

rm -rf "$work"
mkdir -p "$work/gen" "$work/out" "$work/run"
bin=$work/gmacm-2003-he2
if ! "$dealc" build "$agreements/gmacm-2003-he2.deal" -o "$bin"; then
  echo "cannot build the agreement"
  echo "0 passed, 1 failed"
  exit 1
fi

# noise N SEED: a linear congruential sequence, so a case is the same bytes
# on every machine without committing them; every product stays below 2^53,
# so awk's doubles compute it exactly in mawk and gawk alike
noise() {
  awk -v n="$1" -v seed="$2" 'BEGIN {
    x = seed % 4294967296
    for (i = 0; i < n; i++) {
      x = (69069 * x + 1) % 4294967296
      c = int(x / 16777216)
      if (c == 10 || c == 13 || c == 34 || c == 44) c = 255
      printf "%c", c
    }
  }'
}

# generate RECIPE: writes the data file, prints its path
generate() {
  local recipe=$1 name ext="" out kw arg rest
  name=$(basename "${recipe%.gen}")
  while read -r kw arg rest; do
    case $kw in ext) ext=$arg; break ;; esac
  done <"$recipe"
  [ -n "$ext" ] || return 1
  out=$work/gen/$name.$ext
  : >"$out"
  while IFS= read -r line; do
    kw=${line%% *} rest=${line#* }
    case $kw in
      ext | '#'* | '') ;;
      copy)
        case $rest in state) cat "$state" ;; remit) cat "$remit" ;; *) return 1 ;; esac >>"$out" ;;
      text) printf '%b' "$rest" >>"$out" ;;
      repeat)
        # doubling keeps a multi-megabyte line to a few dozen writes; the
        # piece goes straight to a file, as a NUL cannot live in a variable
        local n=${rest%% *} piece=$work/gen/.piece
        printf '%b' "${rest#* }" >"$piece"
        while [ "$n" -gt 0 ]; do
          if [ $((n % 2)) = 1 ]; then cat "$piece" >>"$out"; fi
          n=$((n / 2))
          [ "$n" -gt 0 ] && cat "$piece" "$piece" >"$piece.2" && mv "$piece.2" "$piece"
        done
        rm -f "$piece" ;;
      numbered)
        # seq, not an awk loop: mawk takes minutes over a few hundred thousand
        local fmt=${rest#* }
        fmt=${fmt//%/%%} fmt=${fmt//#/%.0f}
        seq -f "$fmt" 0 $((${rest%% *} - 1)) | tr -d '\n' >>"$out" ;;
      noise) noise ${rest% *} ${rest#* } >>"$out" ;;
      *) return 1 ;;
    esac
  done <"$recipe"
  echo "$out"
}

pass=0 fail=0
for args_file in "$dir"/*.args; do
  name=$(basename "${args_file%.args}")
  expect=$dir/$name.expect
  ok=1 why=""
  case_file=""
  for ext in csv json bin; do
    [ -e "$dir/$name.$ext" ] && case_file=$dir/$name.$ext
  done
  if [ -e "$dir/$name.gen" ]; then
    case_file=$(generate "$dir/$name.gen") || { ok=0 why="bad recipe $name.gen"; }
  fi
  out=$work/out/$name
  rm -rf "$out" "$out".*
  line=$(head -n 1 "$args_file")
  line=${line//@BIN@/$bin}
  line=${line//@STATE@/$state}
  line=${line//@REMIT@/$remit}
  # another agreement's binary, state or remittance, built once
  while [[ $line =~ @(BIN|STATE|REMIT):([A-Za-z0-9._-]+)@ ]]; do
    what=${BASH_REMATCH[1]} deal=${BASH_REMATCH[2]} with=""
    case $what in
      BIN)
        with=$work/$deal
        if [ ! -x "$with" ] && ! "$dealc" build "$agreements/$deal.deal" -o "$with" >"$work/build.err" 2>&1; then
          ok=0 why="cannot build $deal"
        fi ;;
      STATE) with=$(ls "$agreements/$deal"/opening-*.json 2>/dev/null | head -n 1) ;;
      REMIT) with=$(ls "$agreements/$deal"/remittance-*.csv 2>/dev/null | head -n 1) ;;
    esac
    [ -n "$with" ] || { ok=0 why="nothing for @$what:$deal@"; with=missing; }
    line=${line//@$what:$deal@/$with}
  done
  line=${line//@CASE@/$case_file}
  line=${line//@OUT@/$out}
  read -r -a argv <<<"$line"
  status=0
  if [ $ok = 1 ]; then
    (cd "$work/run" && timeout 60 "${argv[@]}") >"$work/stdout" 2>"$work/stderr" || status=$?
  fi
  err=$(cat "$work/stderr" 2>/dev/null)
  want=$(sed -n 's/^exit \([0-9]*\)$/\1/p' "$expect" 2>/dev/null)
  if [ $ok = 0 ]; then :
  elif [ -z "$want" ]; then ok=0 why="no 'exit N' line in $name.expect"
  elif [ "$status" = 124 ]; then ok=0 why="timed out"
  elif [ "$status" -ge 128 ] || grep -q "Sanitizer\|runtime error" <<<"$err"; then ok=0 why="crashed (status $status)"
  elif [ "$status" != "$want" ]; then ok=0 why="exit status $status, expected $want"
  elif [ "$status" != 0 ] && [ -s "$work/stdout" ]; then ok=0 why="wrote to standard output on failure"
  elif [ "$status" != 0 ] && compgen -G "$out*" >/dev/null; then ok=0 why="left $(compgen -G "$out*" | head -n 1) behind"
  fi
  # expected lines, in order; each search goes on after the previous match
  if [ $ok = 1 ]; then
    rest=$err
    while IFS= read -r want_line; do
      case $want_line in exit\ *) continue ;; esac
      want_line=${want_line//CASE/$case_file}
      if [ "${want_line:0:2}" = "~ " ]; then
        part=${want_line:2}
        if ! grep -qF -- "$part" <<<"$rest"; then ok=0 why="no line contains: $part"; break; fi
        rest=$(awk -v l="$part" 'found {print} index($0, l) && !found {found=1}' <<<"$rest")
      else
        if ! grep -qxF -- "$want_line" <<<"$rest"; then ok=0 why="missing line: $want_line"; break; fi
        rest=$(awk -v l="$want_line" 'found {print} $0 == l && !found {found=1}' <<<"$rest")
      fi
    done <"$expect"
  fi
  if [ $ok = 1 ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $name: $why"
    printf '%s\n' "$err" | head -n 20 | cut -c1-300 | sed 's/^/    | /'
  fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]

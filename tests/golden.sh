#!/usr/bin/env bash
# Golden diagnostics: every tests/diagnostics/NAME.deal is checked with
# `dealc check`; NAME.expect lists, in order, lines that must appear in its
# stderr (FILE stands for the case's path; a line starting with "~ " need
# only be contained in an output line) and, last, `exit N`. A case with a
# NAME.amend has it checked as an amendment to NAME.deal (AMEND stands for
# its path), followed by NAME.2.amend if there is one (AMEND2). The check also
# insists that the compiler never crashes (no signal, no sanitizer report)
# and prints an "N error(s)" count when it fails.
set -u
dealc=$1
dir=$2
pass=0 fail=0
for deal in "$dir"/*.deal; do
  name=${deal%.deal}
  expect=$name.expect
  amend= amend2=
  [ -f "$name.amend" ] && amend=$name.amend
  [ -f "$name.2.amend" ] && amend2=$name.2.amend
  out=$("$dealc" check "$deal" $amend $amend2 2>&1 >/dev/null)
  status=$?
  ok=1
  want_status=$(sed -n 's/^exit \([0-9]*\)$/\1/p' "$expect")
  if [ "$status" != "$want_status" ]; then
    echo "FAIL $(basename "$name"): exit status $status, expected $want_status"; ok=0
  fi
  if [ "$status" -ge 128 ] || grep -q "Sanitizer\|runtime error" <<<"$out"; then
    echo "FAIL $(basename "$name"): crashed"; ok=0
  fi
  # expected lines, in order
  rest=$out
  while IFS= read -r line; do
    case $line in exit\ *) continue ;; esac
    line=${line//FILE/$deal}
    line=${line//AMEND2/$amend2}
    line=${line//AMEND/$amend}
    if [ "${line:0:2}" = "~ " ]; then
      part=${line:2}
      if ! grep -qF -- "$part" <<<"$rest"; then
        echo "FAIL $(basename "$name"): no line contains: $part"; ok=0; break
      fi
      rest=$(awk -v l="$part" 'found {print} index($0, l) && !found {found=1}' <<<"$rest")
      continue
    fi
    if ! grep -qxF -- "$line" <<<"$rest"; then
      echo "FAIL $(basename "$name"): missing line: $line"; ok=0; break
    fi
    # continue the search after the first match
    rest=$(awk -v l="$line" 'found {print} $0 == l && !found {found=1}' <<<"$rest")
  done < "$expect"
  if [ "$want_status" = 1 ] && ! tail -n 1 <<<"$out" | grep -qE '^[0-9]+ errors?$'; then
    echo "FAIL $(basename "$name"): no error count at the end"; ok=0
  fi
  if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); printf '%s\n' "$out" | sed 's/^/    | /'; fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]

#!/usr/bin/env bash
# dealc fmt: each tests/fmt/NAME.deal formats to NAME.expected; formatting
# is idempotent on every agreement, every fmt case and every diagnostics
# case that parses; a formatted agreement has the same syntax tree as the
# original and still checks clean.
set -u
dealc=$1 root=$2 work=$3
mkdir -p "$work"
pass=0 fail=0
no() { echo "FAIL $1"; fail=$((fail + 1)); }
for f in "$root"/tests/fmt/*.deal "$root"/tests/fmt/*.amend; do
  if "$dealc" fmt "$f" 2>/dev/null | cmp -s - "${f%.*}.expected"; then pass=$((pass + 1))
  else no "$(basename "$f"): differs from $(basename "${f%.*}.expected")"; "$dealc" fmt "$f" | diff "${f%.*}.expected" - | head -20; fi
done
for f in "$root"/agreements/*.deal "$root"/agreements/*.amend "$root"/tests/amendments/*.amend \
         "$root"/tests/fmt/*.deal "$root"/tests/fmt/*.amend "$root"/tests/diagnostics/*.deal "$root"/tests/diagnostics/*.amend; do
  "$dealc" fmt "$f" > "$work/once.deal" 2>/dev/null || continue   # syntax errors: not formatted
  "$dealc" fmt "$work/once.deal" > "$work/twice.deal" 2>/dev/null
  if cmp -s "$work/once.deal" "$work/twice.deal"; then pass=$((pass + 1)); else no "$(basename "$f"): not idempotent"; diff "$work/once.deal" "$work/twice.deal" | head; fi
done
# a formatted amendment amends the same way: the consolidated agreement is
# the same
for a in "$root"/agreements/*-amendment-*.amend; do
  deal=${a%-amendment-*}.deal
  "$dealc" fmt "$a" > "$work/formatted.amend"
  if "$dealc" consolidate "$deal" "$a" --as-of 2200-12-31 > "$work/a.deal" &&
     "$dealc" consolidate "$deal" "$work/formatted.amend" --as-of 2200-12-31 > "$work/b.deal" &&
     cmp -s "$work/a.deal" "$work/b.deal"; then pass=$((pass + 1))
  else no "$(basename "$a"): the formatted amendment amends differently"; diff "$work/a.deal" "$work/b.deal" | head; fi
done
for f in "$root"/agreements/*.deal; do
  "$dealc" fmt "$f" > "$work/formatted.deal"
  "$dealc" build "$f" --emit=ast > "$work/a.ast" && "$dealc" build "$work/formatted.deal" --emit=ast > "$work/b.ast"
  if cmp -s "$work/a.ast" "$work/b.ast" && "$dealc" check "$work/formatted.deal"; then pass=$((pass + 1))
  else no "$(basename "$f"): the formatted deal means something else"; diff "$work/a.ast" "$work/b.ast" | head; fi
  if grep -q "(null)" "$work/a.ast"; then no "$(basename "$f"): the syntax tree dump has a (null)"; else pass=$((pass + 1)); fi
done
# that comparison sees what the carried constructs say: a 'when', a note's
# maximum, a trigger's memory, an 'up to', which insurer figure a line
# reads each show in the syntax tree
he3=$root/agreements/gmacm-2002-he3.deal
"$dealc" build "$he3" --emit=ast > "$work/a.ast"
for edit in 's/ when "Revolving Period" {/ {/' 's/ maximum \$540,206,000.00//' 's/> \$0.00,$/> $0.00;/; /once in effect remains in effect;/d' \
            's/purchase additional balances for "Group 1";/purchase additional balances for "Group 1" up to $1.00;/' \
            's/= drawn from "Credit Enhancer";/= paid to "Credit Enhancer";/'; do
  sed "$edit" "$he3" > "$work/edited.deal"
  "$dealc" build "$work/edited.deal" --emit=ast > "$work/b.ast" 2>/dev/null
  if cmp -s "$work/a.ast" "$work/b.ast"; then no "the syntax tree does not show the edit $edit"; else pass=$((pass + 1)); fi
done
# --check and --write
cp "$root/tests/fmt/messy.deal" "$work/messy.deal"
if "$dealc" fmt --check "$work/messy.deal" >/dev/null; then no "--check passed an unformatted file"; else pass=$((pass + 1)); fi
"$dealc" fmt --write "$work/messy.deal"
if cmp -s "$work/messy.deal" "$root/tests/fmt/messy.expected" && "$dealc" fmt --check "$work/messy.deal"; then pass=$((pass + 1)); else no "--write"; fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]

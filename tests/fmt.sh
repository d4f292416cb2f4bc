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
for f in "$root"/tests/fmt/*.deal; do
  if "$dealc" fmt "$f" 2>/dev/null | cmp -s - "${f%.deal}.expected"; then pass=$((pass + 1))
  else no "$(basename "$f"): differs from $(basename "${f%.deal}.expected")"; "$dealc" fmt "$f" | diff "${f%.deal}.expected" - | head -20; fi
done
for f in "$root"/agreements/*.deal "$root"/tests/fmt/*.deal "$root"/tests/diagnostics/*.deal; do
  "$dealc" fmt "$f" > "$work/once.deal" 2>/dev/null || continue   # syntax errors: not formatted
  "$dealc" fmt "$work/once.deal" > "$work/twice.deal" 2>/dev/null
  if cmp -s "$work/once.deal" "$work/twice.deal"; then pass=$((pass + 1)); else no "$(basename "$f"): not idempotent"; diff "$work/once.deal" "$work/twice.deal" | head; fi
done
for f in "$root"/agreements/*.deal; do
  "$dealc" fmt "$f" > "$work/formatted.deal"
  "$dealc" build "$f" --emit=ast > "$work/a.ast" && "$dealc" build "$work/formatted.deal" --emit=ast > "$work/b.ast"
  if cmp -s "$work/a.ast" "$work/b.ast" && "$dealc" check "$work/formatted.deal"; then pass=$((pass + 1))
  else no "$(basename "$f"): the formatted deal means something else"; diff "$work/a.ast" "$work/b.ast" | head; fi
done
# --check and --write
cp "$root/tests/fmt/messy.deal" "$work/messy.deal"
if "$dealc" fmt --check "$work/messy.deal" >/dev/null; then no "--check passed an unformatted file"; else pass=$((pass + 1)); fi
"$dealc" fmt --write "$work/messy.deal"
if cmp -s "$work/messy.deal" "$root/tests/fmt/messy.expected" && "$dealc" fmt --check "$work/messy.deal"; then pass=$((pass + 1)); else no "--write"; fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]

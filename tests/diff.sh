#!/usr/bin/env bash
# dealc diff: golden outputs (tests/diff/OLD-NEW.{text,json,html}, written
# by hand) for a pure reformatting and for a renumbered clause; and the
# diff of an agreement against an amendment names what it changes.
set -u
dealc=$1 dir=$2 root=$3
cd "$dir" || exit 1
pass=0 fail=0
check() { # name, expected file, command...
  local name=$1 want=$2; shift 2
  if "$@" 2>&1 | cmp -s - "$want"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $name"; "$@" 2>&1 | diff "$want" - | head -20; fi
}
for new in reformatted renumbered; do
  for fmt in text json html; do
    [ -f "base-$new.$fmt" ] || continue
    check "base vs $new ($fmt)" "base-$new.$fmt" "$dealc" diff base.deal "$new.deal" --format "$fmt" --no-color
  done
done
# the agreement's words are redlined word by word, a phrase marked once
check "legal words (text)" legal-old-legal-new.text "$dealc" diff legal-old.deal legal-new.deal --no-color
if "$dealc" diff legal-old.deal legal-new.deal --format html | grep -qxF -f legal-old-legal-new.html.row; then
  pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL legal words (html)"; fi
# an amount is one word: its thousands separators do not split it
if "$dealc" diff base.deal amounts.deal --no-color | grep -qF '[-$100.00-] {+$1,000,000.00+}'; then
  pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL an amount split at its commas"; fi
# a reformatting is no change in any format
out=$("$dealc" diff base.deal reformatted.deal --format json)
if [ "$out" = '{"old": "base.deal", "new": "reformatted.deal", "amendments": [], "notes": [], "changes": []}' ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL reformatting (json): $out"; fi
# against an amendment: the changed definition and what it reaches
out=$("$dealc" diff "$root/agreements/gmacm-2003-he2.deal" "$root/tests/amendments/gmacm-premium.amend" --no-color --width 1000)
for want in 'Test Amendment One to "GMACM Home Equity Loan Trust 2003-HE2"' 'dated 2004-01-15, effective 2004-02-01, made under Section 8.01' \
            'Definition of "Credit Enhancement Premium" (changed)' 'As amended by "Test Amendment One", effective 2004-02-01.' \
            '[-0.1175%-] {+0.20%+}' 'Section 3.05(a)(iii) (through "Principal Distribution Amount")' '1 change'; do
  if grep -qF -- "$want" <<<"$out"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL amendment diff lacks: $want"; fi
done
# an amendment that adds a defined term, and one that adds a section and
# strikes another: each shows as added or removed; a section has words and
# no formula; consolidated, the struck section is gone from the date it took
# effect and the new one is there
out=$("$dealc" diff "$root/agreements/gmacm-2003-he2.deal" "$root/tests/amendments/gmacm-new-term.amend" --no-color --width 1000)
for want in 'Definition of "Premium Rate" (added)' '{+0.20%+}' '[-0.1175%-] {+"Premium Rate"+}' '2 changes'; do
  if grep -qF -- "$want" <<<"$out"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL new-term diff lacks: $want"; fi
done
out=$("$dealc" diff "$root/agreements/ramp-2002-rs1.deal" "$root/tests/amendments/rs1-sections.amend" --no-color --width 1000)
for want in 'Section 11.01(a)(vi) (removed)' 'Section 11.01(a)(vii) (added)' '{+(vii) to conform this Agreement to the Prospectus Supplement+}' '2 changes'; do
  if grep -qF -- "$want" <<<"$out"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL sections diff lacks: $want"; fi
done
if grep -qF 'Formula:' <<<"$out"; then fail=$((fail + 1)); echo "FAIL a section diff shows a formula"; else pass=$((pass + 1)); fi
after=$("$dealc" consolidate "$root/agreements/ramp-2002-rs1.deal" "$root/tests/amendments/rs1-sections.amend" --as-of 2002-06-01)
before=$("$dealc" consolidate "$root/agreements/ramp-2002-rs1.deal" "$root/tests/amendments/rs1-sections.amend" --as-of 2002-05-31 2>/dev/null)
if grep -qF 'section "11.01(a)(vii)"' <<<"$after" && ! grep -qF 'section "11.01(a)(vi)"' <<<"$after" &&
   grep -qF 'section "11.01(a)(vi)"' <<<"$before" && ! grep -qF 'section "11.01(a)(vii)"' <<<"$before"; then
  pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL consolidated sections"; fi
# a deal with accounts, an insurer, a trigger and priorities of payments that
# run only on some dates: a changed 'when' changes every clause under it
# (the declarations' kinds, all of them, are named)
he3=$(mktemp)
sed 's/from "Principal Collections" when "Revolving Period"/from "Principal Collections" when not "Rapid Amortization Event"/' \
  "$root/agreements/gmacm-2002-he3.deal" >"$he3"
out=$("$dealc" diff "$root/agreements/gmacm-2002-he3.deal" "$he3" --no-color)
for want in 'Section 3.05(c)(i) (changed)' 'Section 3.05(c)(ii) (changed)' '[-"Revolving Period"-] {+not "Rapid Amortization Event"+}' '2 changes'; do
  if grep -qF -- "$want" <<<"$out"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL guard diff lacks: $want"; fi
done
out=$("$dealc" diff "$root/agreements/gmacm-2002-he3.deal" "$root/agreements/gmacm-2002-he3.deal" --format json)
case $out in *'"changes": []}') pass=$((pass + 1)) ;; *) fail=$((fail + 1)); echo "FAIL self diff of gmacm-2002-he3: $out" ;; esac
rm -f "$he3"
# dealc doc: one self-contained page; terms linked to their definitions,
# clauses anchored by label, the agreement's words beside the formula
page=$(mktemp)
if "$dealc" doc "$root/agreements/ramp-2003-rs8.deal" "$root/agreements/ramp-2003-rs8-amendment-1.amend" -o "$page"; then
  for want in 'id="sec-4-02-c-ii"' '<a href="#def-class-a-i-principal-distribution-amount">' 'Class A-I-1 Certificates through Class A-I-8 Certificates' '&quot;Class A-I Principal Distribution Amount&quot;</a>'; do
    if grep -qF -- "$want" "$page"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL doc lacks: $want"; fi
  done
  if grep -qiE '<script|https?://' "$page"; then fail=$((fail + 1)); echo "FAIL doc is not self-contained"; else pass=$((pass + 1)); fi
else
  fail=$((fail + 1)); echo "FAIL dealc doc"
fi
rm -f "$page"
echo "$pass passed, $fail failed"
[ $fail = 0 ]

#!/usr/bin/env bash
# Every output of the API is the same bytes whatever locale the host
# program runs in. tests/api/locale_host.c calls setlocale(LC_ALL, "") and
# writes statements, states, texts, projections and grids (JSON, and HTML
# reports whose SVG charts are full of decimals); run under C and under
# de_DE.UTF-8 (a comma before the decimals, generated here when missing:
# Debian's `locales`, installed by scripts/deps.sh), every file but the
# host's own probe must match. The probe shows the locale took hold: the
# host itself prints 2,50 under de_DE.
# usage: locale.sh DEALC LOCALE_HOST AGREEMENTS WORKDIR
set -euo pipefail
dealc=$1 host=$2 ag=$3 work=$4
rm -rf "$work"
mkdir -p "$work/C" "$work/de"
fail() { echo "locale: FAIL: $*" >&2; exit 1; }

loc=de_DE.UTF-8
if ! locale -a 2>/dev/null | grep -qix 'de_DE.utf8'; then
  command -v localedef >/dev/null || fail "no localedef (Debian package locales: scripts/deps.sh installs it)"
  localedef -i de_DE -f UTF-8 "$loc" 2>/dev/null || fail "cannot generate the $loc locale (run as root, or locale-gen)"
fi

"$dealc" build --shared "$ag/gmacm-2003-he2.deal" -o "$work/gmacm.so" || fail "dealc build --shared"
state=$ag/gmacm-2003-he2/opening-2004-01-26.json
remit=$ag/gmacm-2003-he2/remittance-2004-02-25.csv
LC_ALL=C "$host" "$work/gmacm.so" "$state" "$remit" "$work/C" || fail "the host failed under C"
LC_ALL=$loc "$host" "$work/gmacm.so" "$state" "$remit" "$work/de" || fail "the host failed under $loc"

[ "$(cat "$work/C/host-probe.txt")" = "2.50" ] || fail "C probe"
[ "$(cat "$work/de/host-probe.txt")" = "2,50" ] || fail "the host did not get $loc (probe: $(cat "$work/de/host-probe.txt"))"
n=0
for f in "$work/C"/*; do
  b=$(basename "$f")
  [ "$b" = host-probe.txt ] && continue
  [ -s "$f" ] || fail "$b is empty"
  cmp -s "$f" "$work/de/$b" || { diff "$f" "$work/de/$b" | head -5 >&2; fail "$b differs under $loc"; }
  n=$((n + 1))
done
[ "$n" -ge 11 ] || fail "only $n outputs compared"
# the charts do have decimals to get wrong
grep -q 'x1="[0-9]*\.[0-9]' "$work/de/grid.html" || fail "no decimals in the grid's SVG"
echo "locale: $n outputs identical under C and $loc"
echo "1 passed, 0 failed"

#!/usr/bin/env bash
# Every HTML page dealc and a deal binary write, checked for links that do
# not resolve (tests/support/linkcheck.c): dealc doc on every agreement (as
# written, and with its amendments), the diff redline of every amendment,
# a redline with --impact of a replay and of a projection, and a grid
# report. With --chromium, each page is then rendered in headless Chromium
# (Debian's package, installed by scripts/deps.sh only for this test) and
# must load without errors.
#
#   html.sh DEALC LINKCHECK ROOT WORKDIR [--chromium]
set -u
dealc=$1 linkcheck=$2 root=$3 work=$4 chromium=${5:-}
rm -rf "$work" && mkdir -p "$work" || exit 1
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
run() { # name, command...: the command must succeed
  local name=$1; shift
  if "$@" >"$work/$name.out" 2>"$work/$name.err"; then ok; else bad "$name: $*"; cat "$work/$name.err"; return 1; fi
}

# ---- the pages ----
pages=()
for deal in "$root"/agreements/*.deal; do
  base=$(basename "$deal" .deal)
  run "doc-$base" "$dealc" doc "$deal" -o "$work/doc-$base.html" && pages+=("$work/doc-$base.html")
  ams=("$root"/agreements/"$base"-amendment-*.amend)
  [ -e "${ams[0]}" ] || continue
  run "doc-$base-amended" "$dealc" doc "$deal" "${ams[@]}" -o "$work/doc-$base-amended.html" &&
    pages+=("$work/doc-$base-amended.html")
  for am in "${ams[@]}"; do
    a=$(basename "$am" .amend)
    run "diff-$a" "$dealc" diff "$deal" "$am" --format html && cp "$work/diff-$a.out" "$work/diff-$a.html" &&
      pages+=("$work/diff-$a.html")
  done
done
rs1="$root/agreements/ramp-2002-rs1"
run impact-replay "$dealc" diff "$rs1.deal" "$rs1-amendment-1.amend" --format html --impact -- \
  replay --state "$rs1/opening-2002-11-25.json" "$rs1/remittance-2002-12-26.csv" &&
  cp "$work/impact-replay.out" "$work/impact-replay.html" && pages+=("$work/impact-replay.html")
rs8="$root/agreements/ramp-2003-rs8"
run impact-project "$dealc" diff "$rs8.deal" "$rs8-amendment-1.amend" --format html --impact -- \
  project --cpr 20 --periods 24 --index "One-Month LIBOR=1.12%" &&
  cp "$work/impact-project.out" "$work/impact-project.html" && pages+=("$work/impact-project.html")
gm="$root/agreements/gmacm-2003-he2"
run gmacm-build "$dealc" build "$gm.deal" -o "$work/gmacm-2003-he2"
run grid "$work/gmacm-2003-he2" grid --cpr 10,20 --cdr 0,2 --index "One-Month LIBOR=1.30%" \
  --input "Weighted Average Net Loan Rate=7.77%" --threads 1 \
  --report "$work/grid.html" && pages+=("$work/grid.html")

# ---- every link resolves ----
if "$linkcheck" "${pages[@]}" >"$work/links.out"; then ok; else bad "links:"; grep -v "all resolve" "$work/links.out"; fi
# ... and the checker finds a link that does not
printf '<p id="a"><a href="#a">a</a> <a href="#nowhere">b</a></p>\n' >"$work/broken.html"
if "$linkcheck" "$work/broken.html" | grep -q 'link to #nowhere'; then ok; else bad "linkcheck missed a broken link"; fi
[ ${#pages[@]} -ge 12 ] && ok || bad "only ${#pages[@]} pages were made"

# ---- rendered in a browser ----
if [ "$chromium" = --chromium ]; then
  if ! bash "$root/scripts/deps.sh" chromium >"$work/deps.out" 2>&1 || ! command -v chromium >/dev/null; then
    if [ -n "${DEALC_REQUIRE_CHROMIUM:-}" ]; then bad "chromium could not be installed:"; cat "$work/deps.out"
    else echo "SKIP: chromium (Debian's package) could not be installed here; the pages were not rendered"; cat "$work/deps.out"; exit 77; fi
  else
    for page in "${pages[@]}"; do
      prof=$(mktemp -d)
      out="$work/$(basename "$page" .html).dom"
      if timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
           --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$prof" \
           --enable-logging=stderr --v=0 --dump-dom "file://$page" >"$out" 2>"$out.err" &&
         grep -q '</body></html>' "$out" && ! grep -qE 'CONSOLE|Failed to load|net::ERR_|Uncaught' "$out.err"; then
        ok
      else
        bad "chromium: $page"; grep -E 'CONSOLE|Failed|ERR|Uncaught' "$out.err" | head -5
      fi
      rm -rf "$prof"
    done
    # one page as a picture, for a person to look at (build/tests/html-work)
    prof=$(mktemp -d)
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$prof" \
      --window-size=1000,1400 --screenshot="$work/redline.png" "file://$work/diff-ramp-2002-rs1-amendment-1.html" \
      >/dev/null 2>&1 && [ -s "$work/redline.png" ] && ok || bad "chromium screenshot"
    rm -rf "$prof"
  fi
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]

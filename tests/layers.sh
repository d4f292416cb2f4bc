#!/bin/bash
# layers.sh RUNTIME_DIR LIBDEALRT_A — the runtime's folders are its layers
# (docs/architecture.md, "The runtime's layers"), and dependencies only go
# down:
#
#   0  runtime/dealrt.h, core/   money, calendar, text, the run's record
#   1  io/                       readers and writers
#   2  engine/                   the period engine and projections
#   3  api/                      the public API (include/dealc/dealc.h)
#   4  commands/                 replay, project, grid, breakeven, merge, submit:
#                                thin layers over the API where it covers them
#   5  cli/                      the command line (rt_main, explain) and
#                                dealc_deal_main, which runs it for a host
#
# Fails when a file sits outside a layer folder, when a file includes a
# header of a higher layer, when an object of the library calls a function
# defined in a higher layer, or when files call each other in a circle
# (within a layer too). Calls are read from the built library itself (nm),
# so a call the headers hide is still seen.
set -u
rt=${1:?runtime source folder}
lib=${2:?libdealrt.a}
case $lib in /*) ;; *) lib=$PWD/$lib ;; esac
fail=0
err() { echo "layers: $*" >&2; fail=1; }

layer_of() { # a path relative to runtime/
    case $1 in
    dealrt.h | core/*) echo 0 ;;
    io/*) echo 1 ;;
    engine/*) echo 2 ;;
    api/*) echo 3 ;;
    commands/*) echo 4 ;;
    cli/*) echo 5 ;;
    *) echo -1 ;;
    esac
}

cd "$rt" || exit 2
mapfile -t files < <(find . -name '*.[ch]' | sed 's|^\./||' | sort)
declare -A layer where
for f in "${files[@]}"; do
    l=$(layer_of "$f")
    if [ "$l" -lt 0 ]; then
        err "$f is in no layer: put it in core/, io/, engine/, commands/, cli/ or api/ (and name the folder here if it is a new layer)"
        continue
    fi
    layer[$f]=$l
    b=${f##*/}
    if [ -n "${where[$b]:-}" ]; then
        err "$f and ${where[$b]} share a name: includes and the library's members are found by name"
    fi
    where[$b]=$f
done

# includes: "name.h" is found among the runtime's headers; "dealc/..." is
# the public API (include/dealc), the api layer's own
for f in "${files[@]}"; do
    [ -n "${layer[$f]:-}" ] || continue
    while IFS= read -r inc; do
        case $inc in
        dealc/*) hl=3 ;;
        *)
            h=${where[${inc##*/}]:-}
            [ -n "$h" ] || continue # a generated or system header
            hl=${layer[$h]}
            ;;
        esac
        if [ "$hl" -gt "${layer[$f]}" ]; then
            err "$f (layer ${layer[$f]}) includes $inc (layer $hl): dependencies only go down"
        fi
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done

# calls: which member of the library defines each symbol another uses
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
{
    nm -A -g --defined-only "$lib" 2>/dev/null | awk '{ n = split($1, p, ":"); if (NF >= 3) print "D", $NF, p[2] }'
    nm -A -u "$lib" 2>/dev/null | awk '{ n = split($1, p, ":"); print "U", $NF, p[2] }'
} | awk '$1 == "D" { def[$2] = $3; next }
         { use[NR] = $2; by[NR] = $3 }
         END { for (i in use) if ((use[i] in def) && def[use[i]] != by[i]) print by[i], def[use[i]], use[i] }' |
    sort -u >"$edges"
if [ ! -s "$edges" ]; then
    err "no calls read from $lib (is nm installed, is it the runtime library?)"
fi
member_src() { # csv.c.o -> io/csv.c
    local b=${1%.o}
    echo "${where[$b]:-}"
}
declare -A seen
while read -r from to sym; do
    fs=$(member_src "$from")
    ts=$(member_src "$to")
    if [ -z "$fs" ] || [ -z "$ts" ]; then
        err "library member $from or $to has no source under $rt"
        continue
    fi
    if [ "${layer[$ts]}" -gt "${layer[$fs]}" ]; then
        err "$fs (layer ${layer[$fs]}) calls $sym in $ts (layer ${layer[$ts]}): dependencies only go down"
    fi
    seen["$fs $ts"]=1
done <"$edges"

# no circle between files, within a layer as across
if ! printf '%s\n' "${!seen[@]}" | tsort >/dev/null 2>"$edges.loop"; then
    err "files call each other in a circle:"
    sed 's/^tsort: /  /' "$edges.loop" | grep -v 'input contains a loop' >&2
fi
rm -f "$edges.loop"

if [ "$fail" -eq 0 ]; then
    echo "layers: ${#files[@]} files in 5 layers; ${#seen[@]} file-to-file calls, all downward, no circle"
fi
exit "$fail"

#!/usr/bin/env bash
# The installed package, as someone outside the tree uses it: `cmake
# --install` to a temporary prefix; the example in examples/c built with
# nothing but `pkg-config --cflags --libs dealrt` (and again with CMake's
# find_package(dealc)); GMACM 2003-HE2 built as a shared object and as a
# binary by the installed dealc; the example's replay of 2004-02-25 must
# print exactly the binary's class figures. Also checks what is installed:
# headers, soname, man pages, completion.
# usage: install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null

libdir=$(dirname "$(find "$prefix" -name dealrt.pc)")/..
libdir=$(cd "$libdir" && pwd)
export PKG_CONFIG_PATH=$libdir/pkgconfig
export LD_LIBRARY_PATH=$libdir

fail() { echo "install: FAIL: $*" >&2; exit 1; }
for f in include/dealc/dealc.h include/dealc/compile.h share/man/man1/dealc.1 share/man/man1/dealc-deal.1 \
         share/bash-completion/completions/dealc bin/dealc; do
  [ -e "$prefix/$f" ] || fail "$f not installed"
done
bash -n "$prefix/share/bash-completion/completions/dealc" || fail "the bash completion does not parse"
if command -v man >/dev/null; then
  for m in dealc dealc-deal; do
    man -l "$prefix/share/man/man1/$m.1" 2>&1 | grep -q NAME || fail "man page $m.1 does not render"
  done
fi
soname=$(readelf -d "$libdir/libdealrt.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = "libdealrt.so.1" ] || fail "soname is '$soname'"
# only the API and the generated code's ABI (the RT_ABI_FUNCS table of the
# installed dealrt.h) are exported, and every ABI function is
abi=$(sed -n 's/^ *X([a-z0-9_]*, *\(rt_[a-z0-9_]*\),.*/\1/p' "$prefix/include/dealrt.h" | sort)
[ -n "$abi" ] || fail "no RT_ABI_FUNCS in the installed dealrt.h"
exported=$(nm -D --defined-only "$libdir/libdealrt.so" | awk '{print $3}' | sort)
extra=$(comm -13 <(echo "$abi") <(echo "$exported") | grep -v '^dealc_' || true)
[ -z "$extra" ] || fail "libdealrt.so exports $extra"
missing=$(comm -23 <(echo "$abi") <(echo "$exported"))
[ -z "$missing" ] || fail "libdealrt.so does not export $missing"

cc=${CC:-cc}
# a sanitized build's libraries need the sanitizer runtime in the program too
san=""
if grep -q '^DEALC_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then san="-fsanitize=address,undefined"; fi
# shellcheck disable=SC2046,SC2086
$cc -std=c11 -Wall -Wextra -Werror $san "$src/examples/c/replay_statement.c" $(pkg-config --cflags --libs dealrt) \
    -o "$tmp/replay_statement" || fail "the example does not build with pkg-config"
cmake -S "$src/examples/c" -B "$tmp/cmake-example" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_FLAGS="$san" \
    >/dev/null || fail "find_package(dealc)"
cmake --build "$tmp/cmake-example" >/dev/null || fail "the example does not build with CMake"

ag=$src/agreements
"$prefix/bin/dealc" build --shared "$ag/gmacm-2003-he2.deal" -o "$tmp/gmacm.so" || fail "dealc build --shared"
"$prefix/bin/dealc" build "$ag/gmacm-2003-he2.deal" -o "$tmp/gmacm" || fail "dealc build"
state=$ag/gmacm-2003-he2/opening-2004-01-26.json
remit=$ag/gmacm-2003-he2/remittance-2004-02-25.csv
for ex in "$tmp/replay_statement" "$tmp/cmake-example/replay_statement"; do
  "$ex" "$tmp/gmacm.so" "$state" "$remit" > "$tmp/api.csv" || fail "$ex failed"
  "$tmp/gmacm" replay --state "$state" "$remit" --format csv > "$tmp/bin.csv"
  grep -E ',class,[^,]*,(beginning_balance|principal|interest|interest_shortfall|ending_balance),' "$tmp/bin.csv" \
    > "$tmp/bin-classes.csv"
  n=$(wc -l < "$tmp/api.csv")
  [ "$n" -eq 30 ] || fail "expected 6 classes x 5 figures, got $n lines"
  sort "$tmp/api.csv" > "$tmp/a"; sort "$tmp/bin-classes.csv" > "$tmp/b"
  cmp -s "$tmp/a" "$tmp/b" || { diff "$tmp/a" "$tmp/b" >&2; fail "$ex differs from the deal binary"; }
  # the trustee's Class A-1 principal
  grep -qx '2004-02-25,class,A-1,principal,17111694.71' "$tmp/api.csv" || fail "A-1 principal"
done
echo "install: 1 passed, 0 failed"

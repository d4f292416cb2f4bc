#!/usr/bin/env bash
# The main job: install, build, compile the GMACM 2003-HE2 agreement to a
# native binary and print its statement for the 2004-02-25 payment date.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
build/bin/dealc build agreements/gmacm-2003-he2.deal -o build/gmacm-2003-he2
build/gmacm-2003-he2 replay \
  --state agreements/gmacm-2003-he2/opening-2004-01-26.json \
  agreements/gmacm-2003-he2/remittance-2004-02-25.csv

#!/usr/bin/env bash
# Screenshots of ZO-DARTS++ Studio for the README: starts the real application under
# Xvfb, which walks its own New-search wizard on the demo data, runs a short search
# (C=8, N=2, 6 epochs, medium budget) and saves PNGs of every wizard page, the
# dashboard mid-run and finished, the cell viewer and the results page.
#   packaging/screenshots.sh [STUDIO_BINARY] [OUT_DIR]
# Defaults: build/release/app/zodarts-studio, resources/screenshots. Needs xvfb-run
# (Debian package xvfb). Takes a few minutes on 2 CPU cores.
set -euo pipefail
cd "$(dirname "$0")/.."

studio="${1:-build/release/app/zodarts-studio}"
out="${2:-resources/screenshots}"
data="resources/demo/brain_regions_28.npz"
if [[ ! -x "$studio" ]]; then
  echo "$studio not found: build it first (cmake --build build/release --target zodarts-studio)" >&2
  exit 1
fi
command -v xvfb-run >/dev/null || { echo "xvfb-run not found: apt-get install xvfb" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
# A private settings folder, so the tour neither reads nor changes the user's.
export XDG_CONFIG_HOME="$work/config"
# A fixed screen and font size make the pictures comparable between runs.
xvfb-run --auto-servernum --server-args="-screen 0 1400x1000x24" \
  env QT_QPA_PLATFORM=xcb QT_SCALE_FACTOR=1 \
  "$studio" --screenshot-tour "$out" --tour-data "$data" --tour-run "$work/run"
echo "screenshots in $out:"
ls -1 "$out"

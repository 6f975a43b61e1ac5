#!/usr/bin/env bash
# The two commands of README's Quick start.
#   packaging/quickstart.sh demo   install, build, and run a short search on the demo data
#   packaging/quickstart.sh test   install, build, and run the whole test suite
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  demo)
    packaging/setup.sh zodarts
    run="runs/demo-$(date +%Y%m%d-%H%M%S)"
    # A short search that shows every part of ZO-DARTS++ (annealing, the phase
    # switch with kernel and depth search, the medium budget) within minutes on 2
    # cores; the paper's full setting is `zodarts search --data … --out …`.
    exec build/release/app/zodarts search \
      --data resources/demo/brain_regions_28.npz --out "$run" \
      --channels 8 --cells 2 --epochs 8 --switch-epoch 4 --t-every 2 --batch 64 --budget medium
    ;;
  test)
    packaging/setup.sh
    cd build/release
    QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j "${ZODARTS_JOBS:-$(nproc)}"
    ;;
  *)
    echo "usage: $0 demo|test" >&2
    exit 2
    ;;
esac

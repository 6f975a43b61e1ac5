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
    # A short search that shows every part of ZO-DARTS++ (annealing, exact zeros
    # and the skipped work they save, the phase switch with kernel and depth
    # search, the medium budget) within minutes on 2 cores; the paper's full
    # setting is `zodarts search --data … --out …`. The demo set trains the weights
    # on 1200 images: 19 steps of 64 a epoch, so with the paper's R = 10 the
    # architecture would move twice an epoch and, at T0 = 1.5, stay near uniform.
    # Hence an update every 2 steps (~76 in all, ~48 of them in phase 2), arch lr 0.03 and a
    # colder, faster schedule (T 0.5, halved every 2 epochs: 0.5 … 0.0625) so that
    # the distributions sparsen (compute ~90 % in epoch 1, below 10 % at the end)
    # without collapsing a cell to all-`none`, and phase 2 from epoch 4.
    # The delivered architecture is the most probable one inside the medium band
    # (--derive band, the default with a budget), whatever the thread count; the
    # summary also shows the paper's argmax and what the derivation changed.
    exec build/release/app/zodarts search \
      --data resources/demo/brain_regions_28.npz --out "$run" \
      --channels 8 --cells 2 --epochs 8 --switch-epoch 3 --batch 64 --budget medium \
      --rounds 2 --arch-lr 0.03 --t0 0.5 --t-decay 0.5 --t-every 2
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

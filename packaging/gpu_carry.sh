#!/usr/bin/env bash
# Fetches, on a machine with Debian 12's apt, the .deb files that packaging/gpu_check.sh
# needs on a GPU machine that has PyTorch, CMake and ninja but no package registry:
# the header-only libraries (nlohmann-json, CLI11), libzip, and Qt 6 Core + Test with
# moc (the core tests' harness), with the runtime libraries those need. About 18 MB,
# into build/gpu-carry/ (ignored by git; carry that folder to the GPU machine).
# Usage: packaging/gpu_carry.sh [FOLDER]
set -euo pipefail
cd "$(dirname "$0")/.."
DEST="${1:-build/gpu-carry}"
mkdir -p "$DEST"

PACKAGES=(
  nlohmann-json3-dev libcli11-dev          # header-only
  libzip-dev libzip4                       # .npz files
  qt6-base-dev qt6-base-dev-tools qmake6 qmake6-bin libqt6core6 libqt6test6   # Qt Test, moc (Qt's CMake files check qmake6 exists)
  libicu72 libdouble-conversion3 libb2-1 libpcre2-16-0 libglib2.0-0   # what libQt6Core needs
)
# Used on the GPU machine only where its own copies are missing (gpu_check.sh asks ldd).
FALLBACK=(
  libgnutls30 libnettle8 libhogweed6 libgmp10 libp11-kit0 libffi8 libtasn1-6 libidn2-0 libunistring2
  libzstd1 liblzma5 libbz2-1.0 zlib1g
)
mkdir -p "$DEST/fallback"
# apt-get download writes into the current folder; as root it warns that _apt cannot
# write there, which is harmless.
(cd "$DEST" && apt-get download -q "${PACKAGES[@]}" 2>&1 | grep -v "^W: Download is performed unsandboxed" || true)
(cd "$DEST/fallback" && apt-get download -q "${FALLBACK[@]}" 2>&1 | grep -v "^W: Download is performed unsandboxed" || true)
count=$(ls "$DEST"/*.deb "$DEST"/fallback/*.deb | wc -l)
expected=$(( ${#PACKAGES[@]} + ${#FALLBACK[@]} ))
if [ "$count" -lt "$expected" ]; then
  echo "gpu_carry: only $count of $expected packages downloaded into $DEST" >&2
  exit 1
fi
echo "gpu_carry: $count packages ($(du -sh "$DEST" | cut -f1)) in $DEST"

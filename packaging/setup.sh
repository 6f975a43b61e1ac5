#!/usr/bin/env bash
# Installs the Debian 12 packages ZO-DARTS++ Studio needs (only those missing),
# then configures and builds the project incrementally in build/release.
# Usage: packaging/setup.sh [cmake --build target ...]   (as root, or with sudo)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config ccache git clang-format
  # engine
  libtorch-dev nlohmann-json3-dev libcli11-dev libzip-dev
  # data: images, DICOM, NIfTI (demo-data generator) and its source images
  libopencv-dev libdcmtk-dev libnifti2-dev mricron-data
  # export
  libonnx-dev libprotobuf-dev protobuf-compiler
  # GUI and the Qt Test harness of every test
  qt6-base-dev qt6-svg-dev libqcustomplot-dev libqcustomplot2.1-qt6 libgl-dev
  # GUI tests and screenshots
  xvfb xauth
  # the package test: building the .deb (dpkg-shlibdeps), a window check, lintian
  dpkg-dev x11-utils lintian
)

source packaging/install_missing.sh
install_missing setup "${PACKAGES[@]}"

# Build with every core unless told otherwise; LibTorch units need ~1.5 GiB each.
JOBS="${ZODARTS_JOBS:-$(nproc)}"
if [ ! -f build/release/build.ninja ]; then
  cmake --preset release ${ZODARTS_CMAKE_ARGS:-} >/dev/null
fi
echo "setup: building (incremental; the first build takes a while: LibTorch is large)"
cmake --build build/release -j "$JOBS" ${1:+--target "$@"}

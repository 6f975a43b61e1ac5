#!/usr/bin/env bash
# The package as a user gets it (issue 14): build the .deb with CPack, install it with
# apt, run the installed zodarts (--version, a tiny search on the installed demo data
# from an empty home folder), start the installed studio under Xvfb to a visible
# window, then remove the package and check that none of its files is left.
# Usage: packaging/check_package.sh BUILD_DIR VERSION   (as root; exit 77 = skipped)
set -euo pipefail
build="$(cd "$1" && pwd)"
want="$2"
if [ "$(id -u)" != 0 ]; then
  echo "SKIP: installing a package needs root"; exit 77
fi
for tool in cpack dpkg-deb dpkg-shlibdeps apt-get xvfb-run xwininfo; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing (packaging/setup.sh installs it)"; exit 77; }
done
if dpkg -s zodarts-studio >/dev/null 2>&1; then
  echo "SKIP: zodarts-studio is installed on this machine already; remove it first"; exit 77
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"; apt-get purge -y zodarts-studio >/dev/null 2>&1 || true' EXIT
cpack --config "$build/CPackConfig.cmake" -B "$out" >"$out/cpack.log" 2>&1 || { cat "$out/cpack.log"; exit 1; }
deb="$(ls "$out"/zodarts-studio_*.deb)"
echo "package: $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB"
echo "Depends: $(dpkg-deb -f "$deb" Depends)"
if command -v lintian >/dev/null; then
  echo "lintian:"; lintian --tag-display-limit 0 "$deb" 2>&1 | grep -v "root privileges" || true
fi

apt-get install -y "$deb" >"$out/install.log" 2>&1 || { cat "$out/install.log"; exit 1; }
files="$(dpkg -L zodarts-studio)"

got="$(/usr/bin/zodarts --version)"
echo "zodarts --version: $got"
[ "$got" = "$want" ] || { echo "FAIL: expected version $want"; exit 1; }

home="$out/home"; mkdir -p "$home"
(cd "$home" && HOME="$home" /usr/bin/zodarts search --data /usr/share/zodarts/demo/brain_regions_28.npz \
   --out run --channels 4 --cells 1 --epochs 1 --switch-epoch 1 --batch 64 --threads 2 >"$out/search.log" 2>&1) \
  || { cat "$out/search.log"; exit 1; }
[ -f "$home/run/genotype.json" ] || { echo "FAIL: the installed search wrote no genotype.json"; exit 1; }
echo "installed search: $(grep -m1 'Derived architecture' "$out/search.log")"

# The installed studio, from the empty home, to a mapped window with its title.
# xcb: on the X server (the suite may have set QT_QPA_PLATFORM=offscreen for the GUI tests).
HOME="$home" QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x1024x24" bash -c '
  /usr/bin/zodarts-studio >"$0/studio.log" 2>&1 & pid=$!
  for _ in $(seq 1 60); do
    if xwininfo -root -tree | grep -q "\"ZO-DARTS++ Studio\""; then kill $pid; echo "studio: window shown"; exit 0; fi
    sleep 0.5
  done
  kill $pid 2>/dev/null; cat "$0/studio.log"; echo "FAIL: no ZO-DARTS++ Studio window within 30 s"; exit 1' "$out"

apt-get purge -y zodarts-studio >"$out/remove.log" 2>&1 || { cat "$out/remove.log"; exit 1; }
left=0
while IFS= read -r f; do
  if [ -f "$f" ] || [ -L "$f" ]; then echo "left behind: $f"; left=1; fi
done <<<"$files"
[ "$left" = 0 ] || { echo "FAIL: files of the package remain after apt-get purge"; exit 1; }
echo "removed: nothing left behind ($(wc -l <<<"$files") paths checked)"

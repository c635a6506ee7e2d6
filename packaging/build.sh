#!/usr/bin/env bash
# Build the Linux bundle and its .deb:   packaging/build.sh [OUT_DIR]      (default build/package)
#                                        DEB_COMPRESSION=gzip packaging/build.sh …  (faster, larger)
#
#   OUT_DIR/dist/mediator-desktop/               PyInstaller one-folder bundle (packaging/mediator-desktop.spec)
#   OUT_DIR/mediator-desktop_<version>_amd64.deb installs it under /opt/mediator-desktop, with
#                                                /usr/bin/mediator-desktop, a menu entry and its icon
#
# Needs the app's Python environment with PyInstaller (the test extras: .venv after ./test.sh, or
# PYTHON=/path/to/python) and dpkg-deb. tests/test_frozen.py runs this and then the frozen program.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(realpath -m "${1:-$REPO/build/package}")
PY=${PYTHON:-$REPO/.venv/bin/python}
# This checkout's package, whatever an editable install elsewhere points at.
export PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}"

# Debian 12 / UOS packages for what the bundle takes from the system (the spec's SYSTEM_LIBS,
# OpenGL/EGL which PyInstaller never bundles, glibc); tests/test_frozen.py checks with ldd that
# every library the bundle needs and does not carry belongs to one of these or their dependencies.
DEPENDS_PACKAGES=(
  libgl1 libegl1 libfontconfig1 libfreetype6 libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3 libglib2.0-0
  libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1
  libxcb-xfixes0 libxcb-xkb1
)

say() { printf '== %s\n' "$*"; }
command -v dpkg-deb >/dev/null || { echo "dpkg-deb is missing (apt-get install dpkg)" >&2; exit 1; }
"$PY" -c 'import PyInstaller' 2>/dev/null \
  || { echo "PyInstaller is missing in $PY (pip install -e '.[test]')" >&2; exit 1; }

VERSION=$("$PY" -c 'import mediator_desktop; print(mediator_desktop.__version__)')
ARCH=$(dpkg --print-architecture)
mkdir -p "$OUT"

say "compiling the Designer forms"
"$PY" -m mediator_desktop.ui.build_forms >/dev/null

say "PyInstaller bundle -> $OUT/dist/mediator-desktop"
"$PY" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$OUT/dist" --workpath "$OUT/work" "$REPO/packaging/mediator-desktop.spec"
BUNDLE=$OUT/dist/mediator-desktop
"$BUNDLE/mediator-desktop" --version >/dev/null  # it starts at all

say "Debian package"
ROOT=$OUT/deb-root
rm -rf "$ROOT"
mkdir -p "$ROOT/DEBIAN" "$ROOT/opt" "$ROOT/usr/bin" "$ROOT/usr/share/applications" \
  "$ROOT/usr/share/icons/hicolor/256x256/apps" "$ROOT/usr/share/doc/mediator-desktop"
cp -a "$BUNDLE" "$ROOT/opt/mediator-desktop"
# Relative, so the command also works in a tree unpacked elsewhere (dpkg -x, the test).
ln -s ../../opt/mediator-desktop/mediator-desktop "$ROOT/usr/bin/mediator-desktop"
install -m 0644 "$REPO/packaging/linux/mediator-desktop.desktop" "$ROOT/usr/share/applications/"
install -m 0644 "$REPO/resources/icons/mediator-desktop.png" "$ROOT/usr/share/icons/hicolor/256x256/apps/"
install -m 0644 "$REPO/packaging/linux/copyright" "$ROOT/usr/share/doc/mediator-desktop/"

# The newest glibc symbol version any bundled binary asks for: the oldest libc6 it runs on.
GLIBC=$( (find "$ROOT/opt" -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
          | xargs -0 grep -aoh 'GLIBC_2\.[0-9]*' || true) | sed 's/GLIBC_//' | sort -uV | tail -1)
[ -n "$GLIBC" ] || { echo "no glibc version found in the bundle" >&2; exit 1; }
DEPENDS="libc6 (>= $GLIBC), $(IFS=,; echo "${DEPENDS_PACKAGES[*]}" | sed 's/,/, /g')"

# No maintainer scripts at all: installing adds files only, and removing or purging the package
# removes only them — the user's data (~/.local/share/mediator-desktop, ~/.config/…) is never
# touched. The menu and icon caches are refreshed by dpkg triggers of desktop-file-utils and
# hicolor-icon-theme where those are installed.
cat > "$ROOT/DEBIAN/control" <<EOF
Package: mediator-desktop
Version: $VERSION
Architecture: $ARCH
Maintainer: Mediator Desktop <mediator-desktop@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
Depends: $DEPENDS
Section: misc
Priority: optional
Description: 调解工作台 — people's mediation room workbench
 受理登记、调解记录、调解协议、回访、司法确认和卷宗文书（PDF、Word），
 数据保存在本机（SQLite），也可多台电脑共用一台 PostgreSQL 服务器。
 .
 Offline desktop application for China's people's mediation rooms: intake,
 sessions and records, agreements, follow-up visits, judicial confirmation
 and the documents of the case file.
EOF
chmod -R u+rwX,go+rX,go-w "$ROOT"
DEB=$OUT/mediator-desktop_${VERSION}_${ARCH}.deb
# xz (default): 94 MB in 1–3 minutes here; DEB_COMPRESSION=gzip (the test's): 126 MB in 20–30 s.
dpkg-deb --root-owner-group "-Z${DEB_COMPRESSION:-xz}" --build "$ROOT" "$DEB" >/dev/null
rm -rf "$ROOT"  # a second copy of the bundle, no longer needed
say "built $DEB ($(du -h "$DEB" | cut -f1); bundle $(du -sh "$BUNDLE" | cut -f1))"

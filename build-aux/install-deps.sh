#!/usr/bin/env bash
# install-deps.sh: installs what Fieldbook needs from Debian/Ubuntu packages.
#   build-aux/install-deps.sh          build and run the app
#   build-aux/install-deps.sh --test   also everything the test suite uses
set -eu

build_pkgs=(
  meson ninja-build pkg-config gcc gettext itstool
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libadwaita-1-dev libgtksourceview-5-dev
  libsqlite3-dev libjson-glib-dev libsoup-3.0-dev libsecret-1-dev libgit2-dev libsodium-dev
  desktop-file-utils appstream
  dconf-gsettings-backend adwaita-icon-theme fonts-cantarell
)
test_pkgs=(
  libgtk-4-bin chromium imagemagick flatpak-builder libsecret-tools
  python3 ca-certificates
)

pkgs=("${build_pkgs[@]}")
if [ "${1:-}" = "--test" ]; then
  pkgs+=("${test_pkgs[@]}")
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing: ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"

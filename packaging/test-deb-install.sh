#!/usr/bin/env bash
# Builds the .deb (cpack in BUILD_DIR), installs it with apt on a clean Debian 12 root made by
# debootstrap (apt resolves the declared dependencies from the Debian mirror), and runs
# `perfnas --version` and a small headless demo search inside it. Needs root, debootstrap and the
# Debian mirror; takes several minutes (the root pulls libtorch and Qt).
#   packaging/test-deb-install.sh [BUILD_DIR] [ROOT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
root=${2:-$(mktemp -d /var/tmp/perfnas-debroot.XXXXXX)}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

(cd "$build_dir" && cpack -G DEB >/dev/null)
deb=$(ls -t "$build_dir"/perfnas-studio_*.deb | head -1)
echo "package: $deb ($(du -h "$deb" | cut -f1))"
dpkg-deb --field "$deb" Depends

cleanup() { umount "$root/proc" 2>/dev/null || true; }
trap cleanup EXIT
if [[ ! -x "$root/usr/bin/apt-get" ]]; then
  debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
cp "$deb" "$root/tmp/perfnas-studio.deb"
chroot "$root" apt-get update -qq
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /tmp/perfnas-studio.deb >/dev/null
chroot "$root" perfnas --version
chroot "$root" sh -c 'test -f /usr/share/applications/org.perfnas.Studio.desktop && test -x /usr/bin/perfnas-studio'
chroot "$root" perfnas demo-data --out /tmp/demo --speakers 4
chroot "$root" perfnas search --config /usr/share/perfnas/examples/demo-experiment.json --data /tmp/demo \
  --db /tmp/demo.sqlite --trials 3 --iterations 10
chroot "$root" perfnas status --db /tmp/demo.sqlite | head -5
echo "test-deb-install: OK ($root)"

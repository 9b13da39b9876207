#!/bin/bash
# Build (once) a cached Debian 13 (trixie) root file system for test nodes
# that run their own distribution instead of the host's (start-nodes.sh --root).
# The root holds what every chapter installs (OpenStack 2025.1 Epoxy from trixie
# main) plus what a node needs to boot (sshd, sudo, tini).
# It lives in /var/opt/openstacklab/rootfs/debian13-<hash>, the hash taken over
# the suite, mirror, package list and preseeding below: a changed list builds a
# new root, an unchanged one is reused (then this script only prints its path).
# Nothing is started at build time: mmdebstrap keeps invoke-rc.d from starting
# daemons (its policy-rc.d), and the debconf answers keep the postinsts from
# creating a database, an admin or an endpoint (the chapters do that inside a node).
# Prints the root's path on stdout (its only line; logs go to stderr).
# Usage: make-rootfs.sh [--print-path]   (as root; --print-path: path only, no build)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

SUITE=trixie
MIRROR=${OSL_LAB_ROOTFS_MIRROR:-http://deb.debian.org/debian}
ROOTFS_ROOT=$STATE_ROOT/rootfs

PACKAGES=(
    # a node: sshd, sudo, addresses, tini as PID 1 (node-init.sh), `service` and SysV scripts (no systemd runs)
    openssh-server sudo iproute2 tini openssl passwd procps sysvinit-utils init-system-helpers
    iputils-ping ca-certificates curl less
    # base chapters (nodes reach no mirror: every package a chapter installs must be here; wget: the base tools)
    wget chrony mariadb-server python3-pymysql rabbitmq-server memcached python3-memcache
    # keystone chapter (served by uwsgi in Debian)
    keystone python3-openstackclient python3-keystoneclient crudini
    # glance, placement, nova controller chapters (the APIs served by uwsgi or their own daemons from init scripts)
    glance-api python3-glanceclient placement-api
    nova-api nova-conductor nova-scheduler nova-consoleproxy python3-novaclient
    # nova compute chapter: libvirt with QEMU (TCG: the nodes have no /dev/kvm); the kvm flavour needs only
    # qemu-system-x86; libvirt's SysV scripts (no systemd runs); qemu-utils makes the test image
    nova-compute-kvm qemu-system-x86 libvirt-daemon-system libvirt-daemon-system-sysv qemu-utils
    # neutron chapters: the server, the agents of the network and compute nodes, Open vSwitch (userspace datapath);
    # ethtool for the interface driver on a veth
    # (Epoxy: neutron-periodic-workers, the plugins' periodic tasks, is a daemon of its own)
    neutron-server neutron-periodic-workers neutron-openvswitch-agent neutron-l3-agent neutron-dhcp-agent
    neutron-metadata-agent openvswitch-switch python3-neutronclient ethtool
    # cinder chapters: API (uwsgi), scheduler, the LVM volume service with tgt
    cinder-api cinder-scheduler cinder-volume lvm2 tgt
    # horizon chapter: the dashboard on apache2 with mod_wsgi; Django 4.2's memcached backend uses pymemcache
    openstack-dashboard-apache apache2 python3-pymemcache
    # swift chapters: proxy and storage services, rsync, XFS tools
    swift swift-proxy swift-account swift-container swift-object python3-swiftclient
    python3-keystonemiddleware rsync xfsprogs openssh-client
    # heat chapter
    heat-api heat-api-cfn heat-engine python3-heatclient
)

# The answers install-packages.sh gives on the host (one file for both): no
# postinst creates a database, bootstraps an admin, writes RabbitMQ or
# keystone_authtoken credentials or registers an endpoint (the chapters do).
PRESEED=$(<"$(dirname "$0")/debconf-answers.txt")

# Bump when the way the root is built changes (not only its package list).
BUILD_VERSION=3

HASH=$(printf '%s\n' "$BUILD_VERSION" "$SUITE" "$MIRROR" "$PRESEED" "$(printf '%s\n' "${PACKAGES[@]}" | sort -u)" |
    sha256sum | cut -c1-12)
ROOTFS=$ROOTFS_ROOT/debian13-$HASH

if [[ ${1:-} == --print-path ]]; then echo "$ROOTFS"; exit 0; fi
[[ $# -eq 0 ]] || die "unknown argument: $1 (usage: make-rootfs.sh [--print-path])"
require_root

# A finished root has its marker (written last); anything else is a broken build.
if [[ -s $ROOTFS/.osl-rootfs ]]; then
    log "Debian 13 root exists: $ROOTFS"
    echo "$ROOTFS"
    exit 0
fi

install_packages mmdebstrap
mkdir -p "$ROOTFS_ROOT"
exec 8>"$ROOTFS_ROOT/.build.lck"
flock -w 3600 8 || die "another build holds $ROOTFS_ROOT/.build.lck"
if [[ -s $ROOTFS/.osl-rootfs ]]; then echo "$ROOTFS"; exit 0; fi  # built while we waited

TMP=$ROOTFS.tmp
rm -rf -- "$TMP"
printf '%s\n' "$PRESEED" >"$TMP.preseed"
started=$SECONDS
log "building the Debian 13 root in $TMP (${#PACKAGES[@]} packages and their dependencies)"
packages=$(IFS=,; echo "${PACKAGES[*]}")
# The preseed goes in before anything is installed: debconf is part of the essential set.
# Daemons: mmdebstrap's own policy-rc.d (exit 101) is in place while packages are installed.
# The apt lists stay: the base chapter's "apt has package lists" check passes on nodes without a mirror.
# A system locale, as Debian's installer and cloud images set one (pam_env reads it into every login): without it
# services started by `service` run in the C locale, and nova-api under uwsgi (embedded Python: no UTF-8 mode)
# cannot read Epoxy's stock nova.conf, whose comments hold non-ASCII characters (UnicodeDecodeError, HTTP 500).
mmdebstrap --variant=required --mode=root --format=directory \
    --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
    --include="$packages" \
    --essential-hook="chroot \"\$1\" debconf-set-selections <'$TMP.preseed'" \
    --skip=cleanup/apt/lists \
    --customize-hook='chroot "$1" apt-get clean' \
    --customize-hook='rm -f "$1"/etc/ssh/ssh_host_*' \
    --customize-hook='echo LANG=C.UTF-8 >"$1/etc/default/locale"' \
    "$SUITE" "$TMP" "$MIRROR" >&2

# Facts the platform data is checked against (docs/debian13-epoxy.md).
{
    echo "built: $(date -u +%FT%TZ) in $((SECONDS - started)) s"
    echo "debian_version: $(cat "$TMP/etc/debian_version")"
    chroot "$TMP" dpkg-query -W -f='${Package} ${Version}\n' "${PACKAGES[@]}" uwsgi-core uwsgi-plugin-python3 python3-keystone \
        python3-glance python3-placement python3-nova libvirt-daemon qemu-system-x86 erlang-base \
        python3-neutron python3-cinder python3-django-horizon python3-swift python3-heat openvswitch-common || true
} >"$TMP/.osl-rootfs"
rm -f -- "$TMP.preseed"
mv -- "$TMP" "$ROOTFS"
log "built $ROOTFS in $((SECONDS - started)) s, $(du -sh --one-file-system "$ROOTFS" | cut -f1)"
echo "$ROOTFS"

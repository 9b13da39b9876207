#!/bin/bash
# First process of a test node: runs as PID 1 inside the node's network, mount,
# UTS and PID namespaces (start-nodes.sh launches it). It builds the node's
# private file system view, then becomes tini (a real init that reaps the
# orphans of double-forking daemons) supervising the node's sshd.
# Usage: node-init.sh <name>   (environment: STATE_DIR)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

NAME=$1
NODE_DIR=$(node_dir "$NAME")
FILES=$NODE_DIR/files

# Nothing mounted here may propagate back to the host.
mount --make-rprivate /

overlay_dir() {
    local dir=$1 key=${1//\//_}
    local upper=$NODE_DIR/overlay/$key.upper work=$NODE_DIR/overlay/$key.work
    mkdir -p "$upper" "$work"
    mount -t overlay "osl-$NAME$key" -o "lowerdir=$dir,upperdir=$upper,workdir=$work" "$dir"
}

private_dir() {
    local dir=$1 src=$NODE_DIR/private${1//\//_}
    mkdir -p "$dir" "$src"
    chmod 1777 "$src"
    mount --bind "$src" "$dir"
}

for d in "${OVERLAY_DIRS[@]}"; do if [[ -d $d ]]; then overlay_dir "$d"; fi; done
for d in "${PRIVATE_DIRS[@]}"; do private_dir "$d"; done
# Drop the copies of other nodes' netns mounts (they would keep those netns
# alive after `ip netns delete`), then give the node a fresh /run.
umount -R -l /run/netns 2>/dev/null || true
# /run holds pid files, locks and sockets: fresh per node, like after a boot.
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mkdir -p /run/lock /run/sshd && chmod 1777 /run/lock
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm

hostname "$NAME"
install -m 0644 "$FILES/hostname" /etc/hostname
install -m 0644 "$FILES/hosts" /etc/hosts
install -m 0644 "$FILES/resolv.conf" /etc/resolv.conf
install -m 0644 "$FILES/ssh_known_hosts" /etc/ssh/ssh_known_hosts
install -m 0440 "$FILES/sudoers" /etc/sudoers.d/osl-lab

exec /usr/bin/tini -- /usr/sbin/sshd -D -e -f "$NODE_DIR/sshd_config"

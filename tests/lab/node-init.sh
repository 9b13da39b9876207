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
COMMON=$STATE_DIR/common

# Nothing mounted here may propagate back to the host.
mount --make-rprivate /

overlay_dir() {
    local dir=$1 key=${1//\//_}
    local upper=$NODE_DIR/overlay/$key.upper work=$NODE_DIR/overlay/$key.work
    mkdir -p "$upper" "$work"
    mount -t overlay "$NS_PREFIX$NAME$key" -o "lowerdir=$dir,upperdir=$upper,workdir=$work" "$dir"
}

private_dir() {
    local dir=$1 src=$NODE_DIR/private${1//\//_}
    mkdir -p "$dir" "$src"
    chmod 1777 "$src"
    mount --bind "$src" "$dir"
}

# A node of its own distribution (start-nodes.sh --root): its whole root is an
# overlay of that root file system (upper dir in the node's state), with the
# kernel's file systems, the host's /dev and the state dir (keys, sshd_config)
# mounted in; then it becomes / and the host's tree is let go.
enter_rootfs() {
    local lower=$1 root=$NODE_DIR/root upper=$NODE_DIR/overlay/root.upper work=$NODE_DIR/overlay/root.work
    mkdir -p "$root" "$upper" "$work"
    mount -t overlay "$NS_PREFIX$NAME-root" -o "lowerdir=$lower,upperdir=$upper,workdir=$work" "$root"
    mount -t proc proc "$root/proc"
    mount -t sysfs sysfs "$root/sys"           # this netns's view: the node's interfaces
    mount --rbind /dev "$root/dev"
    mkdir -p "$root$STATE_DIR" "$root/.host"
    mount --bind "$STATE_DIR" "$root$STATE_DIR"
    for d in "${PRIVATE_DIRS[@]}"; do
        mkdir -p "$NODE_DIR/private${d//\//_}" && chmod 1777 "$NODE_DIR/private${d//\//_}"
        mount --bind "$NODE_DIR/private${d//\//_}" "$root$d"
    done
    cd "$root"
    pivot_root . .host
    cd /
    umount -R -l /.host
    rmdir /.host
}

if [[ -n ${OSL_LAB_ROOTFS:-} ]]; then
    enter_rootfs "$OSL_LAB_ROOTFS"
else
    for d in "${OVERLAY_DIRS[@]}"; do if [[ -d $d ]]; then overlay_dir "$d"; fi; done
    for d in "${PRIVATE_DIRS[@]}"; do private_dir "$d"; done
    # Drop the copies of other nodes' netns mounts (they would keep those netns
    # alive after `ip netns delete`), then give the node a fresh /run.
    umount -R -l /run/netns 2>/dev/null || true
fi
# /run holds pid files, locks and sockets: fresh per node, like after a boot.
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mkdir -p /run/lock /run/sshd && chmod 1777 /run/lock
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm

hostname "$NAME"
install -m 0644 "$NODE_DIR/hostname" /etc/hostname
install -m 0644 "$COMMON/hosts" /etc/hosts
install -m 0644 "$COMMON/resolv.conf" /etc/resolv.conf
install -m 0644 "$COMMON/ssh_known_hosts" /etc/ssh/ssh_known_hosts
install -m 0440 "$COMMON/sudoers" /etc/sudoers.d/osl-lab

# A root of its own has no login users yet (on the host's overlays they come from the host).
for user in "$LOGIN_USER" "$PASSWORD_USER"; do
    id -u "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
done

# The login users' passwords and keys live only in this node (/etc and /home
# are its overlays). Only /etc/shadow is rewritten: chpasswd would open
# /etc/passwd for writing, copying it up and hiding users that host packages
# add later.
awk -F: -v OFS=: 'NR == FNR { hash[$1] = $2; next } $1 in hash { $2 = hash[$1] } { print }' \
    "$STATE_DIR/login/shadow" /etc/shadow >/run/shadow.new
install -m 0640 -o root -g shadow /run/shadow.new /etc/shadow
rm -f /run/shadow.new
for user in "$LOGIN_USER" "$PASSWORD_USER"; do
    home=$(getent passwd "$user" | cut -d: -f6)
    install -d -m 700 -o "$user" -g "$user" "$home/.ssh"
    install -m 600 -o "$user" -g "$user" "$STATE_DIR/login/authorized_keys" "$home/.ssh/authorized_keys"
    # Node-to-node ssh (e.g. controller -> storage1) uses the lab key.
    install -m 600 -o "$user" -g "$user" "$STATE_DIR/keys/id_ed25519" "$home/.ssh/id_ed25519"
    install -m 644 -o "$user" -g "$user" "$STATE_DIR/keys/id_ed25519.pub" "$home/.ssh/id_ed25519.pub"
done

exec /usr/bin/tini -- /usr/sbin/sshd -D -e -f "$NODE_DIR/sshd_config"

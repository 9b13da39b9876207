#!/bin/bash
# Stop every test node and remove what start-nodes.sh made: node processes,
# netns, veths, the bridge, leftover mounts, the loop devices no node holds
# any more and the state dir. Safe to run when nothing is up. The login users
# stay on the host (without password or keys: those exist only inside nodes).
# Usage: stop-nodes.sh   (as root)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

# State dirs to remove: ours and the one that owns the running lab.
state_dirs() {
    echo "$STATE_DIR"
    [[ ! -f $OWNER_FILE ]] || cat "$OWNER_FILE"
}

# Node mounts live in the nodes' private mount namespaces and vanish with
# them; this only catches something mounted on the host by hand or by a crash.
unmount_leftovers() {
    local dir m
    for dir in "$@"; do
        awk -v d="$dir/" 'index($2 "/", d) == 1 {print $2}' /proc/self/mounts | sort -r |
            while read -r m; do umount -l "$m" || true; done
    done
}

main() {
    require_root
    exec 9>"$LOCK_FILE"
    # Nodes of an older harness kept this lock open: stopping them frees it.
    flock -w 10 9 || log "$LOCK_FILE is held; stopping anyway"
    local name dir dirs
    for name in $(running_nodes); do teardown_node "$name" & done
    wait
    # veths whose netns is already gone (e.g. after a crash).
    for name in $(ip -o link show type veth 2>/dev/null | awk -F': ' '{sub(/@.*/, "", $2); print $2}' |
        awk -v p="$NS_PREFIX" 'index($0, p) == 1'); do
        ip link delete "$name" 2>/dev/null || true
    done
    ip link delete "$BRIDGE" 2>/dev/null || true
    mapfile -t dirs < <(state_dirs | sort -u)
    unmount_leftovers "${dirs[@]}"
    detach_node_loops "${dirs[@]}"
    for dir in "${dirs[@]}"; do remove_state_dir "$dir"; done
    rm -f "$OWNER_FILE"
    log "test nodes stopped"
}

main "$@"

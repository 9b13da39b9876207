# Shared settings and helpers of the test-node harness (sourced, not run).
# shellcheck shell=bash

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE_DIR=${OSL_LAB_STATE_DIR:-$LAB_DIR/.state}
BRIDGE=oslbr0
GATEWAY=10.250.0.1
PREFIX_LENGTH=24
LOGIN_USER=osl            # passwordless sudo
PASSWORD_USER=oslpw       # sudo asks for its password
DEFAULT_NODES=(controller network compute storage1 storage2 storage3)

# The lab is one per machine (bridge, addresses and netns names are global):
# these two files in the host's /run say which state dir owns it and serialise
# start/stop between worktrees.
LOCK_FILE=/run/osl-lab.lock
OWNER_FILE=/run/osl-lab.owner

# Directories each node sees as an overlay of the host's (host packages and
# users stay visible; the node's writes land in its own upper dir).
OVERLAY_DIRS=(/etc /var/lib /var/log /var/cache /var/spool /var/mail /srv /root /home)
# Directories each node gets empty and private (on disk, in its state dir).
PRIVATE_DIRS=(/tmp /var/tmp)

die() { echo "ERROR: $*" >&2; exit 1; }
log() { echo "[lab] $*" >&2; }

require_root() { [[ $EUID -eq 0 ]] || die "run as root"; }

# Address of a node by name: the document's six, or nodeNN (NN 01-99) at .100+NN.
node_address() {
    case $1 in
        controller) echo 10.250.0.10 ;;
        network)    echo 10.250.0.20 ;;
        compute)    echo 10.250.0.30 ;;
        storage1)   echo 10.250.0.50 ;;
        storage2)   echo 10.250.0.51 ;;
        storage3)   echo 10.250.0.52 ;;
        node[0-9][0-9])
            local n=$((10#${1#node}))
            ((n >= 1)) || return 1
            echo "10.250.0.$((100 + n))" ;;
        *) return 1 ;;
    esac
}

netns_name() { echo "osl-$1"; }
# Host side of the node's veth (interface names are at most 15 characters).
veth_name() { echo "osl-$1"; }
node_dir() { echo "$STATE_DIR/nodes/$1"; }

# Names of the node netns that exist now (whoever started them).
running_nodes() {
    ip netns list 2>/dev/null | awk '{print $1}' | sed -n 's/^osl-//p' | sort
}

# Kill every process of a node (all of them live in its netns) and remove
# its netns and veth. The `unshare` parent is spared at first: it reaps the
# node's init once the kernel has killed the PID namespace, then exits, so
# nothing is left as a zombie of the host's PID 1.
teardown_node() {
    local name=$1 ns pids tries=0 pid
    ns=$(netns_name "$name")
    if ip netns list | awk '{print $1}' | grep -qx -- "$ns"; then
        while pids=$(ip netns pids "$ns" 2>/dev/null) && [[ -n $pids ]]; do
            for pid in $pids; do
                if ((tries < 20)) && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == unshare ]]; then continue; fi
                kill -KILL "$pid" 2>/dev/null || true
            done
            ((++tries > 60)) && die "processes of node $name do not die: $pids"
            sleep 0.05
        done
        ip netns delete "$ns" 2>/dev/null || true
    fi
    ip link delete "$(veth_name "$name")" 2>/dev/null || true
}

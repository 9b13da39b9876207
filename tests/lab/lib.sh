# Shared settings and helpers of the test-node harness (sourced, not run).
# shellcheck shell=bash disable=SC2034  # settings used by the scripts that source this

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# Instance 0 is the lab of the contract (10.250.0.0/24, oslbr0, netns osl-*).
# Instances 1-9 are independent labs (10.250.N.0/24, oslbrN, oslN-*) so the
# harness can test itself while others use instance 0.
INSTANCE=${OSL_LAB_INSTANCE:-0}
[[ $INSTANCE =~ ^[0-9]$ ]] || { echo "ERROR: OSL_LAB_INSTANCE must be 0-9" >&2; exit 1; }
if ((INSTANCE == 0)); then NS_PREFIX=osl- SUFFIX=; else NS_PREFIX=osl$INSTANCE- SUFFIX=-$INSTANCE; fi
# The state dir (keys, nodes.json, every node's overlay upper dirs) must lie
# outside what nodes overlay or get private (/root, /home, /tmp, ...: a clone
# can be anywhere), so by default it is one per clone and instance under
# STATE_ROOT: lab<instance>-<hash of the harness's path>. The harness copy in
# the built module (testlab/) names the clone's harness it came from in its
# file `source`, so the module and its clone share one lab.
STATE_ROOT=/var/opt/openstacklab
LAB_SOURCE=$LAB_DIR
[[ ! -s $LAB_DIR/source ]] || LAB_SOURCE=$(<"$LAB_DIR/source")
LAB_ID=$(printf '%s' "$LAB_SOURCE" | sha256sum | cut -c1-12)
STATE_DIR=${OSL_LAB_STATE_DIR:-$STATE_ROOT/lab$INSTANCE-$LAB_ID}
SUBNET=10.250.$INSTANCE
BRIDGE=oslbr$INSTANCE
GATEWAY=$SUBNET.1
PREFIX_LENGTH=24
LOGIN_USER=osl            # passwordless sudo
PASSWORD_USER=oslpw       # sudo asks for its password
DEFAULT_NODES=(controller network compute storage1 storage2 storage3)

# A lab (bridge, addresses, netns names) is one per machine and instance:
# these files in the host's /run say which state dir owns it and serialise
# start/stop between worktrees.
LOCK_FILE=/run/osl-lab$SUFFIX.lck  # (.lock was kept open by nodes of an early version)
OWNER_FILE=/run/osl-lab$SUFFIX.owner

# The state dir of the lab of this instance that runs now (whoever started
# it): OSL_LAB_STATE_DIR, else the owner file, else this clone's. Everything
# that reads nodes.json finds it this way (the module: TestLabState.cs).
running_state_dir() {
    if [[ -n ${OSL_LAB_STATE_DIR:-} ]]; then echo "$OSL_LAB_STATE_DIR"
    elif [[ -s $OWNER_FILE ]]; then cat "$OWNER_FILE"
    else echo "$STATE_DIR"; fi
}

# Directories each node sees as an overlay of the host's (host packages and
# users stay visible; the node's writes land in its own upper dir).
OVERLAY_DIRS=(/etc /var/lib /var/log /var/cache /var/spool /var/mail /srv /root /home)
# The network node's provider interface (TestLabNodes.ProviderInterface in the module says the same).
PROVIDER_INTERFACE=ext0
# Directories each node gets empty and private (on disk, in its state dir).
PRIVATE_DIRS=(/tmp /var/tmp)

die() { echo "ERROR: $*" >&2; exit 1; }
log() { echo "[lab] $*" >&2; }

require_root() { [[ $EUID -eq 0 ]] || die "run as root"; }

# Address of a node by name: the document's six, or nodeNN (NN 01-99) at .100+NN.
node_address() {
    case $1 in
        controller) echo "$SUBNET.10" ;;
        network)    echo "$SUBNET.20" ;;
        compute)    echo "$SUBNET.30" ;;
        storage1)   echo "$SUBNET.50" ;;
        storage2)   echo "$SUBNET.51" ;;
        storage3)   echo "$SUBNET.52" ;;
        node[0-9][0-9])
            local n=$((10#${1#node}))
            ((n >= 1)) || return 1
            echo "$SUBNET.$((100 + n))" ;;
        *) return 1 ;;
    esac
}

netns_name() { echo "$NS_PREFIX$1"; }
# Host side of the node's veth (interface names are at most 15 characters).
veth_name() { echo "$NS_PREFIX$1"; }
node_dir() { echo "$STATE_DIR/nodes/$1"; }

# Names of the node netns that exist now (whoever started them).
running_nodes() {
    ip netns list 2>/dev/null | awk -v p="$NS_PREFIX" 'index($1, p) == 1 {print substr($1, length(p) + 1)}' | sort
}

# Of those, the nodes with a process alive. A machine restored from a
# snapshot keeps /run/netns entries whose processes are gone.
live_nodes() {
    local name
    for name in $(running_nodes); do
        [[ -z $(ip netns pids "$(netns_name "$name")" 2>/dev/null) ]] || echo "$name"
    done
}

# Loop devices are host-wide and outlive the node that attached them (Cinder's
# loop-backed volume group): the next lab's LVM would see two volume groups of
# one name. A loop belongs to a node that is gone when its backing file lies in
# a state dir being removed, or on a file system no process mounts any more.
detach_node_loops() {
    local dev ino majmin file dir
    command -v losetup >/dev/null || return 0
    while read -r dev ino majmin; do
        [[ -n $majmin ]] || continue
        file=
        for dir in "$@"; do
            [[ -d $dir ]] || continue
            file=$(find "$dir" -xdev -inum "$ino" -print -quit 2>/dev/null)
            [[ -n $file && $(stat -c '%Hd:%Ld' "$file") == "$majmin" ]] && break
            file=
        done
        if [[ -n $file ]] || ! awk -v d="$majmin" '$3 == d {found = 1; exit} END {exit !found}' /proc/[0-9]*/mountinfo 2>/dev/null; then
            losetup -d "$dev" 2>/dev/null && log "detached $dev (its node is gone)" || true
        fi
    done < <(losetup -l -n -O NAME,BACK-INO,BACK-MAJ:MIN 2>/dev/null)
}

# Remove a state dir, but only one that looks like ours (OWNER_FILE and
# OSL_LAB_STATE_DIR come from outside: never rm -rf something else).
remove_state_dir() {
    local dir=$1
    [[ -e $dir ]] || return 0
    if [[ $dir == /*/* && ( -e $dir/nodes.json || -d $dir/nodes || -d $dir/keys || $dir == "$STATE_ROOT"/lab[0-9]-* ) ]]; then
        rm -rf -- "$dir"
    else
        log "not removing $dir: it does not look like a lab state dir"
    fi
}

# install_packages <package...>: apt-get install those not installed yet.
install_packages() {
    local missing=() p
    for p in "$@"; do
        [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == 'install ok installed' ]] || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    log "installing ${missing[*]}"
    # Keep package scripts from starting daemons on the host.
    local own_policy=
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        own_policy=1
        trap 'rm -f /usr/sbin/policy-rc.d' EXIT  # also if apt fails or we are killed
    fi
    local apt=(apt-get -o DPkg::Lock::Timeout=900 install -y "${missing[@]}") rc=0
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" >&2 || rc=$?
    if ((rc != 0)); then  # maybe no package lists yet
        rc=0
        apt-get -o DPkg::Lock::Timeout=900 update >&2 || rc=$?
        ((rc != 0)) || DEBIAN_FRONTEND=noninteractive "${apt[@]}" >&2 || rc=$?
    fi
    [[ -z $own_policy ]] || { rm -f /usr/sbin/policy-rc.d; trap - EXIT; }
    ((rc == 0)) || die "could not install ${missing[*]}"
}

# Kill every process of a node (all of them live in its netns) and remove
# its netns and veth. The `unshare` parent is spared at first: it reaps the
# node's init once the kernel has killed the PID namespace, then exits, so
# nothing is left as a zombie of the host's PID 1.
teardown_node() {
    local name=$1 ns pids tries=0 pid
    ns=$(netns_name "$name")
    if [[ -e /run/netns/$ns ]]; then
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

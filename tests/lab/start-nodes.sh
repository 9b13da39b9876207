#!/bin/bash
# Start the test nodes: one network namespace per node on bridge oslbr0, each
# with its own PID/mount/UTS namespaces, private /etc, /run and /var state,
# and its own sshd. Writes nodes.json and known_hosts into the state dir
# (lib.sh: /var/opt/openstacklab/lab<instance>-<id>) and prints the path of
# nodes.json on stdout (the only stdout line; logs go to stderr).
# Usage: start-nodes.sh [--nodes a,b,...] [--count N] [--root DIR]     (as root)
# With --root (or OSL_LAB_ROOTFS) every node's root is an overlay of DIR, a
# root file system of another Debian release (make-rootfs.sh builds Debian 13's),
# instead of the host's directories.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

PACKAGES=(openssh-server sudo iproute2 tini openssl)
SSH_WAIT_SECONDS=30

usage() {
    cat <<EOF
Usage: $0 [--nodes controller,network,...] [--count N]
  --nodes  nodes to start (default: ${DEFAULT_NODES[*]}); names: those six or nodeNN
  --count  also start node01..nodeNN (1-99), e.g. 30 for benchmarks
  --root   each node's root is an overlay of this root file system (default: OSL_LAB_ROOTFS;
           empty: the host's directories), e.g. the path make-rootfs.sh prints
EOF
}

# --- arguments -------------------------------------------------------------

NODES=()
declare -A ADDRESS=()
ROOTFS=${OSL_LAB_ROOTFS:-}
parse_args() {
    local list=${DEFAULT_NODES[*]} count=0
    list=${list// /,}
    while (($#)); do
        case $1 in
            --nodes) (($# >= 2)) || die "--nodes needs a value"; list=$2; shift 2 ;;
            --nodes=*) list=${1#*=}; shift ;;
            --count) (($# >= 2)) || die "--count needs a value"; count=$2; shift 2 ;;
            --count=*) count=${1#*=}; shift ;;
            --root) (($# >= 2)) || die "--root needs a directory"; ROOTFS=$2; shift 2 ;;
            --root=*) ROOTFS=${1#*=}; shift ;;
            -h|--help) usage; exit 0 ;;
            *) usage >&2; die "unknown argument: $1" ;;
        esac
    done
    [[ $count =~ ^[0-9]{1,2}$ ]] || die "--count must be a number from 0 to 99, got: $count"
    local name i
    IFS=, read -ra NODES <<<"$list"
    for ((i = 1; i <= 10#$count; i++)); do NODES+=("$(printf 'node%02d' "$i")"); done
    ((${#NODES[@]})) || die "no nodes to start"
    for name in "${NODES[@]}"; do
        ADDRESS[$name]=$(node_address "$name") || die "unknown node name: '$name' (use ${DEFAULT_NODES[*]} or node01..node99)"
    done
    local dups
    dups=$(printf '%s\n' "${NODES[@]}" | sort | uniq -d)
    [[ -z $dups ]] || die "node listed twice: $dups"
    [[ -z $ROOTFS ]] || check_rootfs
}

# A node root must be a whole root file system, named so that it can be an
# overlay's lower dir (no comma, colon or white space in the mount options).
check_rootfs() {
    [[ $ROOTFS == /* && $ROOTFS != *[,:[:space:]\\]* ]] ||
        die "--root must be an absolute path without commas, colons, backslashes or spaces, got: '$ROOTFS'"
    [[ -d $ROOTFS ]] || die "--root: no directory '$ROOTFS' (build one with make-rootfs.sh)"
    ROOTFS=$(cd "$ROOTFS" && pwd -P)
    local f
    for f in etc/os-release usr/sbin/sshd usr/bin/tini usr/sbin/useradd usr/bin/sudo; do
        [[ -e $ROOTFS/$f ]] || die "--root: '$ROOTFS' is not a node root file system: it has no /$f"
    done
}

# What the nodes run: ID and VERSION_ID of their os-release (the root's, else the host's).
os_release_field() { # os_release_field <field>
    local file=${ROOTFS:-}/etc/os-release
    [[ -e $file ]] || file=${ROOTFS:-}/usr/lib/os-release
    (set +u; . "$file" && printf '%s' "${!1}")
}

# --- host preparation --------------------------------------------------------

# Overlay upper dirs must not live inside a directory the nodes overlay.
check_state_dir() {
    local d
    for d in "${OVERLAY_DIRS[@]}" "${PRIVATE_DIRS[@]}" /run /dev/shm; do
        [[ $STATE_DIR/ != "$d"/* ]] ||
            die "state dir $STATE_DIR is under $d, which every node replaces with its own; unset OSL_LAB_STATE_DIR (default: under $STATE_ROOT) or set it elsewhere"
    done
    mkdir -p "$(dirname "$STATE_DIR")"
    [[ $(stat -f -c %T "$(dirname "$STATE_DIR")") != overlayfs ]] ||
        die "state dir $STATE_DIR is on overlayfs (overlay upper dirs cannot be); set OSL_LAB_STATE_DIR to a dir on a disk or tmpfs"
}

random_secret() { # 24 letters and digits (no pipe closed early: pipefail)
    local s
    s=$(head -c 64 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9')
    echo "${s:0:24}"
}

# Secrets live only in nodes.json; reuse them while the state dir lives.
USER_PASSWORD='' PWUSER_PASSWORD='' PASSPHRASE=''
load_or_make_secrets() {
    local json=$STATE_DIR/nodes.json
    if [[ -s $json ]]; then
        USER_PASSWORD=$(jq -r .user.password "$json")
        PWUSER_PASSWORD=$(jq -r .passwordUser.password "$json")
        PASSPHRASE=$(jq -r .keys.passphrase "$json")
    fi
    if [[ -z $USER_PASSWORD || -z $PWUSER_PASSWORD || -z $PASSPHRASE || ! -s $STATE_DIR/keys/id_ed25519_enc ]]; then
        USER_PASSWORD=$(random_secret) PWUSER_PASSWORD=$(random_secret) PASSPHRASE=$(random_secret)
        rm -rf "$STATE_DIR/keys" "$STATE_DIR/login"
    fi
}

# Client keys; the passphrase goes on stdin (no terminal: setsid), never argv.
make_client_keys() {
    local k=$STATE_DIR/keys
    [[ -s $k/id_ed25519_enc ]] && return 0
    mkdir -p "$k" && chmod 700 "$k"
    ssh-keygen -q -t ed25519 -N '' -C osl-lab-ed25519 -f "$k/id_ed25519"
    ssh-keygen -q -t rsa -b 2048 -N '' -C osl-lab-rsa -f "$k/id_rsa"
    printf '%s\n%s\n' "$PASSPHRASE" "$PASSPHRASE" |
        setsid -w ssh-keygen -q -t ed25519 -C osl-lab-ed25519-enc -f "$k/id_ed25519_enc" 2>/dev/null
    [[ -s $k/id_ed25519_enc ]] || die "could not create the encrypted client key"
}

# Login users exist on the host so that every node's /etc/passwd (an overlay
# of the host's) has them. Their passwords and keys exist only inside nodes
# (node-init.sh installs them from login/), so labs of different state dirs
# or instances never fight over them and the host gets no usable login.
ensure_users() {
    local u
    for u in "$LOGIN_USER" "$PASSWORD_USER"; do
        id -u "$u" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$u"
    done
}

# What node-init.sh installs: password hashes (openssl reads the password on
# stdin) and authorized_keys.
make_login_files() {
    local l=$STATE_DIR/login
    [[ -s $l/shadow && -s $l/authorized_keys ]] && return 0
    mkdir -p "$l" && chmod 700 "$l"
    (
        umask 077
        printf '%s:%s\n' \
            "$LOGIN_USER" "$(printf '%s\n' "$USER_PASSWORD" | openssl passwd -6 -stdin)" \
            "$PASSWORD_USER" "$(printf '%s\n' "$PWUSER_PASSWORD" | openssl passwd -6 -stdin)" >"$l/shadow"
        cat "$STATE_DIR"/keys/*.pub >"$l/authorized_keys"
    )
}

ensure_bridge() {
    ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge
    # (no `| grep -q`: with pipefail, grep quitting early fails the pipe)
    [[ $(ip -o addr show dev "$BRIDGE") == *" inet $GATEWAY/$PREFIX_LENGTH "* ]] ||
        ip addr add "$GATEWAY/$PREFIX_LENGTH" dev "$BRIDGE"
    ip link set "$BRIDGE" up
}

# --- per-node files ----------------------------------------------------------

hosts_file() {
    local name
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n\n# OpenStackLab test nodes\n'
    for name in "${NODES[@]}"; do printf '%s\t%s\n' "${ADDRESS[$name]}" "$name"; done
}

sudoers_file() {
    cat <<EOF
# OpenStackLab test users: $LOGIN_USER without password, $PASSWORD_USER with it
# (asked every time, so tests really exercise the password path).
Defaults:$LOGIN_USER,$PASSWORD_USER !requiretty, !lecture
Defaults:$PASSWORD_USER timestamp_timeout=0
$LOGIN_USER ALL=(ALL:ALL) NOPASSWD: ALL
$PASSWORD_USER ALL=(ALL:ALL) ALL
EOF
}

sshd_config() {
    local name=$1 dir=$2
    cat <<EOF
# sshd of test node $name (generated by start-nodes.sh)
ListenAddress ${ADDRESS[$name]}:22
HostKey $dir/ssh/ssh_host_ed25519_key
PidFile /run/osl-sshd.pid
UsePAM yes
PasswordAuthentication yes
KbdInteractiveAuthentication yes
PubkeyAuthentication yes
PermitRootLogin no
UseDNS no
MaxSessions 64
MaxStartups 200
MaxAuthTries 10
PrintMotd no
PrintLastLog no
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
}

# Files every node installs into its /etc at boot (node-init.sh).
write_common_files() {
    local c=$STATE_DIR/common
    mkdir -p "$c"
    hosts_file >"$c/hosts"
    # No DNS in the lab: no nameserver means 127.0.0.1, which fails at once.
    printf '# test node: names come from /etc/hosts\noptions timeout:1 attempts:1\n' >"$c/resolv.conf"
    sudoers_file >"$c/sudoers"
}

# A node's own files: host key, hostname, sshd_config.
prepare_node() {
    local name=$1 dir=$STATE_DIR/nodes/$1
    mkdir -p "$dir/ssh" "$dir/overlay"
    ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$dir/ssh/ssh_host_ed25519_key"
    echo "$name" >"$dir/hostname"
    sshd_config "$name" "$dir" >"$dir/sshd_config"
}

# known_hosts for the host's clients, and every node's ssh_known_hosts.
write_known_hosts() {
    local name kh=$STATE_DIR/known_hosts type key _
    for name in "${NODES[@]}"; do
        read -r type key _ <"$STATE_DIR/nodes/$name/ssh/ssh_host_ed25519_key.pub"
        printf '%s,%s %s %s\n' "${ADDRESS[$name]}" "$name" "$type" "$key"
    done >"$kh.tmp"
    mv "$kh.tmp" "$kh"
    cp "$kh" "$STATE_DIR/common/ssh_known_hosts"
}

# --- node lifecycle ----------------------------------------------------------

# Network namespaces and veths on the bridge for all nodes: one `ip -batch`
# for the host side and one per node inside its netns (forks are the cost).
make_node_networks() {
    local name ns veth
    for name in "${NODES[@]}"; do
        ns=$(netns_name "$name") veth=$(veth_name "$name")
        printf 'netns add %s\nlink add %s type veth peer name eth0 netns %s\nlink set %s master %s up\n' \
            "$ns" "$veth" "$ns" "$veth" "$BRIDGE"
    done | ip -batch -
    for name in "${NODES[@]}"; do
        {
            printf 'addr add %s/%s dev eth0\nlink set lo up\nlink set eth0 up\n' "${ADDRESS[$name]}" "$PREFIX_LENGTH"
            # The network node's provider NIC (Neutron's br-eth1): one end of a veth pair with nothing behind it.
            [[ $name != network ]] || printf 'link add %s type veth peer name %s-peer\nlink set %s-peer up\n' \
                "$PROVIDER_INTERFACE" "$PROVIDER_INTERFACE" "$PROVIDER_INTERFACE"
        } | ip -n "$(netns_name "$name")" -batch - &
    done
    wait
}

# The node's own namespaces with node-init.sh as PID 1 (unshare --fork makes
# its child PID 1 of the new PID namespace; unshare stays in the netns, so
# `ip netns pids` finds every process of the node).
boot_node() {
    local name=$1
    setsid ip netns exec "$(netns_name "$name")" \
        unshare --mount --uts --pid --fork --mount-proc --propagation private \
        env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
        OSL_LAB_STATE_DIR="$STATE_DIR" OSL_LAB_ROOTFS="$ROOTFS" "$LAB_DIR/node-init.sh" "$name" \
        </dev/null >"$(node_dir "$name")/boot.log" 2>&1 9>&- &  # 9: the lock, not for nodes
}

ssh_to() { # ssh_to <address> <command>: as the login user with the lab key
    ssh -F /dev/null -n -o BatchMode=yes -o ConnectTimeout=3 -o IdentitiesOnly=yes \
        -o IdentityAgent=none -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null \
        -o UserKnownHostsFile="$STATE_DIR/known_hosts" -i "$STATE_DIR/keys/id_ed25519" \
        -l "$LOGIN_USER" "$1" "$2"
}

# wait_for_node <name> <seconds> [login]: until the node's sshd answers with
# its SSH banner (read from bash's /dev/tcp: no fork, no login), or with
# "login" until a real login (lab key, then sudo -n) works.
wait_for_node() {
    local name=$1 addr=${ADDRESS[$1]} deadline=$((SECONDS + $2)) mode=${3:-banner} fd nap banner
    exec {nap}<> <(:)  # `read -t` on this never-written pipe: a sleep without a fork
    while :; do
        if [[ $mode == login ]]; then
            ssh_to "$addr" 'sudo -n true' 2>/dev/null && return 0
        elif exec {fd}<>"/dev/tcp/$addr/22"; then
            banner=''
            IFS= read -r -t 5 -u "$fd" banner || true
            exec {fd}>&-
            [[ $banner == SSH-2.0-* ]] && return 0
        fi 2>/dev/null
        if ((SECONDS >= deadline)); then
            log "node $name ($addr) does not answer ssh; boot log:"
            cat "$STATE_DIR/nodes/$name/boot.log" >&2 || true
            return 1
        fi
        read -r -t 0.1 -u "$nap" _ || true
    done
}

wait_for_nodes() { # wait_for_nodes <seconds> [login]
    local name pids=() rc=0 p
    for name in "${NODES[@]}"; do wait_for_node "$name" "$@" & pids+=($!); done
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    return $rc
}

# The lab this script would start is already up: same nodes, same owner.
lab_is_up() {
    [[ -f $OWNER_FILE && $(cat "$OWNER_FILE") == "$STATE_DIR" && -s $STATE_DIR/nodes.json ]] || return 1
    [[ $(running_nodes) == $(printf '%s\n' "${NODES[@]}" | sort) ]] || return 1
    [[ $(cat "$STATE_DIR/rootfs" 2>/dev/null) == "$ROOTFS" ]] || return 1
    local name
    for name in "${NODES[@]}"; do
        [[ -n $(ip netns pids "$(netns_name "$name")" 2>/dev/null) ]] || return 1
    done
}

ms_since() { echo $(((${EPOCHREALTIME/./} - $1) / 1000)); }

start_lab() {
    local name t0=${EPOCHREALTIME/./} t
    for name in $(running_nodes); do teardown_node "$name" & done
    wait
    rm -rf "$STATE_DIR/nodes"
    printf '%s\n' "$ROOTFS" >"$STATE_DIR/rootfs"
    ensure_bridge
    t=${EPOCHREALTIME/./}
    write_common_files
    for name in "${NODES[@]}"; do prepare_node "$name" & done
    wait
    write_known_hosts
    log "node files ready in $(ms_since "$t") ms"
    t=${EPOCHREALTIME/./}
    make_node_networks
    log "networks ready in $(ms_since "$t") ms"
    for name in "${NODES[@]}"; do boot_node "$name"; done
    echo "$STATE_DIR" >"$OWNER_FILE"
    t=${EPOCHREALTIME/./}
    # Every sshd must answer; one real login then proves what all nodes share
    # (users, keys, sudoers: node-init.sh installs them before sshd starts).
    wait_for_nodes "$SSH_WAIT_SECONDS" || die "some nodes did not boot (see $STATE_DIR/nodes/*/boot.log)"
    wait_for_node "${NODES[0]}" "$SSH_WAIT_SECONDS" login || die "cannot log in to ${NODES[0]}"
    log "all ${#NODES[@]} sshd answer after $(ms_since "$t") ms (start: $(ms_since "$t0") ms)"
}

write_nodes_json() {
    local name nodes json=$STATE_DIR/nodes.json
    nodes=$(for name in "${NODES[@]}"; do printf '%s %s\n' "$name" "${ADDRESS[$name]}"; done |
        jq -Rnc '[inputs | split(" ") | {name: .[0], address: .[1], port: 22}]')
    # Secrets reach jq through its environment, not its command line.
    (
        umask 077
        OSL_PW1=$USER_PASSWORD OSL_PW2=$PWUSER_PASSWORD OSL_PP=$PASSPHRASE \
            jq -n --arg s "$STATE_DIR" --argjson in "$INSTANCE" --arg br "$BRIDGE" --arg gw "$GATEWAY" --argjson pl "$PREFIX_LENGTH" \
            --arg u "$LOGIN_USER" --arg pu "$PASSWORD_USER" --argjson nodes "$nodes" \
            --arg root "$ROOTFS" --arg osid "$(os_release_field ID)" --arg osver "$(os_release_field VERSION_ID)" '
            {stateDir: $s, instance: $in, bridge: $br, gateway: $gw, prefixLength: $pl,
             user: {name: $u, password: env.OSL_PW1},
             passwordUser: {name: $pu, password: env.OSL_PW2},
             keys: {ed25519: "\($s)/keys/id_ed25519", rsa: "\($s)/keys/id_rsa",
                    ed25519Encrypted: "\($s)/keys/id_ed25519_enc", passphrase: env.OSL_PP},
             knownHosts: "\($s)/known_hosts",
             rootfs: (if $root == "" then null else $root end), os: {id: $osid, versionId: $osver},
             nodes: $nodes}' >"$json.tmp"
    )
    chmod 600 "$json.tmp" && mv "$json.tmp" "$json"
}

# One lab per machine and instance: refuse to take over nodes another state
# dir started while they live; clear what is left of them when none does
# (the machine was restarted or restored from a snapshot); only under the lock.
check_owner() { # check_owner [clear]
    [[ -f $OWNER_FILE ]] || return 0
    local owner name
    owner=$(cat "$OWNER_FILE")
    [[ $owner != "$STATE_DIR" ]] || return 0
    if [[ -n $(live_nodes) ]]; then
        die "test nodes are already running from $owner; stop them with its stop-nodes.sh first"
    fi
    [[ ${1:-} == clear ]] || return 0
    log "clearing the remains of the lab $owner started (no node process is alive)"
    for name in $(running_nodes); do teardown_node "$name"; done
    detach_node_loops "$owner"
    remove_state_dir "$owner"
    rm -f "$OWNER_FILE"
}

main() {
    parse_args "$@"
    require_root
    check_state_dir
    mkdir -p "$STATE_DIR" && chmod 700 "$STATE_DIR"
    check_owner
    exec 9>"$LOCK_FILE"
    flock -w 300 9 || die "another start/stop holds $LOCK_FILE for 5 minutes; giving up"
    check_owner clear
    install_packages "${PACKAGES[@]}"
    load_or_make_secrets
    make_client_keys
    ensure_users
    make_login_files
    # Running nodes hold a built lab: give a busy machine's sshd time before deciding to start afresh.
    if lab_is_up && wait_for_nodes 30 2>/dev/null; then
        log "nodes already up: ${NODES[*]}"
    else
        log "starting ${#NODES[@]} nodes: ${NODES[*]}"
        start_lab
    fi
    write_nodes_json
    log "wrote $STATE_DIR/nodes.json"
    echo "$STATE_DIR/nodes.json"
}

main "$@"

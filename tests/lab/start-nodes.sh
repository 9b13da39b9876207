#!/bin/bash
# Start the test nodes: one network namespace per node on bridge oslbr0, each
# with its own PID/mount/UTS namespaces, private /etc, /run and /var state,
# and its own sshd. Writes .state/nodes.json and .state/known_hosts.
# Usage: start-nodes.sh [--nodes a,b,...] [--count N]     (as root)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

PACKAGES=(openssh-server sudo iproute2 tini)
SSH_WAIT_SECONDS=30

usage() {
    cat <<EOF
Usage: $0 [--nodes controller,network,...] [--count N]
  --nodes  nodes to start (default: ${DEFAULT_NODES[*]}); names: those six or nodeNN
  --count  also start node01..nodeNN (1-99), e.g. 30 for benchmarks
EOF
}

# --- arguments -------------------------------------------------------------

NODES=()
parse_args() {
    local list=${DEFAULT_NODES[*]} count=0
    list=${list// /,}
    while (($#)); do
        case $1 in
            --nodes) (($# >= 2)) || die "--nodes needs a value"; list=$2; shift 2 ;;
            --nodes=*) list=${1#*=}; shift ;;
            --count) (($# >= 2)) || die "--count needs a value"; count=$2; shift 2 ;;
            --count=*) count=${1#*=}; shift ;;
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
        node_address "$name" >/dev/null || die "unknown node name: '$name' (use ${DEFAULT_NODES[*]} or node01..node99)"
    done
    local dups
    dups=$(printf '%s\n' "${NODES[@]}" | sort | uniq -d)
    [[ -z $dups ]] || die "node listed twice: $dups"
}

# --- host preparation --------------------------------------------------------

# Overlay upper dirs must not live inside a directory the nodes overlay.
check_state_dir() {
    local d
    for d in "${OVERLAY_DIRS[@]}" "${PRIVATE_DIRS[@]}" /run; do
        [[ $STATE_DIR/ != "$d"/* ]] ||
            die "state dir $STATE_DIR is under $d, which nodes overlay; set OSL_LAB_STATE_DIR elsewhere"
    done
    [[ $(stat -f -c %T "$(dirname "$STATE_DIR")") != overlayfs ]] ||
        die "state dir $STATE_DIR is on overlayfs (overlay upper dirs cannot be); set OSL_LAB_STATE_DIR to a dir on a disk or tmpfs"
}

install_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    log "installing ${missing[*]}"
    # Keep package scripts from starting daemons on the host.
    local own_policy=
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        own_policy=1
    fi
    local apt=(apt-get -o DPkg::Lock::Timeout=900 install -y "${missing[@]}")
    if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" >&2; then
        apt-get -o DPkg::Lock::Timeout=900 update >&2 && DEBIAN_FRONTEND=noninteractive "${apt[@]}" >&2 ||
            { [[ -n $own_policy ]] && rm -f /usr/sbin/policy-rc.d; die "package install failed"; }
    fi
    [[ -z $own_policy ]] || rm -f /usr/sbin/policy-rc.d
}

random_secret() { # 24 letters and digits (no pipe closed early: pipefail)
    local s
    s=$(head -c 64 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9')
    echo "${s:0:24}"
}

# Secrets live only in nodes.json; reuse them while the state dir lives.
USER_PASSWORD= PWUSER_PASSWORD= PASSPHRASE=
load_or_make_secrets() {
    local json=$STATE_DIR/nodes.json
    if [[ -s $json ]]; then
        USER_PASSWORD=$(jq -r .user.password "$json")
        PWUSER_PASSWORD=$(jq -r .passwordUser.password "$json")
        PASSPHRASE=$(jq -r .keys.passphrase "$json")
    fi
    if [[ -z $USER_PASSWORD || -z $PWUSER_PASSWORD || -z $PASSPHRASE || ! -s $STATE_DIR/keys/id_ed25519_enc ]]; then
        USER_PASSWORD=$(random_secret) PWUSER_PASSWORD=$(random_secret) PASSPHRASE=$(random_secret)
        rm -rf "$STATE_DIR/keys"
    fi
}

# Client keys; the passphrase goes on stdin (no terminal: setsid), never argv.
make_client_keys() {
    local k=$STATE_DIR/keys
    [[ -s $k/id_ed25519_enc ]] && return 0
    mkdir -p "$k" && chmod 700 "$k"
    ssh-keygen -q -t ed25519 -N '' -C osl-lab-ed25519 -f "$k/id_ed25519"
    ssh-keygen -q -t rsa -b 3072 -N '' -C osl-lab-rsa -f "$k/id_rsa"
    printf '%s\n%s\n' "$PASSPHRASE" "$PASSPHRASE" |
        setsid -w ssh-keygen -q -t ed25519 -C osl-lab-ed25519-enc -f "$k/id_ed25519_enc" 2>/dev/null
    [[ -s $k/id_ed25519_enc ]] || die "could not create the encrypted client key"
}

# Login users live on the host so that every node's /etc and /home overlay
# sees them; their sudo rules exist only inside nodes (see node_files).
ensure_users() {
    local u
    for u in "$LOGIN_USER" "$PASSWORD_USER"; do
        id -u "$u" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$u"
        install -d -m 700 -o "$u" -g "$u" "/home/$u/.ssh"
        cat "$STATE_DIR"/keys/*.pub >"/home/$u/.ssh/authorized_keys"
        chown "$u:$u" "/home/$u/.ssh/authorized_keys" && chmod 600 "/home/$u/.ssh/authorized_keys"
        # Node-to-node ssh (e.g. controller -> storage1) uses the lab key.
        install -m 600 -o "$u" -g "$u" "$STATE_DIR/keys/id_ed25519" "/home/$u/.ssh/id_ed25519"
        install -m 644 -o "$u" -g "$u" "$STATE_DIR/keys/id_ed25519.pub" "/home/$u/.ssh/id_ed25519.pub"
    done
    # Users are machine-wide and another state dir's start may have set other
    # passwords since: always set ours (we own the lab now). chpasswd reads
    # stdin, so passwords never appear in a command line.
    printf '%s:%s\n%s:%s\n' "$LOGIN_USER" "$USER_PASSWORD" "$PASSWORD_USER" "$PWUSER_PASSWORD" | chpasswd
}

ensure_bridge() {
    ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge
    ip addr show dev "$BRIDGE" | grep -q "inet $GATEWAY/$PREFIX_LENGTH" ||
        ip addr add "$GATEWAY/$PREFIX_LENGTH" dev "$BRIDGE"
    ip link set "$BRIDGE" up
}

# --- per-node files ----------------------------------------------------------

hosts_file() {
    local name
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n\n# OpenStackLab test nodes\n'
    for name in "${NODES[@]}"; do printf '%s\t%s\n' "$(node_address "$name")" "$name"; done
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
ListenAddress $(node_address "$name"):22
HostKey $dir/ssh/ssh_host_ed25519_key
PidFile /run/sshd.pid
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

# Everything a node needs before it boots; node-init.sh copies files/ into /etc.
prepare_node() {
    local name=$1 dir
    dir=$(node_dir "$name")
    mkdir -p "$dir/ssh" "$dir/files" "$dir/overlay"
    ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$dir/ssh/ssh_host_ed25519_key"
    echo "$name" >"$dir/files/hostname"
    hosts_file >"$dir/files/hosts"
    # No DNS in the lab: no nameserver means 127.0.0.1, which fails at once.
    printf '# test node: names come from /etc/hosts\noptions timeout:1 attempts:1\n' >"$dir/files/resolv.conf"
    sudoers_file >"$dir/files/sudoers"
    sshd_config "$name" "$dir" >"$dir/sshd_config"
}

write_known_hosts() {
    local name kh=$STATE_DIR/known_hosts
    for name in "${NODES[@]}"; do
        printf '%s,%s %s\n' "$(node_address "$name")" "$name" \
            "$(cut -d' ' -f1,2 "$(node_dir "$name")/ssh/ssh_host_ed25519_key.pub")"
    done >"$kh.tmp"
    mv "$kh.tmp" "$kh"
    for name in "${NODES[@]}"; do cp "$kh" "$(node_dir "$name")/files/ssh_known_hosts"; done
}

# --- node lifecycle ----------------------------------------------------------

# Network namespace + veth on the bridge, then the node's own namespaces with
# node-init.sh as PID 1 (unshare --fork makes its child PID 1 of the new PID
# namespace; it stays attached to the netns, so `ip netns pids` finds it all).
boot_node() {
    local name=$1 ns veth addr dir
    ns=$(netns_name "$name") veth=$(veth_name "$name") addr=$(node_address "$name") dir=$(node_dir "$name")
    ip netns add "$ns"
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip link set "$veth" master "$BRIDGE" up
    ip -n "$ns" addr add "$addr/$PREFIX_LENGTH" dev eth0
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
    setsid ip netns exec "$ns" \
        unshare --mount --uts --pid --fork --mount-proc --propagation private \
        env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
        OSL_LAB_STATE_DIR="$STATE_DIR" "$LAB_DIR/node-init.sh" "$name" \
        </dev/null >"$dir/boot.log" 2>&1 9>&- &  # 9: the lock, not for nodes
}

ssh_to() { # ssh_to <address> <command>: as the login user with the lab key
    ssh -F /dev/null -n -o BatchMode=yes -o ConnectTimeout=3 -o IdentitiesOnly=yes \
        -o IdentityAgent=none -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null \
        -o UserKnownHostsFile="$STATE_DIR/known_hosts" -i "$STATE_DIR/keys/id_ed25519" \
        -l "$LOGIN_USER" "$1" "$2"
}

wait_for_node() { # wait_for_node <name> <seconds>
    local name=$1 addr deadline=$((SECONDS + $2))
    addr=$(node_address "$name")
    until ssh_to "$addr" true 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            log "node $name ($addr) does not answer ssh; boot log:"
            cat "$(node_dir "$name")/boot.log" >&2 || true
            return 1
        fi
        sleep 0.1
    done
}

wait_for_nodes() { # wait_for_nodes <seconds>
    local name pids=() rc=0 p
    for name in "${NODES[@]}"; do wait_for_node "$name" "$1" & pids+=($!); done
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    return $rc
}

# The lab this script would start is already up: same nodes, same owner.
lab_is_up() {
    [[ -f $OWNER_FILE && $(cat "$OWNER_FILE") == "$STATE_DIR" && -s $STATE_DIR/nodes.json ]] || return 1
    [[ $(running_nodes) == $(printf '%s\n' "${NODES[@]}" | sort) ]] || return 1
    local name
    for name in "${NODES[@]}"; do
        [[ -n $(ip netns pids "$(netns_name "$name")" 2>/dev/null) ]] || return 1
    done
}

start_lab() {
    local name
    for name in $(running_nodes); do teardown_node "$name"; done
    rm -rf "$STATE_DIR/nodes"
    ensure_bridge
    for name in "${NODES[@]}"; do prepare_node "$name" & done
    wait
    write_known_hosts
    for name in "${NODES[@]}"; do boot_node "$name"; done
    echo "$STATE_DIR" >"$OWNER_FILE"
}

write_nodes_json() {
    local name nodes=() json=$STATE_DIR/nodes.json
    for name in "${NODES[@]}"; do
        nodes+=("$(jq -nc --arg n "$name" --arg a "$(node_address "$name")" '{name:$n,address:$a,port:22}')")
    done
    # Secrets reach jq through its environment, not its command line.
    (
        umask 077
        OSL_PW1=$USER_PASSWORD OSL_PW2=$PWUSER_PASSWORD OSL_PP=$PASSPHRASE \
            jq -n --arg s "$STATE_DIR" --arg br "$BRIDGE" --arg gw "$GATEWAY" --argjson pl "$PREFIX_LENGTH" \
            --arg u "$LOGIN_USER" --arg pu "$PASSWORD_USER" --argjson nodes "[$(IFS=,; echo "${nodes[*]}")]" '
            {stateDir: $s, bridge: $br, gateway: $gw, prefixLength: $pl,
             user: {name: $u, password: env.OSL_PW1},
             passwordUser: {name: $pu, password: env.OSL_PW2},
             keys: {ed25519: "\($s)/keys/id_ed25519", rsa: "\($s)/keys/id_rsa",
                    ed25519Encrypted: "\($s)/keys/id_ed25519_enc", passphrase: env.OSL_PP},
             knownHosts: "\($s)/known_hosts",
             nodes: $nodes}' >"$json.tmp"
    )
    chmod 600 "$json.tmp" && mv "$json.tmp" "$json"
}

# One lab per machine: refuse to take over nodes another state dir started.
check_owner() {
    if [[ -f $OWNER_FILE && $(cat "$OWNER_FILE") != "$STATE_DIR" && -n $(running_nodes) ]]; then
        die "test nodes are already running from $(cat "$OWNER_FILE"); stop them with its stop-nodes.sh first"
    fi
}

main() {
    parse_args "$@"
    require_root
    check_state_dir
    mkdir -p "$STATE_DIR" && chmod 700 "$STATE_DIR"
    check_owner
    exec 9>"$LOCK_FILE"
    flock -w 300 9 || die "another start/stop holds $LOCK_FILE for 5 minutes; giving up"
    check_owner
    install_packages
    load_or_make_secrets
    make_client_keys
    ensure_users
    local started=$SECONDS
    if lab_is_up && wait_for_nodes 3 2>/dev/null; then
        log "nodes already up: ${NODES[*]}"
    else
        log "starting ${#NODES[@]} nodes: ${NODES[*]}"
        start_lab
        wait_for_nodes "$SSH_WAIT_SECONDS" || die "some nodes did not come up (see $STATE_DIR/nodes/*/boot.log)"
        log "all ${#NODES[@]} nodes answer ssh after $((SECONDS - started))s"
    fi
    write_nodes_json
    log "wrote $STATE_DIR/nodes.json"
}

main "$@"

#!/bin/bash
# Self-test of the test-node harness: starts nodes, checks login, sudo, names,
# isolation between nodes, services in two nodes at once, idempotence, then
# stops everything and checks nothing is left. Exits non-zero on any failure.
# Usage: selftest.sh [--count N] [--keep]   (as root; N extra nodes, default 2;
#        --keep leaves the nodes up at the end instead of the stop checks)
# Note: the lab is one per machine; this restarts it and (without --keep) stops it.
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

COUNT=2 KEEP=
while (($#)); do
    case $1 in
        --count) COUNT=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        *) die "unknown argument: $1" ;;
    esac
done
require_root
install_packages memcached  # the service run in two nodes at once

FAILED=0 PASSED=0
TMP=$(mktemp -d) && chmod 700 "$TMP"
trap 'rm -rf "$TMP"' EXIT

ok() { echo "ok - $1"; PASSED=$((PASSED + 1)); : >"$TMP/ssh.err"; }
not_ok() { # the last ssh's error output helps when CI fails
    echo "not ok - $1${2:+ ($2)}"
    [[ ! -s $TMP/ssh.err ]] || sed 's/^/#   /' "$TMP/ssh.err" | tail -5
    FAILED=$((FAILED + 1))
    : >"$TMP/ssh.err"
}
# check <name> <command...>: passes when the command succeeds.
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
# check_eq <name> <expected> <actual>
check_eq() { if [[ $2 == "$3" ]]; then ok "$1"; else not_ok "$1" "expected '$2', got '$3'"; fi; }
fails() { ! "$@"; }
none_exist() { local f; for f; do [[ ! -e $f ]] || return 1; done; }

KH=$STATE_DIR/known_hosts
KEY=$STATE_DIR/keys/id_ed25519
SSH_OPTS=(-F /dev/null -o ConnectTimeout=5 -o IdentitiesOnly=yes -o IdentityAgent=none
    -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null -o UserKnownHostsFile="$KH")
# on <user> <address> <command>: key login, stdin closed.
on() { ssh "${SSH_OPTS[@]}" -n -o BatchMode=yes -i "$KEY" -l "$1" "$2" "$3" 2>"$TMP/ssh.err"; }
# with_stdin <input> <user> <address> <command>: like `on`, the input on stdin.
with_stdin() {
    printf '%s\n' "$1" | ssh "${SSH_OPTS[@]}" -T -o BatchMode=yes -i "$KEY" -l "$2" "$3" "$4" 2>"$TMP/ssh.err"
}
# Logins that need a secret (password, key passphrase) take it from an
# askpass helper reading a 0600 file: never on a command line.
with_askpass() { # with_askpass <secret> <ssh args...>
    printf '%s\n' "$1" >"$TMP/secret" && chmod 600 "$TMP/secret"
    printf '#!/bin/sh\ncat %q\n' "$TMP/secret" >"$TMP/askpass" && chmod 700 "$TMP/askpass"
    shift
    SSH_ASKPASS=$TMP/askpass SSH_ASKPASS_REQUIRE=force DISPLAY=none setsid -w \
        ssh "${SSH_OPTS[@]}" -n -o NumberOfPasswordPrompts=1 "$@" 2>"$TMP/ssh.err"
}
start_to() { "$LAB_DIR/start-nodes.sh" --count "$COUNT" >"$1" 2>&1; }
C=$(node_address controller) NET=$(node_address network) CMP=$(node_address compute)
S1=$(node_address storage1) S2=$(node_address storage2) S3=$(node_address storage3) N01=$(node_address node01)
json() { jq -r "$1" "$STATE_DIR/nodes.json"; }
addr() { node_address "$1"; }

test_bad_input() {
    local before after
    before=$(ip netns list | sort)
    # shellcheck disable=SC2016  # a hostile name, literally
    if "$LAB_DIR/start-nodes.sh" --nodes 'controller,bad;$(touch /tmp/x)' >"$TMP/bad.out" 2>&1; then
        not_ok "start rejects a bad node name"
    else
        after=$(ip netns list | sort)
        check "start rejects a bad node name before touching anything" [ "$before" == "$after" ]
        check "the error names the bad node" grep -q "unknown node name" "$TMP/bad.out"
    fi
    check "start rejects a bad --count" fails "$LAB_DIR/start-nodes.sh" --count x 2>/dev/null
}

test_start() {
    local started=$SECONDS
    if ! start_to "$TMP/start.out"; then
        not_ok "start-nodes.sh --count $COUNT succeeds"
        sed 's/^/#   /' "$TMP/start.out" | tail -20
        return 1
    fi
    ok "start-nodes.sh --count $COUNT succeeds"
    echo "# start took $((SECONDS - started))s"
    check_eq "nodes.json is mode 0600" 600 "$(stat -c %a "$STATE_DIR/nodes.json")"
    check_eq "nodes.json lists 6+$COUNT nodes" $((6 + COUNT)) "$(json '.nodes | length')"
    check_eq "nodes.json has storage2 at .51" "$S2" "$(json '.nodes[] | select(.name=="storage2") | .address')"
    local secret leaked=
    for secret in "$(json .user.password)" "$(json .passwordUser.password)" "$(json .keys.passphrase)"; do
        grep -qF -- "$secret" "$TMP/start.out" && leaked=1
    done
    check "start prints no secret" [ -z "$leaked" ]
}

test_login() {
    local c=$C out
    out=$(on osl "$c" 'hostname; sudo -n id -u; getent hosts storage2; cat /etc/hostname')
    check_eq "controller: hostname, sudo -n, /etc/hosts, /etc/hostname" \
        "controller|0|$S2     storage2|controller" "$(tr '\n' '|' <<<"$out" | sed 's/|$//')"
    check_eq "getent ahostsv4 answers from /etc/hosts" "$S3" \
        "$(on osl "$c" 'timeout 2 getent ahostsv4 storage3' | awk 'NR==1{print $1}')"
    check_eq "unknown names fail at once (no DNS to wait for)" 2 "$(on osl "$c" 'timeout 3 getent hosts no-such-host; echo $?')"
    check "the node's /etc/passwd still follows the host's (not copied up)" \
        [ ! -e "$STATE_DIR/nodes/controller/overlay/_etc.upper/passwd" ]
    check_eq "extra node node01 answers at .101" node01 "$(on osl "$N01" hostname)"
    check_eq "RSA key logs in" network "$(ssh "${SSH_OPTS[@]}" -o BatchMode=yes -i "$STATE_DIR/keys/id_rsa" osl@"$NET" hostname 2>/dev/null)"
    check_eq "encrypted key logs in with its passphrase" compute \
        "$(with_askpass "$(json .keys.passphrase)" -o PubkeyAuthentication=yes -o PasswordAuthentication=no \
            -o KbdInteractiveAuthentication=no -i "$STATE_DIR/keys/id_ed25519_enc" osl@"$CMP" hostname)"
    check_eq "osl logs in with its password" storage1 \
        "$(with_askpass "$(json .user.password)" -o PubkeyAuthentication=no osl@"$S1" hostname)"
    check_eq "oslpw logs in with its password" storage2 \
        "$(with_askpass "$(json .passwordUser.password)" -o PubkeyAuthentication=no oslpw@"$S2" hostname)"
    check "a wrong password is refused" fails with_askpass wrong -o PubkeyAuthentication=no osl@"$S1" true
    # shellcheck disable=SC2016  # expanded on the node
    check_eq "root's ~/.bashrc is not involved (no pyenv in the login)" "unset|/home/osl|unset" \
        "$(on osl "$c" 'echo "${PYENV_ROOT-unset}|$HOME|$(sudo -n sh -c "echo \${PYENV_ROOT-unset}")"')"
}

test_sudo_password() {
    local c=$C pw
    pw=$(json .passwordUser.password)
    check "oslpw: sudo -n fails without a password" fails on oslpw "$c" 'sudo -n true'
    check_eq "oslpw: sudo -S with the wrong password fails" fail \
        "$(with_stdin wrong oslpw "$c" 'sudo -S -p "" id -u 2>/dev/null || echo fail')"
    check_eq "oslpw: sudo -S with its password works" 0 "$(with_stdin "$pw" oslpw "$c" 'sudo -S -p "" id -u')"
}

test_isolation() {
    local c=$C n=$NET f=osl-selftest-$$
    on osl "$c" "echo x | sudo tee /etc/$f /var/lib/$f /root/$f /srv/$f /tmp/$f >/dev/null"
    check_eq "files written on controller are there" yes \
        "$(on osl "$c" "sudo test -e /etc/$f -a -e /var/lib/$f -a -e /root/$f -a -e /srv/$f -a -e /tmp/$f && echo yes")"
    check_eq "network does not see controller's files" none \
        "$(on osl "$n" "sudo sh -c 'ls /etc/$f /var/lib/$f /root/$f /srv/$f /tmp/$f 2>/dev/null' || echo none")"
    check "the host does not see controller's files" none_exist /etc/$f /var/lib/$f /root/$f /srv/$f /tmp/$f
    check_eq "dpkg on a node sees host packages" "install ok installed" \
        "$(on osl "$n" "dpkg-query -W -f='\${Status}' openssh-server")"
    check_eq "PID 1 of a node is tini" tini "$(on osl "$n" 'ps -o comm= -p 1')"
    local count
    count=$(on osl "$n" 'ps -e --no-headers | wc -l')
    check "a node sees only its own processes ($count)" [ "$count" -lt 20 ]
}

test_node_to_node() {
    check_eq "controller -> storage1 by name (node-to-node ssh)" storage1 \
        "$(on osl "$C" 'ssh -o BatchMode=yes -n storage1 hostname')"
}

test_services() {
    local s1=$S1 s2=$S2 p1 p2 pidfile=/run/memcached.pid
    on osl "$s1" 'sudo service memcached start' >/dev/null
    on osl "$s2" 'sudo service memcached start' >/dev/null
    p1=$(on osl "$s1" "cat $pidfile") p2=$(on osl "$s2" "cat $pidfile")
    check "memcached runs on storage1 and storage2 with the same pid file" [ -n "$p1" -a -n "$p2" ]
    check_eq "storage1's memcached is alive in its node" memcached "$(on osl "$s1" "ps -o comm= -p '$p1'")"
    on osl "$s1" 'sudo service memcached stop' >/dev/null
    check_eq "stopping it on storage1 leaves storage2's running" memcached "$(on osl "$s2" "ps -o comm= -p '$p2'")"
    check_eq "storage1's memcached is gone" "" "$(on osl "$s1" 'pgrep -x memcached')"
    on osl "$s2" 'sudo service memcached stop' >/dev/null
}

test_idempotent() {
    local kh_before init_before
    kh_before=$(md5sum <"$KH")
    init_before=$(ip netns pids "$(netns_name controller)" | sort | head -1)
    check "a second start succeeds" start_to "$TMP/start2.out"
    check "it says the nodes are already up" grep -q "already up" "$TMP/start2.out"
    check_eq "known_hosts unchanged" "$kh_before" "$(md5sum <"$KH")"
    check_eq "controller kept running" "$init_before" "$(ip netns pids "$(netns_name controller)" | sort | head -1)"
}

test_stop() {
    check "stop-nodes.sh succeeds" "$LAB_DIR/stop-nodes.sh" 2>/dev/null
    check_eq "no lab netns left" "" "$(ip netns list | grep "^$NS_PREFIX")"
    check_eq "no lab links left" "" "$(ip -o link | grep -E ": ($NS_PREFIX|$BRIDGE)")"
    check_eq "no mounts under the state dir" "" "$(grep -F "$STATE_DIR" /proc/mounts)"
    check_eq "no node processes left" "" "$(pgrep -f "$STATE_DIR(/| |$)")"
    check "state dir removed" [ ! -e "$STATE_DIR" ]
    check "a second stop succeeds" "$LAB_DIR/stop-nodes.sh" 2>/dev/null
}

# A clone anywhere: the harness copied under /tmp (which every node replaces
# with its own) starts a node with its default state dir (under STATE_ROOT,
# found again through the path start-nodes.sh prints), and stops it; a state
# dir under /tmp is refused before anything starts.
test_clone_anywhere() {
    local clone=$TMP/clone/tests/lab out json st
    mkdir -p "$clone" && cp "$LAB_DIR"/{lib.sh,start-nodes.sh,stop-nodes.sh,node-init.sh} "$clone/"
    if OSL_LAB_STATE_DIR=$TMP/state "$clone/start-nodes.sh" --nodes controller >"$TMP/clone.out" 2>&1; then
        not_ok "a state dir under /tmp is refused"
    else
        check "a state dir under /tmp is refused, naming /tmp" grep -q "is under /tmp, which every node replaces" "$TMP/clone.out"
        check "nothing started for it" [ -z "$(running_nodes)" ]
    fi
    if ! json=$(env -u OSL_LAB_STATE_DIR "$clone/start-nodes.sh" --nodes controller 2>"$TMP/clone.err"); then
        not_ok "a clone under /tmp starts a node" "$(tail -3 "$TMP/clone.err")"
        return
    fi
    ok "a clone under /tmp starts a node"
    st=$(dirname "$json")
    check "its state dir is under $STATE_ROOT" [ "${st#"$STATE_ROOT"/lab"$INSTANCE"-}" != "$st" ]
    check_eq "nodes.json names that state dir" "$st" "$(jq -r .stateDir "$json")"
    check_eq "the owner file names it too" "$st" "$(cat "$OWNER_FILE")"
    out=$(ssh -F /dev/null -o ConnectTimeout=5 -o IdentitiesOnly=yes -o IdentityAgent=none -o StrictHostKeyChecking=yes \
        -o GlobalKnownHostsFile=/dev/null -o UserKnownHostsFile="$st/known_hosts" -n -o BatchMode=yes -i "$st/keys/id_ed25519" \
        -l "$LOGIN_USER" "$C" 'sudo -n hostname' 2>"$TMP/ssh.err")
    check_eq "its node logs in with its keys" controller "$out"
    check "its stop-nodes.sh succeeds" env -u OSL_LAB_STATE_DIR "$clone/stop-nodes.sh" 2>/dev/null
    check "its state dir removed" [ ! -e "$st" ]
}

test_bad_input
if test_start; then  # the rest needs running nodes
    test_login
    test_sudo_password
    test_isolation
    test_node_to_node
    test_services
    test_idempotent
fi
[[ -n $KEEP ]] || { test_stop; test_clone_anywhere; }
echo "# $PASSED passed, $FAILED failed"
((FAILED == 0))

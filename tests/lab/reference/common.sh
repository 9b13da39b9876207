# Shared helpers of the Debian 12 (Zed) reference scripts (sourced, not run).
# They run the document's chapters on the test nodes from the host: ssh as the
# harness's login user with its key and known_hosts, then sudo on the node.
# Secrets go to the node on stdin only (never in a command line), and live on
# the host in $STATE_DIR/reference.secrets (0600), so a rerun reuses them.
# shellcheck shell=bash
set -euo pipefail

REF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The lab of instance OSL_LAB_INSTANCE (0 = the shared one, 1-9 = private
# ones, see tests/lab/README.md) that runs now, whoever started it, unless
# OSL_LAB_STATE_DIR names a state dir.
# shellcheck source=../lib.sh
source "$REF_DIR/../lib.sh"
STATE_DIR=$(running_state_dir)
NODES_JSON=$STATE_DIR/nodes.json
SECRETS=$STATE_DIR/reference.secrets

die() { echo "ERROR: $*" >&2; exit 1; }
log() { printf '[%s %5.1fs] %s\n' "${CHAPTER:-ref}" "$(elapsed)" "$*" >&2; }
START_NS=$(date +%s%N)
elapsed() { echo "scale=1; ($(date +%s%N) - $START_NS) / 1000000000" | bc; }

[[ -r $NODES_JSON ]] || die "no $NODES_JSON: start the lab (tests/lab/start-nodes.sh) and run as root"
LOGIN_USER=$(jq -r .user.name "$NODES_JSON")
KEY=$(jq -r .keys.ed25519 "$NODES_JSON")
KNOWN_HOSTS=$(jq -r .knownHosts "$NODES_JSON")

addr() { # addr <node>: its address from nodes.json
    local a
    a=$(jq -r --arg n "$1" '.nodes[] | select(.name == $n) | .address' "$NODES_JSON")
    [[ -n $a ]] || die "node $1 is not in $NODES_JSON"
    echo "$a"
}

SSH_OPTS=(-F /dev/null -o BatchMode=yes -o ConnectTimeout=5 -o IdentitiesOnly=yes -o IdentityAgent=none
    -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null -o UserKnownHostsFile="$KNOWN_HOSTS"
    -o LogLevel=ERROR -i "$KEY")

# on <node> <bash script>: run the script as root on the node; stdin is passed
# on (secrets travel that way). The script reaches the node as one quoted word.
on() {
    local node=$1 script=$2
    ssh "${SSH_OPTS[@]}" -l "$LOGIN_USER" "$(addr "$node")" "sudo -n bash -c $(printf '%q' "$script")"
}
# on_nostdin: same, with stdin closed (for loops that read their own stdin).
on_nostdin() { on "$@" </dev/null; }

# Lab secrets: generated once, URL- and ini-safe ([A-Za-z0-9]) because Zed's
# keystone-manage and PasteDeploy choke on '%' in config values (see the doc).
secret() { # secret <name>: print the secret, creating it on first use
    local name=$1 v
    [[ -f $SECRETS ]] || (umask 077 && : >"$SECRETS")
    v=$(awk -F= -v k="$name" '$1 == k {print substr($0, length(k) + 2)}' "$SECRETS")
    if [[ -z $v ]]; then
        v=$(head -c 64 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9') # no early-closed pipe (pipefail)
        v=${v:0:20}
        printf '%s=%s\n' "$name" "$v" >>"$SECRETS"
    fi
    printf '%s' "$v"
}

# The admin password may hold anything but a newline (it only travels on
# stdin and into a single-quoted openrc): default is a hostile one on purpose.
admin_password() {
    local v
    v=$(awk -F= '$1 == "ADMIN_PASS" {print substr($0, 12)}' "$SECRETS" 2>/dev/null || true)
    if [[ -z $v ]]; then
        v="Adm'in\"\$(id)\`x\`;한 $(secret ADMIN_SEED)"
        printf 'ADMIN_PASS=%s\n' "$v" >>"$SECRETS"
    fi
    printf '%s' "$v"
}

step() { log "$*"; }
# secret_line <name>: the secret plus a newline, for `IFS= read -r` on the node.
secret_line() { printf '%s\n' "$(secret "$1")"; }
# as_user <node> <bash script>: like on, but as the login user (no sudo).
as_user() {
    local node=$1 script=$2
    ssh "${SSH_OPTS[@]}" -l "$LOGIN_USER" "$(addr "$node")" "bash -c $(printf '%q' "$script")"
}

#!/bin/bash
# A private test lab next to the shared one. The harness allows one lab per
# machine (global bridge, addresses, netns names, /run lock and owner files,
# and the login users' keys and passwords on the host). This runs the same
# harness inside a "bubble": its own network namespace and mount namespace
# with a private /run and private overlays of /etc and /home, so its bridge,
# nodes, lock, users' keys and passwords never touch the host or another lab.
# The bubble is a sleeping process; its PID is kept in $BUBBLE_DIR/pid.
# Usage (as root):
#   private-lab.sh start [start-nodes.sh args]   start the bubble and the nodes
#   private-lab.sh run <command...>              run a command inside (absolute paths)
#   private-lab.sh stop                          stop the nodes, then the bubble
# Example: private-lab.sh run "$PWD/tests/lab/reference/base.sh"
set -euo pipefail
LAB_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUBBLE_DIR=${OSL_BUBBLE_DIR:-/var/tmp/osl-private-lab}

die() { echo "ERROR: $*" >&2; exit 1; }
[[ $EUID -eq 0 ]] || die "run as root"

bubble_pid() {
    local p
    p=$(cat "$BUBBLE_DIR/pid" 2>/dev/null) || return 1
    [[ $(cat "/proc/$p/comm" 2>/dev/null) == sleep ]] || return 1
    echo "$p"
}

run_inside() { nsenter -t "$(bubble_pid)" --net --mount --wd="$PWD" "$@"; }

start_bubble() {
    bubble_pid >/dev/null && return 0
    mkdir -p "$BUBBLE_DIR"
    rm -f "$BUBBLE_DIR/pid"
    # shellcheck disable=SC2016
    setsid unshare --net --mount --propagation private bash -c '
        set -e
        B=$1
        mount --make-rprivate /
        mount -t tmpfs -o mode=0755 tmpfs /run
        mkdir -p /run/lock /run/sshd
        for d in /etc /home; do
            k=${d//\//_}; rm -rf "$B/$k.u" "$B/$k.w"; mkdir -p "$B/$k.u" "$B/$k.w"
            mount -t overlay osl-bubble -o "lowerdir=$d,upperdir=$B/$k.u,workdir=$B/$k.w" "$d"
        done
        ip link set lo up
        echo $$ >"$B/pid"
        exec sleep infinity' bash "$BUBBLE_DIR" </dev/null >"$BUBBLE_DIR/bubble.log" 2>&1 &
    local i
    for i in $(seq 50); do bubble_pid >/dev/null && return 0; sleep 0.1; done
    die "bubble did not start: $(cat "$BUBBLE_DIR/bubble.log")"
}

case ${1:-} in
    start) shift; start_bubble; run_inside "$LAB_DIR/start-nodes.sh" "$@" ;;
    run) shift; bubble_pid >/dev/null || die "no private lab (start it first)"; run_inside "$@" ;;
    stop)
        if p=$(bubble_pid); then
            run_inside "$LAB_DIR/stop-nodes.sh" || true
            kill "$p"
        fi
        rm -rf "$BUBBLE_DIR" ;;
    *) sed -n '2,14p' "$0"; exit 2 ;;
esac

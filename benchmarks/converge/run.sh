#!/bin/bash
# The "converge" benchmark (scenario: benchmarks/converge/scenario/README.md): 30 config keys over 3 pristine
# config files plus 10 checks per node, first run and no-change re-run, on N test nodes, for:
#   floor    ssh node true, all nodes in parallel
#   ours     the plan runner (benchmarks/converge/Converge: connect, run the plan, disconnect), a fresh process
#            each run, ReadyToRun like the published module
#   ours-warm the same after an untimed check-mode pass in the same process (a PowerShell session that has
#            already run a chapter: no JIT left to pay)
#   cmdlets  the cmdlets as a user writes them (cmdlets.ps1: New-OsSession, a plan built in PowerShell,
#            Invoke-OsPlan, Remove-OsSession) in one PowerShell session that imported the module and ran it once
#   cmdlets-fresh  the same, a fresh `dotnet pwsh` process per run (start and Import-Module included)
#   pwsh-start     reference: a fresh `dotnet pwsh -NoProfile -Command exit` (what cmdlets-fresh pays before work)
#   ssh-crudini one ssh per node: one sudo sh running 3 `crudini --merge` (one per file) and the 10 checks
#   pssh     parallel-ssh, one call per crudini --set and per check
#   ansible  ansible-core, community.general.ini_file + command, forks = nodes, pipelining, fresh connections
# Prints one table of medians and ratios to the floor. Nodes come from the harness (tests/lab/start-nodes.sh).
#
# Usage: benchmarks/converge/run.sh [--counts "6 30"] [--reps 5] [--anchor-reps 3] [--tools "floor ours ... ansible"]
#        benchmarks/converge/run.sh --reset N     (only: the first N nodes back to the pristine files; cmdlets.ps1 calls it)
# Env:   NODES_JSON (default: the running test lab's, found as tests/lab/lib.sh finds it), SCENARIO (default benchmarks/converge/scenario)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
if [[ -z ${NODES_JSON:-} ]]; then
    # shellcheck source=../../tests/lab/lib.sh
    NODES_JSON=$(source "$REPO/tests/lab/lib.sh" && echo "$(running_state_dir)/nodes.json")
fi
SCENARIO=${SCENARIO:-$HERE/scenario}
CACHE=${CACHE:-/var/tmp/osl-converge}
COUNTS="6 30" REPS=5 ANCHOR_REPS=3 TOOLS="floor ours ours-warm cmdlets cmdlets-fresh pwsh-start ssh-crudini pssh ansible" RESET=
while (($#)); do
    case $1 in
        --counts) COUNTS=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        --anchor-reps) ANCHOR_REPS=$2; shift 2 ;;
        --tools) TOOLS=$2; shift 2 ;;
        --reset) RESET=$2; shift 2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
[[ -r $NODES_JSON ]] || { echo "no $NODES_JSON: start nodes with tests/lab/start-nodes.sh --count 30" >&2; exit 1; }
LOGIN=$(jq -r .user.name "$NODES_JSON")
KEY=$(jq -r .keys.ed25519 "$NODES_JSON")
KNOWN=$(jq -r .knownHosts "$NODES_JSON")
SSH=(ssh -F /dev/null -i "$KEY" -o UserKnownHostsFile="$KNOWN" -o StrictHostKeyChecking=yes -o BatchMode=yes -o ControlMaster=no -o ControlPath=none)
mkdir -p "$CACHE"

# --- the pristine files, from the Debian packages as they ship ---------------------------------------
pristine() {
    [[ -s $CACHE/pristine.tar ]] && return 0
    local d=$CACHE/pkgs
    rm -rf "$d" && mkdir -p "$d/x" && (cd "$d" && apt-get download keystone=2:22.0.2-0+deb12u6 glance-common=2:25.1.0-2+deb12u5 nova-common=2:26.2.2-1~deb12u5 >&2)
    for deb in "$d"/*.deb; do dpkg-deb -x "$deb" "$d/x"; done
    mkdir -p "$d/tree/etc/keystone" "$d/tree/etc/glance" "$d/tree/etc/nova"
    cp "$d/x/usr/share/keystone/keystone.conf" "$d/tree/etc/keystone/"
    cp "$d/x/usr/share/glance-common/glance-api.conf" "$d/tree/etc/glance/"
    cp "$d/x/usr/share/nova-common/nova.conf" "$d/tree/etc/nova/"
    tar -C "$d/tree" --owner=root --group=root -cf "$CACHE/pristine.tar" etc
}

nodes() { jq -r ".nodes[:$1][] | \"\(.name) \(.address)\"" "$NODES_JSON"; }

# Every node back to root-owned pristine copies under /srv/osl (not timed).
reset_nodes() {
    local name addr
    while read -r name addr; do
        "${SSH[@]}" "$LOGIN@$addr" 'sudo sh -c "rm -rf /srv/osl/etc && mkdir -p /srv/osl && tar -x --no-same-owner -C /srv/osl"' <"$CACHE/pristine.tar" &
    done < <(nodes "$1")
    wait
}

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }

# --- the tools ----------------------------------------------------------------------------------------
run_floor() {
    local t name addr; t=$(now)
    while read -r name addr; do "${SSH[@]}" "$LOGIN@$addr" true & done < <(nodes "$1")
    wait; elapsed "$t"
}

CONVERGE=$HERE/Converge/bin/publish/Converge.dll
run_ours() {
    local out; out=$(dotnet "$CONVERGE" "$NODES_JSON" "$SCENARIO/edits.tsv" "$SCENARIO/checks.txt" "$1" ${2:-})
    echo "$out" >>"$CACHE/ours.log"
    jq -r .seconds <<<"$out"
}
run_ours-warm() { run_ours "$1" --warm; }

MODULE=${OSL_MODULE_PATH:-$REPO/out/OpenStackLab}
# `dotnet pwsh` from the repo (its tool manifest pins PowerShell), as build.ps1 and the tests run it.
pwsh_() { (cd "$REPO" && dotnet pwsh -NoProfile "$@"); }
CMDLETS=(-File "$HERE/cmdlets.ps1" -ModulePath "$MODULE" -NodesJson "$NODES_JSON" -Scenario "$SCENARIO")
run_cmdlets-fresh() {
    local t out; t=$(now)
    out=$(pwsh_ "${CMDLETS[@]}" -Mode Once -Count "$1")
    elapsed "$t"
    echo "fresh $1 $out" >>"$CACHE/cmdlets.log"
}
run_pwsh-start() { local t; t=$(now); pwsh_ -Command exit; elapsed "$t"; }
# The warm session runs its own reps (reset, first, re-run) and prints one JSON line per rep; prints "first rerun" medians.
measure_cmdlets() {
    local out; out=$(pwsh_ "${CMDLETS[@]}" -Mode Warm -Count "$1" -Reps "$2" -ResetCommand "$HERE/run.sh --reset $1")
    echo "$out" | sed "s/^/warm $1 /" >>"$CACHE/cmdlets.log"
    printf '%s %s\n' "$(jq -r .first.seconds <<<"$out" | median)" "$(jq -r .rerun.seconds <<<"$out" | median)"
}

# One ssh per node, one sudo: a script with one `crudini --merge` per file (its keys on a here-document) and the checks.
merge_script() {
    local file section key value
    {
        echo 'set -e'
        while read -r file; do
            echo "crudini --merge /srv/osl/$file <<'OSL_EOF'"
            awk -F'\t' -v f="$file" '$1 == f { if ($2 != s) { print "[" $2 "]"; s = $2 } print $3 " = " $4 }' <(grep -v '^#' "$SCENARIO/edits.tsv")
            echo 'OSL_EOF'
        done < <(grep -v '^#' "$SCENARIO/edits.tsv" | cut -f1 | uniq)
        grep -v -e '^#' -e '^$' "$SCENARIO/checks.txt" | sed 's|$| >/dev/null|'
    } >"$CACHE/merge.sh"
}
run_ssh-crudini() {
    local t name addr; merge_script; t=$(now)
    while read -r name addr; do "${SSH[@]}" "$LOGIN@$addr" 'sudo sh' <"$CACHE/merge.sh" & done < <(nodes "$1")
    wait; elapsed "$t"
}

run_pssh() {
    local t hosts=$CACHE/hosts.$1 file section key value check
    nodes "$1" | awk -v u="$LOGIN" '{print u "@" $2}' >"$hosts"
    local P=(parallel-ssh -h "$hosts" -p "$1" -t 0 -x "-F /dev/null -i $KEY" -O UserKnownHostsFile="$KNOWN" -O StrictHostKeyChecking=yes -O BatchMode=yes)
    t=$(now)
    while IFS=$'\t' read -r file section key value; do
        [[ $file == \#* || -z $file ]] && continue
        "${P[@]}" "sudo crudini --set /srv/osl/$file $section $key '$value'" >/dev/null
    done <"$SCENARIO/edits.tsv"
    while read -r check; do
        [[ $check == \#* || -z $check ]] && continue
        "${P[@]}" "sudo $check" >/dev/null
    done <"$SCENARIO/checks.txt"
    elapsed "$t"
}

ansible_files() {
    local n=$1 dir=$CACHE/ansible.$1
    mkdir -p "$dir"
    nodes "$n" | awk -v u="$LOGIN" '{print $1 " ansible_host=" $2 " ansible_user=" u}' >"$dir/inventory"
    cat >"$dir/ansible.cfg" <<CFG
[defaults]
inventory = $dir/inventory
forks = $n
host_key_checking = True
interpreter_python = /usr/bin/python3
timeout = 60
stdout_callback = minimal
[ssh_connection]
pipelining = True
ssh_args = -F /dev/null -i $KEY -o UserKnownHostsFile=$KNOWN -o ControlMaster=no -o ControlPersist=no
CFG
    {
        echo "- hosts: all"
        echo "  gather_facts: false"
        echo "  become: true"
        echo "  tasks:"
        echo "    - name: settings"
        echo "      community.general.ini_file: {path: '/srv/osl/{{ item.0 }}', section: '{{ item.1 }}', option: '{{ item.2 }}', value: '{{ item.3 }}'}"
        echo "      loop:"
        grep -v '^#' "$SCENARIO/edits.tsv" | awk -F'\t' 'NF == 4 { printf "        - [\"%s\", \"%s\", \"%s\", \"%s\"]\n", $1, $2, $3, $4 }'
        local i=0
        while read -r check; do
            [[ $check == \#* || -z $check ]] && continue
            i=$((i + 1))
            echo "    - {name: check $i, ansible.builtin.command: \"$check\", changed_when: false}"
        done <"$SCENARIO/checks.txt"
    } >"$dir/converge.yml"
}

run_ansible() {
    local t dir=$CACHE/ansible.$1
    ansible_files "$1"   # always anew: the key and known_hosts paths belong to the running lab
    t=$(now)
    ANSIBLE_CONFIG=$dir/ansible.cfg ansible-playbook "$dir/converge.yml" >"$CACHE/ansible.$1.log" 2>&1 || { tail -20 "$CACHE/ansible.$1.log" >&2; return 1; }
    elapsed "$t"
}

median() { sort -n | awk '{a[NR] = $1} END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# measure TOOL COUNT REPS: warm-up, then REPS times (first run after a reset, then the re-run); prints "first rerun"
measure() {
    local tool=$1 n=$2 reps=$3 i firsts=() reruns=()
    [[ $tool == cmdlets ]] && { measure_cmdlets "$n" "$reps"; return; }
    # warm-up (skipped for a single anchor run: an Ansible run on 30 nodes takes minutes)
    ((reps == 1)) && [[ $tool == pssh || $tool == ansible ]] || { reset_nodes "$n"; "run_$tool" "$n" >/dev/null; }
    for ((i = 0; i < reps; i++)); do
        reset_nodes "$n"
        firsts+=("$("run_$tool" "$n")")
        [[ $tool == floor || $tool == pwsh-start ]] || reruns+=("$("run_$tool" "$n")")
    done
    printf '%s %s\n' "$(printf '%s\n' "${firsts[@]}" | median)" "$( ((${#reruns[@]})) && printf '%s\n' "${reruns[@]}" | median || echo -)"
}

[[ -n $RESET ]] && { pristine; reset_nodes "$RESET"; exit 0; }
[[ " $TOOLS " == *" ours"* ]] && dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$HERE/Converge/bin/publish" --nologo -v q "$HERE/Converge" >&2
pristine
declare -A FIRST RERUN LOAD
for n in $COUNTS; do
    for tool in $TOOLS; do
        reps=$REPS; [[ $tool == pssh || $tool == ansible ]] && reps=$ANCHOR_REPS
        echo "[bench] $tool on $n nodes, $reps run(s)" >&2
        if ! result=$(measure "$tool" "$n" "$reps"); then echo "[bench] $tool on $n nodes FAILED" >&2; continue; fi
        read -r FIRST[$tool.$n] RERUN[$tool.$n] <<<"$result"
        LOAD[$tool.$n]=$(cut -d' ' -f1 /proc/loadavg)
        echo "[bench] $tool on $n nodes: first ${FIRST[$tool.$n]} s, re-run ${RERUN[$tool.$n]} s (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    done
done

ratio() { [[ $1 == - ]] && echo "" || printf ' (%.1fx)' "$(echo "scale=3; $1 / $2" | bc)"; }
{
    printf '| tool |'; for n in $COUNTS; do printf ' %s nodes, first | %s nodes, re-run | load |' "$n" "$n"; done; echo
    printf '|---|'; for n in $COUNTS; do printf -- '---|---|---|'; done; echo
    for tool in $TOOLS; do
        any=; for n in $COUNTS; do [[ -n ${FIRST[$tool.$n]:-} ]] && any=1; done; [[ -n $any ]] || continue
        printf '| %s |' "$tool"
        for n in $COUNTS; do
            [[ -n ${FIRST[$tool.$n]:-} ]] || { printf ' | | |'; continue; }
            f=${FIRST[$tool.$n]} r=${RERUN[$tool.$n]} floor=${FIRST[floor.$n]:-}
            [[ $r == - ]] || r=$(printf '%.2f s' "$r")
            if [[ -n $floor ]]; then printf ' %.2f s%s | %s%s |' "$f" "$(ratio "$f" "$floor")" "$r" "$(ratio "${RERUN[$tool.$n]}" "$floor")"
            else printf ' %.2f s | %s |' "$f" "$r"; fi
            printf ' %s |' "${LOAD[$tool.$n]}"
        done
        echo
    done
} | tee "$CACHE/table.md"

#!/bin/bash
# Install, ONCE on the host, every Debian 12 package the end-to-end tests run
# inside the test nodes (nodes share the host's /usr and overlay its /etc and
# /var/lib). Nothing is configured or started on the host:
#   * debconf preseeding keeps keystone from creating a database, bootstrapping
#     an admin or registering endpoints (the chapters do that inside a node);
#   * a temporary /usr/sbin/policy-rc.d (exit 101) keeps invoke-rc.d from
#     starting daemons; a pre-existing one (Docker-style images) is kept as is;
#   * daemons that start anyway are stopped: only processes of the packages'
#     system users, in the host's network namespace, that did not run before.
# Run it BEFORE start-nodes.sh: a node's overlay may already have copied up
# /etc/passwd or /etc/group, and would then miss the package's system users.
# Idempotent: when everything is installed it only checks and exits (< 1 s).
# Usage: install-packages.sh [--versions FILE]   (as root)
#   --versions FILE  also write "package version" lines of the installed set
set -euo pipefail

PACKAGES=(
    # base chapter
    chrony mariadb-server python3-pymysql rabbitmq-server memcached python3-memcache
    # keystone chapter (Debian serves keystone with uwsgi: keystone pulls uwsgi-plugin-python3)
    keystone python3-openstackclient python3-keystoneclient crudini
    # swift chapter
    swift swift-proxy swift-account swift-container swift-object python3-swiftclient
    python3-keystonemiddleware rsync xfsprogs
    # glance, placement, nova controller chapters (each API served by uwsgi from its own init script)
    glance-api placement-api nova-api nova-conductor nova-scheduler nova-consoleproxy
    python3-novaclient python3-glanceclient
    # nova compute chapter: the kvm flavour (qemu-system-x86 only; the qemu flavour pulls qemu-system for
    # six architectures); virt_type is the chapter's, in the file that wins (/etc/nova/nova-compute.conf).
    # libvirt's SysV scripts, not its systemd units; qemu-utils makes the test image.
    nova-compute-kvm libvirt-daemon-system-sysv qemu-utils
    # neutron chapters: neutron-server (neutron-api uwsgi + neutron-rpc-server; ML2 is in neutron-common, Debian
    # has no neutron-plugin-ml2), the agents of the network and compute nodes, Open vSwitch (its userspace
    # datapath on the test nodes: the kernel has no openvswitch module)
    neutron-server neutron-openvswitch-agent neutron-l3-agent neutron-dhcp-agent neutron-metadata-agent
    openvswitch-switch python3-neutronclient
    # the interface driver turns checksum offload off with ethtool on the namespace end of a veth (netdev datapath)
    ethtool
    # the end-to-end tests ping through Open vSwitch from the agents' namespaces
    iputils-ping
    # cinder chapters: the API (uwsgi) and scheduler; cinder-volume with LVM and tgt (Debian's target helper)
    cinder-api cinder-scheduler cinder-volume lvm2 tgt
    # horizon chapter: the dashboard on apache2 with mod_wsgi (its own site on port 80, preseeded below)
    openstack-dashboard-apache
    # heat chapter (heat-api and heat-api-cfn served by uwsgi from their init scripts)
    heat-api heat-api-cfn heat-engine python3-heatclient
    # the Horizon end-to-end tests log in with a real browser: headless Chromium driven by Selenium through chromedriver
    chromium chromium-driver
)

# Keystone's own debconf questions; all "no" so that its postinst neither runs
# dbconfig-common (db_sync into a local sqlite/mysql) nor bootstraps an admin.
# Glance, placement and nova likewise: no database, RabbitMQ, keystone_authtoken,
# endpoint or neutron/placement setup by their postinst (the chapters do it).
# (nova-consoleproxy/daemon_type cannot be preseeded: its config script resets it
# from /etc/default/nova-consoleproxy; the Nova chapter sets NOVA_CONSOLE_PROXY_TYPE.)
PRESEED=$(<"$(dirname "$0")/debconf-answers.txt")

# Daemons a package script could leave running on the host run as the
# package's system user. Only those in the host's network namespace count:
# test nodes (other namespaces) run the same daemons on purpose, and other
# tests run their own (as root) in the host namespace; neither is ours to stop.
DAEMON_USERS=mysql,rabbitmq,memcache,keystone,swift,_chrony,glance,placement,nova,neutron,cinder,heat
HOST_NETNS=$(readlink /proc/self/ns/net)

die() { echo "ERROR: $*" >&2; exit 1; }
log() { echo "[install-packages] $*" >&2; }

VERSIONS_FILE=
while (($#)); do
    case $1 in
        --versions) (($# >= 2)) || die "--versions needs a file"; VERSIONS_FILE=$2; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) die "unknown argument: $1" ;;
    esac
done
[[ $EUID -eq 0 ]] || die "run as root"

missing_packages() {
    local p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qx 'install ok installed' || echo "$p"
    done
}

write_versions() {
    [[ -n $VERSIONS_FILE ]] || return 0
    dpkg-query -W -f='${Package} ${Version}\n' "${PACKAGES[@]}" uwsgi-core uwsgi-plugin-python3 \
        python3-keystone python3-swift openstack-pkg-tools erlang-base \
        python3-glance python3-placement python3-nova libvirt-daemon qemu-system-x86 python3-neutron \
        python3-django-horizon python3-heat >"$VERSIONS_FILE"
}

host_daemon_pids() {
    local p u users=()
    # pgrep refuses the whole list if one user does not exist yet (before its package)
    for u in ${DAEMON_USERS//,/ }; do id -u "$u" >/dev/null 2>&1 && users+=("$u"); done
    ((${#users[@]})) || return 0
    for p in $(pgrep -u "$(IFS=,; echo "${users[*]}")" 2>/dev/null || true); do
        # (an if, not &&: a last pid in another namespace must not fail the function under set -e)
        if [[ $(readlink "/proc/$p/ns/net" 2>/dev/null) == "$HOST_NETNS" ]]; then echo "$p"; fi
    done | sort
}

mapfile -t MISSING < <(missing_packages)
if ((${#MISSING[@]} == 0)); then
    log "all ${#PACKAGES[@]} packages already installed"
    write_versions
    exit 0
fi

log "installing: ${MISSING[*]}"
BEFORE=$(host_daemon_pids)
started=$SECONDS

printf '%s\n' "$PRESEED" | debconf-set-selections

OWN_POLICY=
cleanup() { [[ -z $OWN_POLICY ]] || rm -f /usr/sbin/policy-rc.d; }
trap cleanup EXIT
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# temporary: install-packages.sh keeps daemons off the host\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    OWN_POLICY=1
fi

apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        install -y --no-install-recommends "$@"
}
if ! apt_install "${MISSING[@]}"; then
    log "install failed; refreshing the package lists and retrying once"
    apt-get -o DPkg::Lock::Timeout=900 update
    apt_install "${MISSING[@]}"
fi

# Stop what started anyway (only processes that did not exist before us).
NEW=$(comm -13 <(echo "$BEFORE") <(host_daemon_pids) | grep . || true)
if [[ -n $NEW ]]; then
    log "stopping daemons started during the install: $(echo "$NEW" | tr '\n' ' ')"
    # shellcheck disable=SC2086
    kill $NEW 2>/dev/null || true
    sleep 2
    # shellcheck disable=SC2086
    kill -KILL $NEW 2>/dev/null || true
fi

mapfile -t STILL < <(missing_packages)
((${#STILL[@]} == 0)) || die "still not installed: ${STILL[*]}"
write_versions
log "installed ${#MISSING[@]} packages in $((SECONDS - started))s"

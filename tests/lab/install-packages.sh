#!/bin/bash
# Install, ONCE on the host, every Debian 12 package the end-to-end tests run
# inside the test nodes (nodes share the host's /usr and overlay its /etc and
# /var/lib). Nothing is configured or started on the host:
#   * debconf preseeding keeps keystone from creating a database, bootstrapping
#     an admin or registering endpoints (the chapters do that inside a node);
#   * a temporary /usr/sbin/policy-rc.d (exit 101) keeps invoke-rc.d from
#     starting daemons; a pre-existing one (Docker-style images) is kept as is;
#   * daemons that start anyway are stopped (only the processes that were not
#     running before this script).
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
)

# Keystone's own debconf questions; all "no" so that its postinst neither runs
# dbconfig-common (db_sync into a local sqlite/mysql) nor bootstraps an admin.
PRESEED='
keystone keystone/configure_db boolean false
keystone keystone/dbconfig-install boolean false
keystone keystone/create-admin-tenant boolean false
keystone keystone/register-endpoint boolean false
'

# Daemons these packages could leave running on the host (process names).
DAEMONS='mariadbd|mysqld|mysqld_safe|mariadbd-safe|beam.smp|epmd|memcached|uwsgi|uwsgi-core|uwsgi_python3|rsync|chronyd|apache2|rsyslogd|swift-.*-server'

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
        python3-keystone python3-swift openstack-pkg-tools erlang-base >"$VERSIONS_FILE"
}

daemon_pids() { pgrep -x "$DAEMONS" | sort || true; }

mapfile -t MISSING < <(missing_packages)
if ((${#MISSING[@]} == 0)); then
    log "all ${#PACKAGES[@]} packages already installed"
    write_versions
    exit 0
fi

log "installing: ${MISSING[*]}"
BEFORE=$(daemon_pids)
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
NEW=$(comm -13 <(echo "$BEFORE") <(daemon_pids) | grep . || true)
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

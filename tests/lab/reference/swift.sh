#!/bin/bash
# Reference run of the document's Swift chapter (2.9) on Debian 12 test nodes:
# Keystone objects on the controller, proxy + rings on network, account/
# container/object servers + rsync on storage1-3 with a directory-backed
# device, then the document's checks as swiftuser01. Needs base.sh and
# keystone.sh first. Idempotent. Usage: swift.sh   (as root, lab running)
CHAPTER=swift
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"

STORAGE_NODES=(storage1 storage2 storage3)
PART_POWER=${SWIFT_PART_POWER:-10}
# Hash prefix/suffix: the document uses "swift_shared_path"; any secret works
# as long as every swift node has the same one.
HASH=swift_shared_path

# --- Keystone objects (controller, admin) --------------------------------------------------
# `openstack user create --password` would put the password in a command line,
# and `--password-prompt` demands a tty (osc_lib: "No terminal detected"):
# create the user without a password, then set it with openstacksdk (python3,
# admin credentials from the environment) reading the password from stdin.
step "keystone objects: swift user, service, endpoints, swiftservice, SwiftOperator, swiftuser01"
keystone_objects() { # reads two lines: the swift password, the swiftuser01 password
    cat <<'EOF'
set -e
IFS= read -r swift_pass; IFS= read -r user_pass
. ~/admin_key
exists() { openstack "$1" show "$2" -f value -c id >/dev/null 2>&1; }
set_password() { # set_password <user> <project> <password>: checked first; set via openstacksdk on stdin
    if printf '%s' "$3" | OS_USERNAME=$1 OS_PROJECT_NAME=$2 /usr/bin/python3 -c '
import os, sys, openstack
os.environ["OS_PASSWORD"] = sys.stdin.read()
openstack.connect().authorize()' >/dev/null 2>&1; then echo "  $1: password unchanged"; return; fi
    printf '%s' "$3" | /usr/bin/python3 -c '
import sys, openstack
c = openstack.connect()
c.identity.update_user(c.identity.find_user(sys.argv[1], ignore_missing=False), password=sys.stdin.read())' "$1"
    echo "  $1: password set"
}
exists user swift || { openstack user create --domain default --project service swift -f value -c id >/dev/null; echo "  user swift created"; }
set_password swift service "$swift_pass"
openstack role add --project service --user swift admin   # idempotent
exists service swift || { openstack service create --name swift --description "OpenStack Object Storage" object-store >/dev/null; echo "  service swift created"; }
for itf in public internal admin; do
    url='http://network:8080/v1/AUTH_%(tenant_id)s'; [ $itf = admin ] && url=http://network:8080/v1
    if [ -z "$(openstack endpoint list --service object-store --interface $itf --region RegionOne -f value -c ID)" ]; then
        openstack endpoint create --region RegionOne object-store $itf "$url" >/dev/null; echo "  endpoint $itf created: $url"
    fi
done
exists project swiftservice || { openstack project create --domain default --description "Swift Service Project" swiftservice >/dev/null; echo "  project swiftservice created"; }
exists role SwiftOperator || { openstack role create SwiftOperator >/dev/null; echo "  role SwiftOperator created"; }
exists user swiftuser01 || { openstack user create --domain default --project swiftservice swiftuser01 >/dev/null; echo "  user swiftuser01 created"; }
set_password swiftuser01 swiftservice "$user_pass"
openstack role add --project swiftservice --user swiftuser01 SwiftOperator
openstack endpoint list --service object-store -f value -c Interface -c URL | sort | sed 's/^/  endpoint: /'
EOF
}
{ secret_line SWIFT_PASS; secret_line SWIFTUSER01_PASS; } | as_user controller "$(keystone_objects)"

# --- proxy on network ------------------------------------------------------------------------
# Debian's proxy-server.conf ships a tempauth pipeline and no authtoken or
# keystoneauth sections (the CentOS file has them): we swap tempauth for
# "authtoken keystoneauth" and add both sections. /etc/init.d/swift-proxy runs
# the plain eventlet server (/usr/bin/swift-proxy-server /etc/swift//proxy-server.conf;
# its uwsgi settings are dead code in the sysv script), [DEFAULT] workers = 20
# by default: 2 here. PasteDeploy interpolates '%' in values, so the service
# password must not hold one.
step "proxy-server.conf and swift.conf on network"
proxy_conf() { # stdin: the swift service password
    cat <<EOF
set -e
IFS= read -r pass
f=/etc/swift/proxy-server.conf
before=\$(md5sum <\$f)
pipeline=\$(crudini --get \$f pipeline:main pipeline)
case " \$pipeline " in
    *" authtoken keystoneauth "*) ;;
    *) crudini --set \$f pipeline:main pipeline "\$(echo "\$pipeline" | sed 's/ tempauth / authtoken keystoneauth /')" ;;
esac
crudini --merge \$f <<INI
[DEFAULT]
bind_port = 8080
workers = 2
user = swift
[app:proxy-server]
account_autocreate = true
[filter:keystoneauth]
use = egg:swift#keystoneauth
operator_roles = admin, SwiftOperator
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
www_authenticate_uri = http://controller:5000
auth_url = http://controller:5000
memcached_servers = controller:11211
auth_type = password
project_domain_name = default
user_domain_name = default
project_name = service
username = swift
password = \$pass
delay_auth_decision = true
[filter:cache]
memcache_servers = controller:11211
INI
if [ "\$(md5sum <\$f)" = "\$before" ]; then echo "  proxy-server.conf unchanged"; else echo "  proxy-server.conf updated"; fi
echo "  pipeline: \$(crudini --get \$f pipeline:main pipeline)"
EOF
}
swift_conf() { # the same on every swift node: hash prefix/suffix, default policy kept
    cat <<EOF
set -e
f=/etc/swift/swift.conf
before=\$(md5sum <\$f)
crudini --set \$f swift-hash swift_hash_path_suffix $HASH
crudini --set \$f swift-hash swift_hash_path_prefix $HASH
if [ "\$(md5sum <\$f)" = "\$before" ]; then echo "  swift.conf unchanged"; else echo "  swift.conf updated"; fi
EOF
}
secret_line SWIFT_PASS | on network "$(proxy_conf)"
on_nostdin network "$(swift_conf)"

# --- rings on network -----------------------------------------------------------------------
# swift-ring-builder <builder> create <part_power> <replicas> <min_part_hours>;
# add r<region>z<zone>-<ip>:<port>/<device> <weight>; rebalance. One region,
# zones 1-3 (the document puts each node in its own region too, r0z0..r2z2).
# Rebuilding from scratch each run would change the ring: only create/add
# what is missing, and rebalance only when a device was added.
step "rings on network (part power $PART_POWER, 3 replicas, min_part_hours 1)"
rings_script() {
    local devs="" i=0 n
    for n in "${STORAGE_NODES[@]}"; do i=$((i + 1)); devs+="$i $(addr "$n") "; done
    cat <<EOF
set -e
cd /etc/swift
set -- $devs
for kind in account:6202 container:6201 object:6200; do
    b=\${kind%%:*}.builder port=\${kind#*:}
    [ -f \$b ] || { swift-ring-builder \$b create $PART_POWER 3 1 >/dev/null; echo "  \$b created"; }
    added=
    z=1
    while [ \$z -le \$# ]; do
        eval zone=\\\${\$z}; eval ip=\\\${\$((z + 1))}
        if ! swift-ring-builder \$b search --ip \$ip --port \$port --device device >/dev/null 2>&1; then
            swift-ring-builder \$b add r1z\$zone-\$ip:\$port/device 100 >/dev/null
            echo "  \$b: added r1z\$zone-\$ip:\$port/device 100"; added=1
        fi
        z=\$((z + 2))
    done
    if [ -n "\$added" ] || [ ! -f \${b%.builder}.ring.gz ]; then
        swift-ring-builder \$b rebalance >/dev/null || [ \$? = 1 ]   # 1 = warning (e.g. nothing moved)
        echo "  \${b%.builder}.ring.gz rebalanced"
    else
        echo "  \$b unchanged"
    fi
done
chown swift:swift /etc/swift/*.ring.gz /etc/swift/*.builder
swift-ring-builder object.builder
EOF
}
on_nostdin network "$(rings_script)" | sed 's/^/  | /'

# --- proxy service ------------------------------------------------------------------------------
step "swift-proxy on network"
# Restart only when a config file or ring changed since the last start (the
# stamp lives in the node's /run, so it dies with the node).
on_nostdin network '
set -e
sum=$(cat /etc/swift/proxy-server.conf /etc/swift/swift.conf /etc/swift/*.ring.gz | md5sum)
stamp=/run/swift/proxy.stamp
if start-stop-daemon --status --pidfile /run/swift/swift-proxy-server-proxy-server.pid; then
    if [ "$(cat $stamp 2>/dev/null)" = "$sum" ]; then echo "  swift-proxy already running, config unchanged"; exit 0; fi
    service swift-proxy restart >/dev/null; echo "  swift-proxy restarted"
else
    service swift-proxy start >/dev/null; echo "  swift-proxy started"
fi
mkdir -p /run/swift && echo "$sum" >$stamp
for i in $(seq 1 240); do
    curl -sf -o /dev/null http://network:8080/healthcheck && { echo "  http://network:8080/healthcheck OK after ${i}x0.5s"; exit 0; }
    sleep 0.5
done
echo "  swift-proxy does not answer" >&2; tail -20 /var/log/swift/swift-proxy.log >&2; exit 1'

# --- storage nodes ---------------------------------------------------------------------------------
# A plain directory stands in for the XFS disk: /srv/node/device in the node's
# private /srv, so mount_check = false (else every request gets 507). Debian:
# rsync runs only with RSYNC_ENABLE=true in /etc/default/rsync; all swift
# servers and daemons are plain start-stop-daemon scripts with pid files in
# /run/swift (per node: no clash between nodes).
step "storage nodes: ${STORAGE_NODES[*]}"
storage_script() { # storage_script <node address>
    cat <<EOF
set -e
changed=
install -d -o swift -g swift /srv/node /srv/node/device /var/cache/swift /var/log/swift
for s in account:6202 container:6201 object:6200; do
    f=/etc/swift/\${s%%:*}-server.conf
    before=\$(md5sum <\$f)
    crudini --merge \$f <<INI
[DEFAULT]
bind_ip = 0.0.0.0
bind_port = \${s#*:}
user = swift
devices = /srv/node
mount_check = false
workers = 1
INI
    [ "\$(md5sum <\$f)" = "\$before" ] || changed="\$changed \${s%%:*}"
done
rsyncd=\$(cat <<RSYNC
pid file = /var/run/rsyncd.pid
log file = /var/log/rsyncd.log
uid = swift
gid = swift
address = $1

[account]
path = /srv/node
read only = false
write only = no
list = yes
incoming chmod = 0644
outgoing chmod = 0644
max connections = 25
lock file = /var/lock/account.lock

[container]
path = /srv/node
read only = false
write only = no
list = yes
incoming chmod = 0644
outgoing chmod = 0644
max connections = 25
lock file = /var/lock/container.lock

[object]
path = /srv/node
read only = false
write only = no
list = yes
incoming chmod = 0644
outgoing chmod = 0644
max connections = 25
lock file = /var/lock/object.lock

[swift_server]
path = /etc/swift
read only = true
write only = no
list = yes
incoming chmod = 0644
outgoing chmod = 0644
max connections = 5
lock file = /var/lock/swift_server.lock
RSYNC
)
if [ "\$(cat /etc/rsyncd.conf 2>/dev/null)" != "\$rsyncd" ]; then
    printf '%s\n' "\$rsyncd" >/etc/rsyncd.conf; changed="\$changed rsync"
fi
grep -q '^RSYNC_ENABLE=true' /etc/default/rsync || { sed -i 's/^RSYNC_ENABLE=.*/RSYNC_ENABLE=true/' /etc/default/rsync; changed="\$changed rsync"; }
echo "  config changed:\${changed:- nothing}"
EOF
}
SERVICES="rsync swift-account swift-account-auditor swift-account-replicator swift-container swift-container-auditor swift-container-replicator swift-container-updater swift-object swift-object-auditor swift-object-replicator swift-object-updater"
start_script() { # (re)start what is down, or everything when config or rings changed
    cat <<EOF
set -e
chown swift:swift /etc/swift/*.ring.gz
sum=\$(cat /etc/swift/*.conf /etc/swift/*.ring.gz /etc/rsyncd.conf /etc/default/rsync | md5sum)
stamp=/run/swift/storage.stamp
mkdir -p /run/swift
same=; [ "\$(cat \$stamp 2>/dev/null)" = "\$sum" ] && same=1
acted=
# Not "service X status": it checks by process name (pidof), not by pid file.
# Debian's sysv scripts for swift-account/-container (and -proxy) start
# swift-X-server once per /etc/swift/*.conf (CONFIG unset); only the run with
# X-server.conf survives, its pid file is swift-X-server-X-server.pid.
pidfile() {
    case \$1 in
        rsync) echo /run/rsync.pid ;;
        swift-account|swift-container) echo /run/swift/\$1-server-\${1#swift-}-server.pid ;;
        swift-object) echo /run/swift/swift-object-server.pid ;;
        *) echo /run/swift/\$1.pid ;;
    esac
}
for s in $SERVICES; do
    if start-stop-daemon --status --pidfile "\$(pidfile \$s)"; then
        [ -n "\$same" ] || { service \$s restart >/dev/null; acted="\$acted \$s(restarted)"; }
    else
        service \$s start >/dev/null; acted="\$acted \$s(started)"
    fi
done
echo "\$sum" >\$stamp
echo "  services:\${acted:- all running, unchanged}"
for p in 873 6200 6201 6202; do
    for i in \$(seq 1 120); do ss -ltnH "sport = :\$p" | grep -q . && break; sleep 0.5; done
done
echo "  listening: \$(ss -ltnH | awk '{print \$4}' | grep -E ':(873|620[0-2])\$' | sort | tr '\n' ' ')"
EOF
}
for n in "${STORAGE_NODES[@]}"; do
    on_nostdin "$n" "$(storage_script "$(addr "$n")")" | sed "s/^/  $n:/"
    on_nostdin "$n" "$(swift_conf)" | sed "s/^/  $n:/"
    # Rings travel network -> host -> storage node on stdin (the document uses
    # scp between nodes; as the login user that would need a second copy step).
    for r in account container object; do
        on_nostdin network "cat /etc/swift/$r.ring.gz" | on "$n" "
            cat >/etc/swift/$r.ring.gz.tmp
            if cmp -s /etc/swift/$r.ring.gz.tmp /etc/swift/$r.ring.gz; then rm /etc/swift/$r.ring.gz.tmp
            else mv /etc/swift/$r.ring.gz.tmp /etc/swift/$r.ring.gz; echo '  $n: $r.ring.gz copied'; fi"
    done
done
for n in "${STORAGE_NODES[@]}"; do on_nostdin "$n" "$(start_script)" | sed "s/^/  $n:/" & done
wait

# --- verification (controller, swiftuser01) ------------------------------------------------------
# ~/swift as in the document (0600), but NOT appended to ~/.bash_profile
# (erratum #57: later chapters expect admin credentials).
step "~/swift openrc and the document's checks"
quoted=$(secret SWIFTUSER01_PASS)
printf "export OS_PROJECT_DOMAIN_NAME=default
export OS_USER_DOMAIN_NAME=default
export OS_PROJECT_NAME=swiftservice
export OS_USERNAME=swiftuser01
export OS_PASSWORD='%s'
export OS_AUTH_URL=http://controller:5000/v3
export OS_IDENTITY_API_VERSION=3
" "$quoted" | as_user controller '(umask 077; cat >~/swift.tmp) && mv ~/swift.tmp ~/swift'
as_user controller "$(cat <<'EOF'
set -e
. ~/swift
cd "$(mktemp -d)"
swift stat | sed 's/^/  swift stat | /'
openstack container create test -f value -c container | sed 's/^/  container created: /'
openstack container list -f value | sed 's/^/  container list: /'
head -c 100000 /dev/urandom >testfile.txt
openstack object create test testfile.txt -f value -c object | sed 's/^/  object created: /'
openstack object list test -f value | sed 's/^/  object list: /'
openstack object save test testfile.txt --file saved.txt
cmp testfile.txt saved.txt && echo "  download: identical bytes ($(stat -c %s saved.txt))"
openstack object delete test testfile.txt
echo "  after delete: [$(openstack object list test -f value)]"
openstack container delete test
cd / && rm -rf "$OLDPWD"
EOF
)" </dev/null
step "done"

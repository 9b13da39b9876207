#!/bin/bash
# Reference run of the document's base chapter (2.1) on Debian 12 test nodes:
# chrony on every node, MariaDB, RabbitMQ and Memcached on the controller.
# Idempotent; prints what changed. Usage: base.sh   (as root, lab running)
CHAPTER=base
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"

CONTROLLER_IP=$(addr controller)
SUBNET=$(jq -r '"\(.gateway | sub("\\.[0-9]+$"; ".0"))/\(.prefixLength)"' "$NODES_JSON")
ALL_NODES=$(jq -r '.nodes[].name' "$NODES_JSON" | tr '\n' ' ')

# --- NTP: chrony ---------------------------------------------------------------
# Debian: /etc/chrony/chrony.conf (not /etc/chrony.conf), service "chrony"
# (not chronyd). Lab-only: DAEMON_OPTS gets -x, so chronyd never steers the
# shared kernel clock (all nodes share one kernel and have CAP_SYS_TIME).
# The controller serves its own clock (local stratum 10) instead of "pool
# controller" pointing at itself (erratum #5).
chrony_script() { # chrony_script <role: server|client>
    cat <<EOF
set -e
conf=/etc/chrony/chrony.conf
changed=
if [ "$1" = server ]; then
    want='local stratum 10
allow $SUBNET'
else
    want='pool controller iburst'
fi
if ! grep -qxF "\$(printf '%s\n' "\$want" | head -1)" "\$conf"; then
    # Drop the Debian pool line and anything we wrote before, then append ours.
    sed -i -e '/^pool /d' -e '/^server /d' -e '/^local stratum/d' -e '/^allow /d' "\$conf"
    printf '%s\n' "\$want" >>"\$conf"
    changed=1
fi
if ! grep -q '^DAEMON_OPTS=.*-x' /etc/default/chrony; then
    sed -i 's/^DAEMON_OPTS=.*/DAEMON_OPTS="-F 1 -x"/' /etc/default/chrony
    changed=1
fi
if [ -n "\$changed" ] || ! pidof chronyd >/dev/null; then
    service chrony restart >/dev/null
    echo "chrony: configured and (re)started"
else
    echo "chrony: unchanged"
fi
EOF
}

step "chrony on all nodes: $ALL_NODES"
for n in $ALL_NODES; do
    role=client; [[ $n == controller ]] && role=server
    on_nostdin "$n" "$(chrony_script $role)" | sed "s/^/  $n: /" &
done
wait

# --- MariaDB ---------------------------------------------------------------------
# Debian: MariaDB 10.11, config dir /etc/mysql/mariadb.conf.d/ (a later file
# wins: 99-openstack.cnf overrides 50-server.cnf's bind-address 127.0.0.1),
# service "mariadb". root logs in through unix_socket: no mysql_secure_installation,
# no root password; sudo mysql reads SQL on stdin.
step "MariaDB on controller"
on_nostdin controller "$(cat <<EOF
set -e
f=/etc/mysql/mariadb.conf.d/99-openstack.cnf
new=\$(cat <<'CNF'
[mysqld]
bind-address = $CONTROLLER_IP
default-storage-engine = innodb
innodb_file_per_table = on
max_connections = 4096
collation-server = utf8mb4_general_ci
character-set-server = utf8mb4
CNF
)
if [ "\$(cat "\$f" 2>/dev/null)" != "\$new" ]; then
    printf '%s\n' "\$new" >"\$f.tmp" && chmod 644 "\$f.tmp" && mv "\$f.tmp" "\$f"
    service mariadb restart >/dev/null
    echo "mariadb: configured and restarted"
elif ! service mariadb status >/dev/null 2>&1; then
    service mariadb start >/dev/null
    echo "mariadb: started"
else
    echo "mariadb: unchanged"
fi
mysql -N -e 'select concat("mariadb: bind ", @@bind_address, ", max_connections ", @@max_connections, ", ", @@character_set_server, "/", @@collation_server)'
EOF
)" | sed 's/^/  /'

# --- RabbitMQ ----------------------------------------------------------------------
# Debian: service "rabbitmq-server"; node name rabbit@controller (the hostname
# resolves through the node's /etc/hosts); cookie /var/lib/rabbitmq/.erlang.cookie
# comes from the package (the node's /var/lib overlay gives each node a copy).
# `rabbitmqctl add_user openstack` with no password argument reads it from
# stdin (first line), and so do change_password and authenticate_user.
step "RabbitMQ on controller"
secret_line RABBIT_PASS | on controller "$(cat <<'EOF'
set -e
IFS= read -r pass
if ! rabbitmqctl -q status >/dev/null 2>&1; then
    service rabbitmq-server start >/dev/null
    echo "rabbitmq: started"
fi
if ! rabbitmqctl -q list_users --formatter json | grep -q '"user":"openstack"'; then
    printf '%s\n' "$pass" | rabbitmqctl -q add_user openstack >/dev/null
    echo "rabbitmq: user openstack added"
elif ! printf '%s\n' "$pass" | rabbitmqctl -q authenticate_user openstack >/dev/null 2>&1; then
    printf '%s\n' "$pass" | rabbitmqctl -q change_password openstack >/dev/null
    echo "rabbitmq: password of openstack changed"
else
    echo "rabbitmq: user openstack unchanged"
fi
perms=$(rabbitmqctl -q list_user_permissions openstack --formatter json)
case $perms in
    *'"configure":".*","write":".*","read":".*"'*) echo "rabbitmq: permissions unchanged" ;;
    *) rabbitmqctl -q set_permissions openstack '.*' '.*' '.*'; echo "rabbitmq: permissions set" ;;
esac
EOF
)" | sed 's/^/  /'

# --- Memcached -----------------------------------------------------------------------
# Debian: options live in /etc/memcached.conf, one per line (-l 127.0.0.1 by
# default), not /etc/sysconfig/memcached OPTIONS=. Listen on the management address.
step "Memcached on controller"
on_nostdin controller "$(cat <<EOF
set -e
if ! grep -qx -- '-l $CONTROLLER_IP' /etc/memcached.conf; then
    sed -i 's/^-l .*/-l $CONTROLLER_IP/' /etc/memcached.conf
    grep -qx -- '-l $CONTROLLER_IP' /etc/memcached.conf || echo '-l $CONTROLLER_IP' >>/etc/memcached.conf
    service memcached restart >/dev/null
    echo "memcached: configured and restarted"
elif ! pidof memcached >/dev/null; then
    service memcached start >/dev/null
    echo "memcached: started"
else
    echo "memcached: unchanged"
fi
EOF
)" | sed 's/^/  /'

# --- checks ----------------------------------------------------------------------------
step "checks"
secret_line RABBIT_PASS | on controller 'IFS= read -r p; printf "%s\n" "$p" | rabbitmqctl -q authenticate_user openstack >/dev/null && echo "  rabbitmq: openstack authenticates"'
on_nostdin controller "ss -ltnH | awk '{print \$4}' | grep -E ':(3306|5672|11211)\$' | sort | sed 's/^/  listening: /'"
sleep 3   # chrony: iburst needs a few seconds before the first sample
on_nostdin compute 'chronyc sources | tail -n +2 | sed "s/^/  compute chronyc: /"'
step "done"

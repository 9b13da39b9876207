#!/bin/bash
# Reference run of the document's Keystone chapter (2.2) on Debian 12 test
# nodes (controller only). Needs base.sh first. Idempotent.
# Usage: keystone.sh   (as root, lab running)
CHAPTER=keystone
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"

# --- DB -------------------------------------------------------------------------------
# SQL goes to `mysql` (root via unix_socket) on stdin, password included: it
# never shows in a command line. GRANT ... IDENTIFIED BY creates the user
# (allowed under NO_AUTO_CREATE_USER because a password is given) and resets
# its password, so a rerun converges. The password is [A-Za-z0-9] (see secret()).
step "keystone database"
db_sql() { # db_sql <db> <user> <password>
    printf "CREATE DATABASE IF NOT EXISTS \`%s\`;\n" "$1"
    printf "GRANT ALL PRIVILEGES ON \`%s\`.* TO '%s'@'localhost' IDENTIFIED BY '%s';\n" "$1" "$2" "$3"
    printf "GRANT ALL PRIVILEGES ON \`%s\`.* TO '%s'@'%%' IDENTIFIED BY '%s';\n" "$1" "$2" "$3"
    printf 'FLUSH PRIVILEGES;\n'
}
db_sql keystone keystone "$(secret KEYSTONE_DBPASS)" | on controller 'mysql && echo "  database keystone and user keystone@localhost/% ready"'

# --- keystone.conf ----------------------------------------------------------------------
# Debian writes /etc/keystone/keystone.conf (root:keystone 0640) from
# /usr/share/keystone/keystone.conf at install. crudini --merge reads the
# settings on stdin (the DB password is inside) and keeps mode and owner.
step "keystone.conf"
printf '[database]\nconnection = mysql+pymysql://keystone:%s@controller/keystone\n[token]\nprovider = fernet\n[cache]\nmemcache_servers = controller:11211\n' \
    "$(secret KEYSTONE_DBPASS)" | on controller '
set -e
f=/etc/keystone/keystone.conf
before=$(md5sum <"$f")
crudini --merge "$f"
if [ "$(md5sum <"$f")" = "$before" ]; then echo "  keystone.conf unchanged"; else echo "  keystone.conf updated"; fi
ls -l "$f" | awk "{print \"  \" \$1, \$3\":\"\$4}"'

# --- db_sync, fernet, credential keys --------------------------------------------------
# keystone-manage prints an "Exception ignored ... AttributeError" traceback to
# stderr at exit (eventlet + logging shutdown): harmless, exit status is 0.
step "db_sync, fernet_setup, credential_setup"
on_nostdin controller '
set -e
su -s /bin/sh -c "keystone-manage db_sync" keystone 2>/dev/null
echo "  db_sync done ($(mysql -N -e "select count(*) from information_schema.tables where table_schema=\"keystone\"") tables)"
for k in fernet credential; do
    if [ -s /etc/keystone/$k-keys/0 ]; then
        echo "  $k keys exist"
    else
        keystone-manage ${k}_setup --keystone-user keystone --keystone-group keystone 2>/dev/null
        echo "  $k keys created: $(ls /etc/keystone/$k-keys | tr "\n" " ")"
    fi
done'

# --- web server: uwsgi ------------------------------------------------------------------
# Debian serves keystone with uwsgi, not Apache + mod_wsgi: /etc/init.d/keystone
# runs uwsgi_python311 --http-socket :5000 --ini /etc/keystone/keystone-uwsgi.ini
# (pid /run/keystone/keystone.pid, log /var/log/keystone/keystone.log). The ini
# asks for 8 processes x 32 threads; on a 2-core lab, 2 x 8 is plenty and loads
# much faster. The first request after a start can take tens of seconds
# (lazy-apps: every worker imports keystone), so wait for /v3 to answer.
step "keystone uwsgi service"
on_nostdin controller '
set -e
ini=/etc/keystone/keystone-uwsgi.ini
changed=
[ "$(crudini --get $ini uwsgi processes)" = 2 ] || { crudini --set $ini uwsgi processes 2; changed=1; }
[ "$(crudini --get $ini uwsgi threads)" = 8 ] || { crudini --set $ini uwsgi threads 8; changed=1; }
if [ -n "$changed" ]; then
    service keystone restart >/dev/null; echo "  keystone (uwsgi) restarted"
elif ! service keystone status >/dev/null 2>&1; then
    service keystone start >/dev/null; echo "  keystone (uwsgi) started"
else
    echo "  keystone (uwsgi) already running"
fi
for i in $(seq 1 300); do
    curl -sf -o /dev/null http://controller:5000/v3/ && { echo "  http://controller:5000/v3/ answers after ${i}x0.5s"; exit 0; }
    sleep 0.5
done
echo "  keystone does not answer" >&2; exit 1'

# --- bootstrap ------------------------------------------------------------------------------
# The admin password reaches keystone-manage through OS_BOOTSTRAP_PASSWORD,
# read from stdin on the node (never an argument). bootstrap is idempotent:
# a rerun only ensures the objects exist and resets the admin password.
# Debian's own postinst runs it as the keystone user, so do we.
step "bootstrap"
printf '%s\n' "$(admin_password)" | on controller '
set -e
IFS= read -r OS_BOOTSTRAP_PASSWORD; export OS_BOOTSTRAP_PASSWORD
su -s /bin/sh -c "keystone-manage bootstrap \
    --bootstrap-admin-url http://controller:5000/v3/ \
    --bootstrap-internal-url http://controller:5000/v3/ \
    --bootstrap-public-url http://controller:5000/v3/ \
    --bootstrap-region-id RegionOne" keystone 2>/dev/null
echo "  bootstrap done"'

# --- admin openrc -------------------------------------------------------------------------------
# The document's ~/admin_key, for the login user (its home is the node's
# private overlay). The password is single-quoted with ' escaped as '\''.
step "admin openrc (~$LOGIN_USER/admin_key, 0600)"
quoted=$(printf '%s' "$(admin_password)" | sed "s/'/'\\\\''/g")
printf "export OS_PROJECT_DOMAIN_NAME=default
export OS_USER_DOMAIN_NAME=default
export OS_PROJECT_NAME=admin
export OS_USERNAME=admin
export OS_PASSWORD='%s'
export OS_AUTH_URL=http://controller:5000/v3
export OS_IDENTITY_API_VERSION=3
export OS_IMAGE_API_VERSION=2
" "$quoted" | on controller "
set -e
f=/home/$LOGIN_USER/admin_key
new=\$(cat)
if [ \"\$(cat \"\$f\" 2>/dev/null)\" = \"\$new\" ]; then echo '  admin_key unchanged'; else
    (umask 077; printf '%s\n' \"\$new\" >\"\$f.tmp\") && chown $LOGIN_USER: \"\$f.tmp\" && mv \"\$f.tmp\" \"\$f\"
    echo '  admin_key written'
fi"

# --- verification -------------------------------------------------------------------------------
# From here on, commands run as the login user with the openrc sourced
# (openstack CLI needs no root). Each `openstack` call costs ~2 s of start-up.
step "token issue, catalog, service project"
as_user controller "$(cat <<'EOF2'
set -e
. ~/admin_key
openstack token issue -f value -c project_id >/dev/null && echo "  token issue: ok"
openstack catalog list -f json | /usr/bin/python3 -c '
import json, sys
for e in json.load(sys.stdin):
    for x in e["Endpoints"]:
        print("  catalog:", e["Name"], e["Type"], x["interface"], x["url"], x["region"])'
if openstack project show service -f value -c id >/dev/null 2>&1; then
    echo "  project service exists"
else
    openstack project create --domain default --description "Service Project" service -f value -c id >/dev/null
    echo "  project service created"
fi
echo "  projects: $(openstack project list -f value -c Name | sort | tr '\n' ' ')"
EOF2
)" </dev/null
step "done"

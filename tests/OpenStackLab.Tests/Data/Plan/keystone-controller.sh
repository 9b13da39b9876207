#!/bin/bash
# OpenStackLab: chapter 'Keystone' for node 'controller'.
# Run as root on the node. Safe to run again: every step checks before it changes anything.
set -euo pipefail

# Secrets: read at run time from the lab's secrets file (id=value lines, mode 0600); never written here.
OSL_SECRETS_FILE=${OSL_SECRETS_FILE:-/root/.osl/secrets.env}
osl_secret() { # ID: the value of the first ID=... line of the secrets file
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    if [ "${line%%=*}" = "$1" ]; then printf '%s' "${line#*=}"; return 0; fi
  done < "$OSL_SECRETS_FILE"
  echo "osl: secret '$1' is not in $OSL_SECRETS_FILE" >&2; return 1
}
KEYSTONE_DB=$(osl_secret keystone_db)
ADMIN_PASS=$(osl_secret admin_pass)
osl_crudini_safe() { # ID VALUE: crudini cuts a value at " ;" and trims blanks and quotes at its ends: stop before touching anything
  case "$2" in
    *[[:space:]]\;*|[[:space:]]*|*[[:space:]]|\"*\"|\'*\') echo "osl: secret '$1' has blanks or quotes crudini would mangle (\" ;\", or at an end): set it with Set-OsConfig or choose another value" >&2; exit 1 ;;
  esac
}
osl_crudini_safe keystone_db "$KEYSTONE_DB"

osl_file() { # PATH MODE OWNER GROUP [trim]: content on stdin; replaces the file only when content, mode or owner differ
  local p=$1 m=$2 o=$3 g=$4 t
  mkdir -p "$(dirname "$p")"
  t=$(mktemp "$(dirname "$p")/.osl.XXXXXX")
  if [ "${5:-}" = trim ]; then head -c -1 > "$t"; else cat > "$t"; fi
  chmod "$m" "$t"
  if [ -n "$o" ]; then chown "$o" "$t"; elif [ -e "$p" ]; then chown --reference="$p" "$t"; fi
  if [ -n "$g" ]; then chgrp "$g" "$t"; elif [ -e "$p" ]; then chgrp --reference="$p" "$t"; fi
  if [ -f "$p" ] && cmp -s "$t" "$p" && [ "$(stat -c %a:%U:%G "$p")" = "$(stat -c %a:%U:%G "$t")" ]; then rm -f "$t"; else mv -f "$t" "$p"; fi
}

command -v crudini >/dev/null || { echo 'This script needs crudini (apt-get/dnf install crudini).' >&2; exit 1; }

# [1/4] Install keystone
# If it fails: Check the repository setup (chapter 2).
if ! rpm -q openstack-keystone httpd >/dev/null 2>&1; then
  dnf -y install openstack-keystone httpd python3-mod_wsgi
fi

# [2/4] Configure /etc/keystone/keystone.conf: [database] connection = mysql+pymysql://keystone:$KEYSTONE_DB@controller/keystone; [token] provider = fernet
crudini --set /etc/keystone/keystone.conf database connection mysql+pymysql://keystone:"${KEYSTONE_DB}"@controller/keystone
crudini --set /etc/keystone/keystone.conf token provider fernet

# [3/4] Write the admin credentials (78 bytes, mode 0600, owner root:root)
osl_file /root/admin_key 600 root root <<OSL_EOF
export OS_PASSWORD=${ADMIN_PASS}
export PS1='[\\u@\\h \\W(keystone)]\\\$ '
OSL_EOF

# [4/4] Keystone answers
curl -fsS http://controller:5000/v3 >/dev/null

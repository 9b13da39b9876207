#!/bin/bash
# OpenStackLab: chapter 'Keystone' for node 'controller'.
# Run as root on the node. Safe to run again: every step checks before it changes anything.
set -euo pipefail

# Secrets: read at run time from the lab's secrets file (New-OsLab's JSON, mode 0600), never written here and
# never in a command line. Copy the file to the node; OSL_SECRETS_FILE overrides where it is looked for.
OSL_SECRETS_FILE=${OSL_SECRETS_FILE:-/root/.osl/lab.secrets.json}
osl_secret() { # ID: the value of secret ID in the lab's secrets file (the JSON object New-OsLab writes)
  OSL_ID=$1 OSL_FILE=$OSL_SECRETS_FILE python3 -c '
import json, os, sys
p, i = os.environ["OSL_FILE"], os.environ["OSL_ID"]
def fail(m): sys.stderr.write("osl: " + m + "\n"); sys.exit(1)
try: st = os.stat(p)
except OSError: fail("no secrets file at " + p + ": copy the lab secrets file (New-OsLab) to the node or set OSL_SECRETS_FILE")
if st.st_mode & 0o077: fail("the secrets file " + p + " is readable by group or others: chmod 600 " + p)
try:
    with open(p, encoding="utf-8") as f: d = json.load(f)
except ValueError: fail("the secrets file " + p + " is not JSON")
v = d.get(i) if isinstance(d, dict) else None
if not isinstance(v, str) or v == "" or any(c in v for c in "\r\n\0"):
    fail("secret " + i + " is not in " + p + " (or is not one line of text)")
sys.stdout.buffer.write(v.encode("utf-8"))
'
}
KEYSTONE_DB=$(osl_secret keystone_db)
ADMIN_PASS=$(osl_secret admin_pass)
osl_crudini_safe() { # ID VALUE: an INI reader cuts a value at " ;" and trims blanks and quotes at its ends: stop before touching anything
  case "$2" in
    *[[:space:]]\;*|[[:space:]]*|*[[:space:]]|\"*\"|\'*\') echo "osl: secret '$1' has blanks or quotes the INI file would not keep (\" ;\", or at an end): set it with Set-OsConfig or choose another value" >&2; exit 1 ;;
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

osl_ini_set() { # FILE SECTION KEY VALUE...: like the module's editor: the last KEY of SECTION takes the value(s) in place
  # (one line per value where the last one was; earlier occurrences removed, as the editor does); a new KEY goes after the last key of the
  # section's last occurrence, else under its header; a new SECTION at the end, after one blank line. SECTION '' is the
  # lines before the first header. A VALUE of '' with OSL_BARE=1 is a bare flag (my.cnf).
  local f=$1 t
  [ -e "$f" ] || : > "$f"; t=$(mktemp "$f.XXXXXX")
  SEC=$2 KEY=$3 N=$(($# - 3)) VALS=$(shift 3; printf '%s\n' "$@") BARE=${OSL_BARE:-0} awk '
    function keyof(s,  p) { sub(/^[[:space:]]+/, "", s); p = index(s, "="); if (p) s = substr(s, 1, p - 1); sub(/[[:space:]]+$/, "", s); return s }
    function line(i,  pre, p) {
      if (ENVIRON["BARE"] == 1 && v[i] == "") return key
      if (pre == "") return key " = " v[i]
      return pre v[i]
    }
    { l[NR] = $0 }
    END {
      sec = ENVIRON["SEC"]; key = ENVIRON["KEY"]; n = ENVIRON["N"] + 0; split(ENVIRON["VALS"], v, "\n")
      cur = ""; have = (sec == ""); ins = 0; m = 0; first = 0
      for (i = 1; i <= NR; i++) {
        s = l[i]; sub(/^[[:space:]]+/, "", s); sub(/[[:space:]]+$/, "", s)
        if (s ~ /^\[.*\]$/) { cur = substr(s, 2, length(s) - 2); kind[i] = "h"; if (!first) first = i; if (cur == sec) { have = 1; ins = i }; continue }
        kind[i] = s == "" ? "b" : s ~ /^[#;]/ ? "c" : "k"
        if (cur != sec || kind[i] != "k") continue
        ins = i
        if (keyof(l[i]) == key) occ[++m] = i
      }
      if (sec == "" && ins == 0) { ins = first ? first - 1 : NR; if (first) { while (ins > 0 && kind[ins] == "c") ins--; while (ins > 0 && kind[ins] == "b") ins-- } }
      pre = ""
      if (m) {
        o = l[occ[m]]; p = index(o, "=")
        if (p) { pre = substr(o, 1, p); rest = substr(o, p + 1); match(rest, /^[[:space:]]*/); pre = pre substr(rest, 1, RLENGTH); if (pre ~ /=$/ && n == 1 && v[1] != "") pre = pre " " }
        else pre = o " = "
        for (k = 1; k <= m; k++) drop[occ[k]] = 1
        ins = occ[m]
      }
      for (i = 0; i <= NR; i++) {
        if (i > 0 && !(i in drop)) print l[i]
        if (i == ins && (m || have)) { for (k = 1; k <= n; k++) print line(k, pre) }
      }
      if (!m && !have) { if (NR > 0 && kind[NR] != "b") print ""; print "[" sec "]"; for (k = 1; k <= n; k++) print line(k, pre) }
    }' "$f" > "$t"
  if cmp -s "$t" "$f"; then rm -f "$t"; else chmod --reference="$f" "$t"; chown --reference="$f" "$t"; mv -f "$t" "$f"; fi
}

# [1/4] Install keystone
# If it fails: Check the repository setup (chapter 2).
if ! rpm -q openstack-keystone httpd >/dev/null 2>&1; then
  dnf -y install openstack-keystone httpd python3-mod_wsgi
fi

# [2/4] Configure /etc/keystone/keystone.conf: [database] connection = mysql+pymysql://keystone:$KEYSTONE_DB@controller/keystone; [token] provider = fernet
osl_ini_set /etc/keystone/keystone.conf database connection mysql+pymysql://keystone:"${KEYSTONE_DB}"@controller/keystone
osl_ini_set /etc/keystone/keystone.conf token provider fernet

# [3/4] Write the admin credentials (78 bytes, mode 0600, owner root:root)
osl_file /root/admin_key 600 root root <<OSL_EOF
export OS_PASSWORD=${ADMIN_PASS}
export PS1='[\\u@\\h \\W(keystone)]\\\$ '
OSL_EOF

# [4/4] Keystone answers
curl -fsS http://controller:5000/v3 >/dev/null

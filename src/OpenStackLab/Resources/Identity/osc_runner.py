# Sent as the program text of `/usr/bin/python3 -` (stdin); OpenStackCli appends one call,
# run("<base64 JSON>") or probe("<base64 JSON>"). The request rides inside the program on stdin,
# so no value, least of all a password, is ever on a process command line.
import base64
import json
import os
import sys


def _decode(encoded):
    return json.loads(base64.b64decode(encoded).decode("utf-8"))


def run(encoded):
    """Runs one openstackclient command in this process: {"argv": [...], "env": {OS_*} or null}."""
    request = _decode(encoded)
    env = request.get("env")
    if env is not None:
        # Explicit credentials replace whatever OS_* the login environment carries.
        for key in [k for k in os.environ if k.startswith("OS_")]:
            del os.environ[key]
        os.environ.update(env)
    try:
        from openstackclient import shell
    except ImportError:
        sys.stderr.write("OpenStackLab: openstackclient is not installed for /usr/bin/python3 on this node "
                         "(Debian: python3-openstackclient, RDO: python3-openstackclient)\n")
        sys.exit(96)
    sys.exit(shell.main(request["argv"]))


def probe(encoded):
    """Tries each URL once from this node: {"urls": [...], "timeout": s}; prints a JSON list."""
    import urllib.error
    import urllib.request
    request = _decode(encoded)
    results = []
    for url in request["urls"]:
        try:
            with urllib.request.urlopen(url, timeout=request.get("timeout", 5)) as response:
                results.append({"url": url, "reachable": True, "status": response.status, "message": ""})
        except urllib.error.HTTPError as e:  # an HTTP answer, even 401 or 404, means the service is there
            results.append({"url": url, "reachable": True, "status": e.code, "message": ""})
        except Exception as e:  # refused, timed out, name not resolved
            reason = getattr(e, "reason", e)
            results.append({"url": url, "reachable": False, "status": 0, "message": str(reason)})
    print(json.dumps(results))

# Helpers shared by the lab's test files (dot-sourced in each file's BeforeAll). $Lab is the file's parameter: a lab
# connected with Connect-OsLab. Commands run on the lab's own sessions. API calls run on the controller as the login
# user with the admin openrc Install-OsKeystone wrote (~/admin-openrc, the guide's admin_key): the same token and
# catalog `openstack` uses, through a few lines of Python instead of the openstack CLI (whose start-up costs seconds of
# CPU per command on a small lab machine).

function Invoke-LabCommand {
    # Runs a shell command on a node (as root unless -AsUser) and returns its output; a non-zero exit throws with stderr.
    param([Parameter(Mandatory)] [string] $Node, [Parameter(Mandatory)] [string] $Command, [switch] $AsUser, [int] $TimeoutSec = 300)
    $session = Get-OsSession -Lab $Lab -Name $Node
    if (-not $session) { throw "No session to ${Node}: connect the lab first (`$lab | Connect-OsLab ...)." }
    $r = Invoke-OsCommand -Session $session -Command $Command -AsRoot:(-not $AsUser) -AllowFailure -TimeoutSec $TimeoutSec
    if ($r.ExitCode -ne 0) { throw "'$($Command.Split("`n")[0])' on $Node exited with $($r.ExitCode): $($r.StdErr.Trim())" }
    $r.StdOut
}

$script:LabApiPython = @'
import json, os, sys, urllib.request, urllib.error
e = os.environ
def call(url, body=None, token=None, method=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    r = urllib.request.Request(url, data=data, method=method)
    r.add_header('Content-Type', 'application/octet-stream' if raw is not None else 'application/json')
    r.add_header('Accept', 'application/json')
    if token: r.add_header('X-Auth-Token', token)
    return urllib.request.urlopen(r, timeout=120)
auth = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {'name': e['OS_USERNAME'], 'domain': {'name': e['OS_USER_DOMAIN_NAME']}, 'password': e['OS_PASSWORD']}}},
                 'scope': {'project': {'name': e['OS_PROJECT_NAME'], 'domain': {'name': e['OS_PROJECT_DOMAIN_NAME']}}}}}
resp = call(e['OS_AUTH_URL'].rstrip('/') + '/auth/tokens', auth)
token = resp.headers['X-Subject-Token']
t = json.load(resp)['token']
project = t['project']['id']
def urls(kind):
    return [dict(interface=x['interface'], region=x.get('region_id') or x.get('region'), url=x['url'])
            for s in t.get('catalog', []) if s['type'] == kind for x in s['endpoints']]
def public(kind):
    u = [x['url'] for x in urls(kind) if x['interface'] == 'public']
    if not u: sys.exit('The catalog has no public %s endpoint.' % kind)
    return u[0].replace('%(tenant_id)s', project).replace('%(project_id)s', project).rstrip('/')
mode = sys.argv[1]
if mode == 'token':
    out = {'project_id': project, 'expires_at': t['expires_at'], 'catalog': [{'type': s['type'], 'name': s['name'], 'endpoints': urls(s['type'])} for s in t.get('catalog', [])]}
elif mode == 'get':
    out = json.load(call(public(sys.argv[2]) + sys.argv[3], token=token))
elif mode == 'answers':
    out = []
    for x in urls(sys.argv[2]):
        try: code = call(x['url'].replace('%(tenant_id)s', project).replace('%(project_id)s', project), token=token).status
        except urllib.error.HTTPError as err: code = err.code
        except Exception: code = 0
        out.append(dict(x, status=code))
elif mode == 'image-roundtrip':
    # The guide's image create ... --public, image list, then delete: statuses as they come.
    base = public('image'); out = {}
    img = json.load(call(base + '/v2/images', {'name': sys.argv[2], 'disk_format': 'raw', 'container_format': 'bare'}, token))
    try:
        call(base + '/v2/images/%s/file' % img['id'], token=token, method='PUT', raw=b'\0' * 1048576)
        out['status'] = json.load(call(base + '/v2/images/' + img['id'], token=token))['status']
        out['listed'] = any(i['id'] == img['id'] for i in json.load(call(base + '/v2/images', token=token))['images'])
    finally:
        call(base + '/v2/images/' + img['id'], token=token, method='DELETE')
    try: call(base + '/v2/images/' + img['id'], token=token); out['deleted'] = False
    except urllib.error.HTTPError as err: out['deleted'] = err.code == 404
print(json.dumps(out))
'@

function Invoke-LabApi {
    # The admin's token and catalog (-Mode token), a GET on a service's public endpoint (get <type> <path>), the HTTP
    # status of each of a service's endpoints (answers <type>; 0: no answer), or an image upload round trip.
    param([Parameter(Mandatory)] [ValidateSet('token', 'get', 'answers', 'image-roundtrip')] [string] $Mode, [string[]] $Arguments = @())
    foreach ($a in $Arguments) { if ($a -notmatch '^[A-Za-z0-9_./?=&:-]+$') { throw "Unsafe argument '$a'." } }
    # Quoted: '&' and '?' are allowed in a path and mean something to the shell; the check above keeps quotes out.
    $quoted = ($Arguments | ForEach-Object { "'$_'" }) -join ' '
    $command = ". ~/admin-openrc && /usr/bin/python3 - $Mode $quoted <<'OSL_API'`n$script:LabApiPython`nOSL_API"
    Invoke-LabCommand -Node $Lab.Controller.Name -AsUser -Command $command | ConvertFrom-Json
}

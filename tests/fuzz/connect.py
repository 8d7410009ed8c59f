"""Connects product user 42 to the sandbox's creator through the OAuth flow, so that the fuzzer reaches the
logic behind sync, metrics, history and videos instead of `not_connected`. Usage: connect.py BASE TOKEN."""

import json
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE, TOKEN = sys.argv[1], sys.argv[2]
API = BASE + "/api/v1/integrations/tiktok"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post(url):
    request = urllib.request.Request(url, method="POST", headers={"Authorization": "Bearer " + TOKEN})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


init = post(API + "/auth/init?user_id=42")
try:
    urllib.request.build_opener(NoRedirect).open(init["authorization_url"] + "&sandbox_user=sandbox_creator")
    sys.exit("the sandbox did not redirect back")
except urllib.error.HTTPError as redirect:
    location = redirect.headers["Location"]
query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
query["user_id"] = "42"
status = post(API + "/auth/callback?" + urllib.parse.urlencode(query))
if status.get("status") != "connected":
    sys.exit("the connect flow failed: %s" % status)

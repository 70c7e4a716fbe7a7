#!/usr/bin/env python3
"""Checks, through the load balancer, that two deskvisa instances behave as
one: requests reach both; a session started on one works on the other; a
client's sign-in rate limit is counted once across both; an Idempotency-Key
replays the same answer from either and makes at most one stay; every email
committed to the outbox is delivered exactly once (one .eml per outbox row,
Message-IDs unique) although both instances' workers drain it.

Standard library only; run by scripts/scale-test.sh."""

import argparse
import email
import email.policy
import http.cookiejar
import json
import pathlib
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

ARGS = None
FAILURES = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        FAILURES.append(what)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener(jar=None):
    handlers = [NoRedirect()]
    if jar is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(jar))
    return urllib.request.build_opener(*handlers)


def call(method, path, body=None, headers=None, form=None, via=None):
    """(status, headers, text) of one request through the load balancer."""
    headers = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    request = urllib.request.Request(ARGS.lb + path, data=data, method=method, headers=headers)
    try:
        with (via or opener()).open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def sql(query):
    out = subprocess.run(["psql", ARGS.database, "-tAc", query], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def tokens():
    seeded = pathlib.Path(ARGS.seed).read_text()
    found = {}
    for role in ("visiting member", "host admin", "network admin"):
        line = next(l for l in seeded.splitlines() if l.strip().startswith(role))
        address, token = line.strip()[len(role):].split()
        found[role] = (address, token)
    return found


def sign_in_link(address, seen):
    """The token of the newest sign-in email to `address` not in `seen`."""
    deadline = time.time() + 30
    while time.time() < deadline:
        for path in sorted(pathlib.Path(ARGS.mail).glob("*.eml")):
            if path in seen:
                continue
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address not in str(message["To"]):
                continue
            body = message.get_body(preferencelist=("plain",))
            match = re.search(r"/auth/verify\?token=([A-Za-z0-9_-]+)", body.get_content() if body else "")
            if match:
                seen.add(path)
                return match.group(1)
        time.sleep(0.05)
    raise SystemExit(f"no sign-in email reached {address}")


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    for name in ("--lb", "--mail", "--seed", "--database", "--upstreams"):
        parser.add_argument(name, required=True)
    ARGS = parser.parse_args()
    upstreams = set(ARGS.upstreams.split(","))
    people = tokens()
    member_address, member_token = people["visiting member"]
    bearer = {"Authorization": f"Bearer {member_token}"}

    # Both instances answer.
    served = {call("GET", "/healthz")[1].get("X-Upstream") for _ in range(8)}
    check(served == upstreams, f"round robin reaches both instances: {sorted(served)}")

    # Metrics are scraped from each instance, not through the public side;
    # every answer carries its request id.
    status, _, _ = call("GET", "/metrics")
    check(status == 404, f"/metrics is not served through the proxy: {status}")
    upstream = sorted(upstreams)[0]
    with urllib.request.urlopen(f"http://{upstream}/metrics", timeout=30) as response:
        text = response.read().decode()
    check("deskvisa_build_info{" in text, "but each instance serves it to the scraper")
    status, headers, _ = call("GET", "/healthz", headers={"X-Request-Id": "chosen-by-the-client"})
    given = headers.get("X-Request-Id") or ""
    check(len(given) == 32 and all(c in "0123456789abcdef" for c in given),
          f"the answer carries nginx's request id, not the client's: {given!r}")

    # A browser session started through one instance works on both.
    seen = set()
    status, _, _ = call("POST", "/api/v1/auth/magic-link", {"email": member_address})
    check(status == 202, f"sign-in link asked for: {status}")
    token = sign_in_link(member_address, seen)
    jar = http.cookiejar.CookieJar()
    browser = opener(jar)
    status, _, page = call("GET", f"/auth/verify?token={token}", via=browser)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    check(status == 200 and csrf is not None, f"the link's page has a form: {status}")
    status, headers, _ = call(
        "POST", "/auth/verify", form={"token": token, "csrf": csrf.group(1) if csrf else ""},
        headers={"Origin": ARGS.lb}, via=browser,
    )
    check(status == 303, f"the form signs in: {status}")
    answers = [call("GET", "/api/v1/me", via=browser) for _ in range(6)]
    check(all(s == 200 for s, _, _ in answers), f"the session works: {[s for s, _, _ in answers]}")
    check({h.get("X-Upstream") for _, h, _ in answers} == upstreams, "on both instances")
    me = json.loads(answers[0][2])
    check(me.get("email") == member_address, "as the member who signed in")
    status, _, _ = call("POST", "/api/v1/auth/logout", via=browser, headers={"Origin": ARGS.lb})
    after = [call("GET", "/api/v1/me", via=browser)[0] for _ in range(4)]
    check(status in (200, 204) and after == [401] * 4, f"signed out on both: {status} then {after}")

    # API tokens from a link, on both instances.
    call("POST", "/api/v1/auth/magic-link", {"email": member_address})
    token = sign_in_link(member_address, seen)
    status, _, body = call("POST", "/api/v1/auth/token", {"token": token})
    check(status == 200, f"an API token for the link: {status}")
    api = {"Authorization": f"Bearer {json.loads(body)['api_token']}"}
    statuses = {call("GET", "/api/v1/me", headers=api)[0] for _ in range(4)}
    check(statuses == {200}, f"the API token works on both: {statuses}")
    status, _, _ = call("POST", "/api/v1/auth/token", {"token": token})
    check(status in (400, 401, 404, 409, 422), f"the link works once, on any instance: {status}")

    # One client's sign-in requests are counted once across both instances
    # (20 a minute by default), its address as nginx forwards it.
    if time.gmtime().tm_sec > 45:
        time.sleep(61 - time.gmtime().tm_sec)  # the burst fits in one window
    client = {"X-Forwarded-For": "203.0.113.77"}
    burst = [
        call("POST", "/api/v1/auth/magic-link", {"email": f"nobody{i}@nowhere.example"}, headers=client)
        for i in range(25)
    ]
    codes = [s for s, _, _ in burst]
    check(codes.count(202) == 20 and codes.count(429) == 5, f"20 accepted, 5 limited: {codes}")
    check({h.get("X-Upstream") for _, h, _ in burst} == upstreams, "limits counted on both instances")
    limited = [h for s, h, _ in burst if s == 429]
    check(all(h.get("Retry-After") for h in limited), "with Retry-After")

    # Idempotency keys: the same answer from either instance, at most one stay.
    _, _, clusters = call("GET", "/api/v1/clusters", headers=bearer)
    home = json.loads(call("GET", "/api/v1/me", headers=bearer)[2])["cluster_id"]
    listed = json.loads(clusters)
    items = listed["items"] if isinstance(listed, dict) else listed
    site = next(s["id"] for c in items if c["id"] != home and c.get("status", "active") == "active" for s in c["sites"])
    before = int(sql("SELECT COUNT(*) FROM stays"))
    start = time.gmtime(time.time() + 21 * 86400)
    day = time.strftime("%Y-%m-%d", start)
    stay = {"site_id": site, "start_date": day, "end_date": day, "purpose": "Meeting partners"}
    key = {**bearer, "Idempotency-Key": str(uuid.uuid4())}
    first = call("POST", "/api/v1/stays", stay, headers=key)
    again = call("POST", "/api/v1/stays", stay, headers=key)
    check(first[1].get("X-Upstream") != again[1].get("X-Upstream"), "the replay went to the other instance")
    check((first[0], first[2]) == (again[0], again[2]), f"the same answer replayed: {first[0]} and {again[0]}")
    key = {**bearer, "Idempotency-Key": str(uuid.uuid4())}
    other = {**stay, "start_date": time.strftime("%Y-%m-%d", time.gmtime(time.time() + 28 * 86400))}
    other["end_date"] = other["start_date"]
    with ThreadPoolExecutor(8) as pool:
        racing = list(pool.map(lambda _: call("POST", "/api/v1/stays", other, headers=key), range(8)))
    codes = sorted({s for s, _, _ in racing})
    check(set(codes) <= {201, 409, 422}, f"racing a key: {codes}")
    made = int(sql("SELECT COUNT(*) FROM stays")) - before
    keyed = int(sql("SELECT COUNT(*) FROM idempotency_keys WHERE stay_id IS NOT NULL"))
    check(made <= 2 and keyed == made, f"{made} stays for two keys, each key mapped to at most one")

    # The outbox: every committed email delivered exactly once.
    deadline = time.time() + 60
    while sql("SELECT COUNT(*) FROM outbox WHERE status = 'pending'") != "0" and time.time() < deadline:
        time.sleep(0.1)
    sent = int(sql("SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND recipient LIKE 'member:%'"))
    files = list(pathlib.Path(ARGS.mail).glob("*.eml"))
    ids = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)["Message-ID"] for p in files]
    check(sent > 0 and len(files) == sent, f"{len(files)} emails written for {sent} sent outbox rows")
    check(len(set(ids)) == len(ids), "each with its own Message-ID")
    check(sql("SELECT COUNT(*) FROM outbox WHERE status = 'pending' OR lease_until > now()") == "0",
          "nothing left pending or leased")

    print(f"{len(FAILURES)} failures")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())

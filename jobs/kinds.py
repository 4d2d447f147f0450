"""The kinds of job: for each, what it locks, how its work is split into chunks, what a dry run says it will
do, and its body — which calls the existing set-based code (contacts.bulk, contacts.sync, the duplicate
index, crm.csv_io), never a copy of its rules.

A body gets the chunk, the job's options and a ``Run`` (jobs.runner) and reports every batch through
``run.batch(...)`` inside the batch's transaction.
"""

import csv
import io
from dataclasses import dataclass
from typing import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from contacts.bulk import create, drift
from contacts.bulk import link as linking
from contacts.models import Contact
from crm import csv_io
from jobs import adapters
from partners import kinds as partner_kinds

CREATE_FILTERS = ("from_no", "to_no", "search_name", "currency", "posting_group")
CSV_BATCH = 500  # CSV rows per committed batch of an import job


@dataclass(frozen=True)
class JobKind:
    key: str
    label: str  # "Create contacts from partners"
    locks: Callable  # options → the record kinds the job writes (JobLock keys)
    plan: Callable  # (options, upload text) → (total rows, [(after_pk, up_to_pk)] one per chunk)
    preview: Callable  # (options, upload text) → a sentence saying what the job will do (a dry run's count)
    run: Callable  # (chunk, options, run) → what the kind's own code returned (a command prints it); the body
    describe: Callable  # options → a short line for the jobs list


def _partner_plural(options):
    return partner_kinds.get(options["partner_kind"]).plural


# --- Create contacts from customers / vendors / bank accounts (contacts.bulk.create) ----------------------


def _create_filters(options):
    return {name: options.get(name, "") for name in CREATE_FILTERS}


def _create_plan(options, text=None):
    create.require_setup(options["partner_kind"])
    pks = list(create.filter_partners(options["partner_kind"], **_create_filters(options))
               .order_by("pk").values_list("pk", flat=True))
    size = max(1, settings.JOBS_CHUNK_SIZE)
    ranges = [((pks[start - 1] if start else 0), pks[min(start + size, len(pks)) - 1])
              for start in range(0, len(pks), size)] or [(0, 0)]
    return len(pks), ranges


def _create_preview(options, text=None):
    kind = options["partner_kind"]
    create.require_setup(kind)
    selected = create.filter_partners(kind, **_create_filters(options)).count()
    new = create.partners_without_contact(kind, **_create_filters(options)).count()
    plural = partner_kinds.get(kind).plural
    return (f"Will create {new:,} contact{'s' if new != 1 else ''} from {plural} "
            f"({selected - new:,} of the {selected:,} selected {plural} already have one).")


def _create_run(chunk, options, run):
    kind = options["partner_kind"]

    def checkpoint(last_pk, page, batch, made, unsearched):
        chosen = {partner.pk for partner in batch}
        refused = [text.split(" (", 1) for text in made.refused]
        run.batch(processed=len(page), done=len(made.companies), skipped=len(page) - len(batch),
                  errors=len(made.refused), checkpoint={"last_pk": last_pk, "unsearched": unsearched},
                  add={"persons": made.persons, "duplicates": len(made.duplicates)},
                  lines=[(p.no, "skipped", "It already has a contact.") for p in page if p.pk not in chosen]
                  + [(no, "error", f"Its e-mail ({rest.rstrip(')')}) is not an e-mail address: correct it, "
                                   "then run the job again.") for no, rest in refused])

    return create.create_contacts_from(kind, batch_size=int(options.get("batch_size") or 1000),
                                after_pk=run.checkpoint.get("last_pk", chunk.after_pk), up_to_pk=chunk.up_to_pk,
                                unsearched=run.checkpoint.get("unsearched", ()), checkpoint=checkpoint, progress=run.progress, **_create_filters(options))


def _create_describe(options):
    filters = [f"{name.replace('_', ' ')} {options[name]}" for name in CREATE_FILTERS if options.get(name)]
    return f"from {_partner_plural(options)}" + (f" ({', '.join(filters)})" if filters else "")


# --- Link existing contacts (the matcher) -----------------------------------------------------------------


def _link_plan(options, text=None):
    model = partner_kinds.get(options["partner_kind"]).model
    return model.objects.filter(contact_links__isnull=True).count(), [(0, None)]


def _link_preview(options, text=None):
    unlinked, _ = _link_plan(options)
    plural = _partner_plural(options)
    verb = "report the pairs it would link" if options.get("dry_run") else "link the confident matches"
    return (f"Will compare {unlinked:,} {plural} without a contact with the contacts that have no "
            f"{partner_kinds.get(options['partner_kind']).label}, and {verb} (match probability ≥ "
            f"{options['min_score']}; from {_review_min(options)} listed for review).")


def _review_min(options):
    return options.get("review_min") or linking.DEFAULT_REVIEW_MIN


def _link_run(chunk, options, run):
    with transaction.atomic():  # the links and the job's record of them commit together
        result = adapters.link_contacts(options["partner_kind"], min_score=options["min_score"],
                                        review_min=_review_min(options), master=options.get("master", "contact"),
                                        dry_run=bool(options.get("dry_run")),
                                        report_min=options.get("report_min", linking.REPORT_MIN_PROBABILITY))
        stream = io.StringIO()
        adapters.write_link_report(result, stream)
        rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
        linked = len(getattr(result, "linked", ()))
        lines = [(f"{row.get('partner_no', '')} ↔ {row.get('contact_no', '')}", "skipped",
                  f"{row.get('decision', '')} (match probability {row.get('match_probability', '')}: "
                  f"{row.get('explanation', '')})")
                 for row in rows if row.get("decision") != "linked"]
        partners = getattr(result, "partners", linked)
        run.batch(processed=partners, done=linked, skipped=max(0, partners - linked), lines=lines,
                  add={"candidates": len(rows)})
    return result


def _link_describe(options):
    return (f"{_partner_plural(options)}, match probability ≥ {options['min_score']}, "
            f"{options.get('master', 'contact')} wins"
            + (", dry run" if options.get("dry_run") else ""))


# --- Check synchronization (drift) and repair -------------------------------------------------------------


def _sync_locks(options):
    return list(partner_kinds.KINDS) if options.get("repair") else []


def _sync_plan(options, text=None):
    return len(drift.find_drift()), [(0, None)]


def _sync_preview(options, text=None):
    found = len(drift.find_drift())
    if not found:
        return "No drift now: every linked contact and partner agree on the mapped fields."
    if options.get("repair"):
        return f"Will repair {found:,} linked pair(s) that differ, the {options['repair']}'s values winning."
    return f"Will list {found:,} linked pair(s) that differ (nothing is changed)."


def _sync_run(chunk, options, run):
    master = options.get("repair") or ""
    with transaction.atomic():
        found = drift.find_drift()
        repaired = sum(drift.repair(master).values()) if master and found else 0
        remaining = len(drift.find_drift()) if master and found else len(found)
        run.batch(processed=len(found), done=repaired, skipped=len(found) - repaired if not master else 0,
                  errors=remaining if master else 0,
                  lines=[(f"{partner_kinds.get(d.kind).title} {d.partner_no} ↔ {d.contact_no}",
                          "skipped" if not master else "repaired", d.describe()) for d in found])
    return {"found": found, "repaired": repaired, "remaining": remaining}


def _sync_describe(options):
    return f"repair, the {options['repair']}'s values winning" if options.get("repair") else "check only"


# --- Find duplicates (the duplicate index) ---------------------------------------------------------------


def _dup_plan(options, text=None):
    return Contact.objects.count(), [(0, None)]


def _dup_preview(options, text=None):
    return (f"Will rebuild the duplicate index of {Contact.objects.count():,} contacts (companies and persons) "
            "and look for pairs.")


def _dup_run(chunk, options, run):
    def progress(n):
        run.beat(processed=n)
        run.progress(n)

    found = [] if options.get("collect_pairs") else None  # the command's --report
    result = adapters.rebuild_duplicate_index(batch_size=int(options.get("batch_size") or 5000), progress=progress,
                                              report=(lambda *pair: found.append(pair)) if found is not None else None)
    if found is not None:
        result["found"] = found
    with transaction.atomic():
        run.batch(done=result.get("indexed", 0), add={"pairs": result.get("pairs", 0)})
    return result


def _dup_describe(options):
    return "contacts (companies and persons)"


# --- Import CSV (crm.csv_io), committed a few hundred rows at a time ---------------------------------------


def csv_spec(options):
    spec = csv_io.spec_named(options.get("spec", ""))
    if spec is None:
        raise ValidationError("This kind of list cannot be imported.")
    return spec


def _csv_locks(options):
    spec = csv_spec(options)
    if partner_kinds.is_partner(spec.model):
        return [partner_kinds.of(spec.model).key]
    return list(partner_kinds.KINDS)  # contacts: a changed contact reaches every kind of linked partner


def _csv_records(text):
    text = text.lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        records = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise ValidationError(f"The file is not readable as CSV: {exc}.") from exc
    if not records:
        raise ValidationError("The file is empty.")
    return records[0], records[1:]


def _csv_text(header, rows):
    stream = io.StringIO()
    csv.writer(stream).writerows([header, *rows])
    return stream.getvalue()


def _csv_plan(options, text):
    _, rows = _csv_records(text)
    return len(rows), [(0, None)]


def _csv_preview(options, text):
    spec = csv_spec(options)
    header, rows = _csv_records(text)
    if len(rows) > 5000:
        return (f"Will read {len(rows):,} rows into {spec.label}, {CSV_BATCH} at a time; rows with errors are "
                "listed in the job's report.")
    result = csv_io.preview(spec, text)
    if result.file_errors:
        raise ValidationError(result.file_errors)
    counts = result.counts
    return (f"Will import {len(result.good_rows):,} of {len(result.rows):,} rows: {counts['create']:,} new, "
            f"{counts['update']:,} changed, {counts['unchanged']:,} unchanged; {len(result.bad_rows):,} with "
            "errors" + (" will be left out." if options.get("exclude_bad_rows") else " stop the import."))


def _csv_run(chunk, options, run):
    spec = csv_spec(options)
    header, rows = _csv_records(chunk.job.upload.text)
    if not options.get("exclude_bad_rows") and not run.checkpoint.get("checked"):
        bad = []  # all or nothing: every row is checked before the first is written
        for start in range(0, len(rows), CSV_BATCH):
            result = csv_io.preview(spec, _csv_text(header, rows[start:start + CSV_BATCH]))
            if result.file_errors:
                raise ValidationError(result.file_errors)
            bad += [(f"line {start + row.line}", "error", " ".join(row.errors)) for row in result.bad_rows]
            run.beat()
        with transaction.atomic():
            if bad:
                run.batch(errors=len(bad), lines=bad)
            else:
                run.batch(checkpoint={"checked": True})
        if bad:
            raise ValidationError(f"{len(bad)} row(s) have errors (see the report): fix them, or start the import "
                                  "again leaving them out. Nothing was imported.")
    for start in range(run.checkpoint.get("rows", 0), len(rows), CSV_BATCH):
        part = rows[start:start + CSV_BATCH]
        with transaction.atomic():
            result, saved = csv_io.run_import(spec, _csv_text(header, part), exclude_bad_rows=True)
            run.batch(processed=len(part), done=saved, errors=len(result.bad_rows),
                      checkpoint={"rows": start + len(part)},
                      lines=[(f"line {start + row.line}", "error", " ".join(row.errors)) for row in result.bad_rows])
        run.progress(len(part))


def _csv_describe(options):
    return f"{options.get('file_name', 'a file')} into {options.get('spec', '')}"


KINDS: dict[str, JobKind] = {
    kind.key: kind for kind in [
        JobKind("create_contacts", "Create contacts from partners", lambda o: [o["partner_kind"]], _create_plan,
                _create_preview, _create_run, _create_describe),
        JobKind("link_contacts", "Link existing contacts", lambda o: [o["partner_kind"]], _link_plan,
                _link_preview, _link_run, _link_describe),
        JobKind("sync_check", "Check synchronization", _sync_locks, _sync_plan, _sync_preview, _sync_run,
                _sync_describe),
        JobKind("find_duplicates", "Find duplicates", lambda o: ["duplicate_index"], _dup_plan, _dup_preview,
                _dup_run, _dup_describe),
        JobKind("import_csv", "Import CSV", _csv_locks, _csv_plan, _csv_preview, _csv_run, _csv_describe),
    ]
}


def get(key: str) -> JobKind:
    return KINDS[key]

"""Scenario 5: updated partner rows imported from CSV (``crm.csv_io.preview``/``run_import`` with the
partners' CSV specs, as the import screen does) against the same changes saved per row.

The file is what a user would upload: the partners exported with ``crm.csv_io.export_text``, the
changed cells edited (name, phone, address, territory, currency, credit limit, a first contact
text), every other column as exported.
"""

import csv
import io

import pytest

from crm import csv_io
from partners.csv_specs import BANK_ACCOUNT_CSV, CUSTOMER_CSV, VENDOR_CSV
from tests.equivalence import data, harness
from tests.equivalence.snapshot import assert_none_found, assert_same_state, labelled

pytestmark = pytest.mark.django_db

PROFILE = {"companies": 12, "standalone": 2, "create_as": {"customer": 5, "vendor": 3, "bank_account": 1},
           "automatic": {"customer": 3, "vendor": 2, "bank_account": 1}, "both": 0.4}
SPECS = {"customer": CUSTOMER_CSV, "vendor": VENDOR_CSV, "bank_account": BANK_ACCOUNT_CSV}


def changes(world):
    return data.plan_partner_changes(world, world.seed, more=True)


def per_row(world):
    planned = changes(world)
    for kind, no, values in planned:
        partner = world.partner(kind, no)
        for name, value in values.items():
            setattr(partner, name, value)
        harness.step(partner.save)
    return len(planned)


def cell(value) -> str:
    if value is None:
        return ""
    return getattr(value, "code", None) or str(value)  # a territory is written as its code


def edited_file(kind, planned) -> str:
    """The export of the partners in ``planned`` ({no: values}), with the planned cells edited."""
    spec = SPECS[kind]
    exported = csv_io.export_text(spec, spec.model.objects.filter(no__in=planned))
    rows = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    for row in rows:
        row.update({name: cell(value) for name, value in planned[row["no"]].items()})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(spec.columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def by_import(world):
    imported, plan = 0, changes(world)
    for kind in data.KINDS:
        planned = {no: values for k, no, values in plan if k == kind}
        if not planned:
            continue
        text = edited_file(kind, planned)
        preview = csv_io.preview(SPECS[kind], text)
        assert not preview.file_errors and not preview.bad_rows, (
            preview.file_errors, [(row.line, row.errors) for row in preview.bad_rows])
        _, saved = harness.step(csv_io.run_import, SPECS[kind], text)
        imported += saved
    return imported


def both_paths(outcomes, seed):
    if seed not in outcomes:
        outcomes[seed] = (harness.run(seed, per_row, profile=PROFILE, acting="request"),
                          harness.run(seed, by_import, profile=PROFILE, acting="request"))
    return outcomes[seed]


@pytest.mark.parametrize("seed", data.SEEDS)
def test_importing_updated_partner_rows_ends_as_saving_the_changes(outcomes, seed):
    by_row, by_csv = both_paths(outcomes, seed)
    assert by_row.result and by_csv.result == by_row.result, (by_row.result, by_csv.result)
    assert_same_state(by_row.after, by_csv.after, labels=("per-row saves", "CSV import"))


@pytest.mark.parametrize("seed", data.SEEDS)
def test_no_drift_and_history_names_the_importing_user(outcomes, seed):
    by_row, by_csv = both_paths(outcomes, seed)
    assert_none_found(labelled("per-row saves", by_row.drift + by_row.history_problems())
                      + labelled("CSV import", by_csv.drift + by_csv.history_problems()),
                      "sync_check and change history")

"""Scenario 1: a contact for every partner without one — per row (create_contact_from_partner) and in
bulk (``create_contacts_from``) — on partners saved normally and partners written with ``bulk_create``
(an import bypassing ``save()``: no search name, VAT no. as typed)."""

import pytest

from contacts import services
from tests.equivalence import data, harness
from tests.equivalence.snapshot import assert_none_found, assert_same_state, labelled

pytestmark = pytest.mark.django_db

PROFILE = {"companies": 10, "standalone": 3, "unlinked": {"customer": 6, "vendor": 4, "bank_account": 2},
           "raw": {"customer": 3, "vendor": 2, "bank_account": 1}, "matching": {"customer": 2, "vendor": 1}}


def per_row(world):
    """Each partner without a contact, by primary key, through the service a screen calls."""
    for kind in data.KINDS:
        for partner in data.MODELS[kind].objects.filter(contact_links__isnull=True).order_by("pk"):
            harness.step(services.create_contact_from_partner, partner)


def in_bulk(world):
    for kind in data.KINDS:
        harness.command("create_contacts_from", data.COMMAND_WORDS[kind], "--no-progress")


def both_paths(outcomes, seed):
    if seed not in outcomes:
        outcomes[seed] = (harness.run(seed, per_row, profile=PROFILE, acting="request"),
                          harness.run(seed, in_bulk, profile=PROFILE, acting="command"))
    return outcomes[seed]


@pytest.mark.parametrize("seed", data.SEEDS)
def test_bulk_creation_ends_in_the_per_row_state(outcomes, seed):
    by_row, by_bulk = both_paths(outcomes, seed)
    assert by_row.after["contacts"].keys() - by_row.before["contacts"].keys(), "the scenario created no contact"
    assert_same_state(by_row.after, by_bulk.after)


@pytest.mark.parametrize("seed", data.SEEDS)
def test_sync_check_finds_no_drift_after_either_path(outcomes, seed):
    """Partners imported without save() never had their derived fields set: the new pairs must agree anyway."""
    by_row, by_bulk = both_paths(outcomes, seed)
    assert_none_found(labelled("per row", by_row.drift) + labelled("create_contacts_from", by_bulk.drift),
                      "sync_check after each path")


@pytest.mark.parametrize("seed", data.SEEDS)
def test_every_created_or_changed_record_has_history_naming_the_acting_user(outcomes, seed):
    by_row, by_bulk = both_paths(outcomes, seed)
    assert_none_found(labelled("per row", by_row.history_problems())
                      + labelled("create_contacts_from", by_bulk.history_problems()), "change history")

"""Scenario 3: ``link_contacts customers|vendors|bank-accounts --master partner|contact`` against
``contacts.services.link_contact(contact, partner, master=…)`` for exactly the pairs the command links.

The pairs come from the command's own dry run (its review report, decision "linked"), taken on
the per-row path right before each kind is linked, so both paths link the same pairs in the same
state. The data holds partners that are the same organisation as a company or a stand-alone person
(same VAT no. or e-mail, the name up to case and legal form) with other phone, address, territory …,
so whose values win matters, and persons that still hold their company's phone and address.
"""

import pytest

from contacts import services
from tests.equivalence import data, harness
from tests.equivalence.snapshot import assert_none_found, assert_same_state, labelled

pytestmark = pytest.mark.django_db

PROFILE = {"companies": 12, "standalone": 3, "unlinked": {"customer": 2, "vendor": 1},
           "matching": {"customer": 4, "vendor": 3, "bank_account": 1},
           "create_as": {"customer": 2, "vendor": 1}, "both": 0.5}
MASTERS = ("partner", "contact")


def per_row(master):
    def operate(world):
        linked = []
        for kind in data.KINDS:
            for partner_no, contact_no in harness.pairs_link_contacts_would_link(kind, master):
                harness.step(services.link_contact, world.contact(contact_no), world.partner(kind, partner_no),
                             master=master)
                linked.append((kind, partner_no, contact_no))
        return linked
    return operate


def in_bulk(master):
    def operate(world):
        for kind in data.KINDS:
            harness.command("link_contacts", data.COMMAND_WORDS[kind], "--master", master)
    return operate


def both_paths(outcomes, seed, master):
    key = (seed, master)
    if key not in outcomes:
        outcomes[key] = (harness.run(seed, per_row(master), profile=PROFILE, acting="request"),
                         harness.run(seed, in_bulk(master), profile=PROFILE, acting="command"))
    return outcomes[key]


@pytest.mark.parametrize("seed", data.SEEDS)
@pytest.mark.parametrize("master", MASTERS)
def test_bulk_linking_ends_as_link_contact_for_the_same_pairs(outcomes, seed, master):
    by_row, by_bulk = both_paths(outcomes, seed, master)
    kinds = {kind for kind, _, _ in by_row.result}
    assert {"customer", "vendor"} <= kinds, f"the seed linked too little: {by_row.result}"
    assert master == "contact" or by_row.changed_persons(), "no person followed its company"
    assert_same_state(by_row.after, by_bulk.after, labels=("link_contact", "link_contacts"))


@pytest.mark.parametrize("seed", data.SEEDS)
@pytest.mark.parametrize("master", MASTERS)
def test_no_drift_after_either_path(outcomes, seed, master):
    by_row, by_bulk = both_paths(outcomes, seed, master)
    assert_none_found(labelled("link_contact", by_row.drift) + labelled("link_contacts", by_bulk.drift),
                      "sync_check after each path")


@pytest.mark.parametrize("seed", data.SEEDS)
@pytest.mark.parametrize("master", MASTERS)
def test_every_changed_record_has_history_naming_the_acting_user(outcomes, seed, master):
    by_row, by_bulk = both_paths(outcomes, seed, master)
    assert_none_found(labelled("link_contact", by_row.history_problems())
                      + labelled("link_contacts", by_bulk.history_problems()), "change history")

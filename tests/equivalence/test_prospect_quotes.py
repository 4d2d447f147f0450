"""Scenario 4: open sales quotes of prospects (company contacts that are not customers yet, quotes made
with ``documents.services.sales_document_from_contact`` for the company or one of its persons, with a
customer template) follow the contact when it gets linked to a customer: per row through
``contacts.services.link_contact``, in bulk through ``link_contacts customers``."""

import pytest

from contacts import services
from tests.equivalence import data, harness
from tests.equivalence.snapshot import assert_none_found, assert_same_state, labelled

pytestmark = pytest.mark.django_db

PROFILE = {"companies": 10, "standalone": 2, "matching": {"customer": 5}, "prospects": 4,
           "create_as": {"customer": 2}}


def per_row(world):
    linked = []
    for partner_no, contact_no in harness.pairs_link_contacts_would_link("customer"):
        harness.step(services.link_contact, world.contact(contact_no), world.partner("customer", partner_no))
        linked.append((partner_no, contact_no))
    return linked


def in_bulk(world):
    harness.command("link_contacts", "customers")


def both_paths(outcomes, seed):
    if seed not in outcomes:
        outcomes[seed] = (harness.run(seed, per_row, profile=PROFILE, acting="request"),
                          harness.run(seed, in_bulk, profile=PROFILE, acting="command"))
    return outcomes[seed]


def quote_customers(outcome) -> dict:
    """Quote no. → its customer no., for every sales quote."""
    return {no: dict(fields)["sell_to_customer"] for (document_type, no), fields
            in outcome.after["sales_documents"].items() if document_type == "quote"}


@pytest.mark.parametrize("seed", data.SEEDS)
def test_a_linked_prospects_quotes_name_the_customer_on_both_paths(outcomes, seed):
    by_row, by_bulk = both_paths(outcomes, seed)
    prospects_linked = {contact_no for _, contact_no in by_row.result} & set(by_row.world.prospects)
    assert prospects_linked, "the seed linked no prospect"
    assert None not in quote_customers(by_row).values(), quote_customers(by_row)
    assert_same_state(by_row.after, by_bulk.after, labels=("link_contact", "link_contacts"))


@pytest.mark.parametrize("seed", data.SEEDS)
def test_no_drift_and_history_names_the_acting_user(outcomes, seed):
    by_row, by_bulk = both_paths(outcomes, seed)
    assert_none_found(labelled("link_contact", by_row.drift + by_row.history_problems())
                      + labelled("link_contacts", by_bulk.drift + by_bulk.history_problems()),
                      "sync_check and change history")

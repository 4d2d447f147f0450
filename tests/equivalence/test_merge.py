"""Scenario 6: merging a contact into its twin (``contacts.duplicates.merge.merge_contacts``) against the same
end state built with the per-row services.

Each twin pair is one company entered twice (the same phone, the name in capitals): the survivor is
a customer, the other a vendor, both may have persons. The merge keeps the survivor and some values
of the other. Per row the same end is reached step by step, as a user without a merge button would:
unlink the other's vendor, type the chosen values into the survivor and save it, move each of the
other's persons to the survivor (saved), give the survivor the other's other business relations,
delete the other, link the vendor to the survivor (the survivor's values winning).
"""

import random

import pytest

from contacts import services
from contacts.duplicates.merge import merge_contacts
from contacts.models import Contact, ContactBusinessRelation
from tests.equivalence import data, harness
from tests.equivalence.snapshot import assert_none_found, assert_same_state, labelled

pytestmark = pytest.mark.django_db

PROFILE = {"companies": 6, "standalone": 2, "twins": 3, "create_as": {"customer": 2, "vendor": 1}}
# The values a user may take from the other contact (duplicates.MERGE_FIELDS minus the number-like ones).
TAKEABLE = ("name", "name_2", "address", "city", "post_code", "email", "home_page", "territory", "fax_no",
            "mobile_phone_no", "language_code", "currency_code", "salesperson")


def plan(world) -> list[tuple[str, str, tuple]]:
    """(survivor no., other no., fields taken from the other) per twin pair, drawn from the seed."""
    rng = random.Random(world.seed + 20_000)
    return [(survivor, other, tuple(sorted(rng.sample(TAKEABLE, rng.randint(0, 4)))))
            for survivor, other in world.twins]


def by_merge(world):
    for survivor_no, other_no, take in plan(world):
        harness.step(merge_contacts, world.contact(survivor_no), world.contact(other_no),
                     take_from_other=take)
    return plan(world)


def per_row(world):
    for survivor_no, other_no, take in plan(world):
        other = world.contact(other_no)
        links = list(ContactBusinessRelation.objects.filter(contact=other).order_by("business_relation__code"))
        partners = [(link.link_to_table, link.partner.no) for link in links if link.link_to_table]
        for kind, _ in partners:
            harness.step(services.unlink, other, kind)
        survivor = world.contact(survivor_no)
        for name in take:
            attname = Contact._meta.get_field(name).attname
            setattr(survivor, attname, getattr(other, attname))
        harness.step(survivor.save)
        for person in Contact.objects.filter(company=other).order_by("no"):
            person.company = world.contact(survivor_no)
            harness.step(person.save)
        codes = set(ContactBusinessRelation.objects.filter(contact__no=survivor_no).values_list(
            "business_relation__code", flat=True))
        for link in links:
            if not link.link_to_table and link.business_relation.code not in codes:
                harness.step(ContactBusinessRelation.objects.create, contact=world.contact(survivor_no),
                             business_relation=link.business_relation)
        harness.step(world.contact(other_no).delete)
        for kind, partner_no in partners:
            harness.step(services.link_contact, world.contact(survivor_no), world.partner(kind, partner_no),
                         master="contact")
    return plan(world)


def both_paths(outcomes, seed):
    if seed not in outcomes:
        outcomes[seed] = (harness.run(seed, per_row, profile=PROFILE, acting="request"),
                          harness.run(seed, by_merge, profile=PROFILE, acting="request"))
    return outcomes[seed]


@pytest.mark.parametrize("seed", data.SEEDS)
def test_merge_ends_as_the_same_changes_made_with_the_services(outcomes, seed):
    by_row, by_merge_ = both_paths(outcomes, seed)
    merged = {other for _, other, _ in by_row.result}
    assert merged and not merged & by_merge_.after["contacts"].keys(), "the others are gone"
    assert by_row.changed_persons(), "no person moved to a survivor"
    assert_same_state(by_row.after, by_merge_.after, labels=("services", "merge"))


@pytest.mark.parametrize("seed", data.SEEDS)
def test_no_drift_after_the_merge(outcomes, seed):
    by_row, by_merge_ = both_paths(outcomes, seed)
    assert_none_found(labelled("services", by_row.drift) + labelled("merge", by_merge_.drift),
                      "sync_check after each path")


@pytest.mark.parametrize("seed", data.SEEDS)
def test_every_changed_record_has_history_naming_the_acting_user(outcomes, seed):
    by_row, by_merge_ = both_paths(outcomes, seed)
    assert_none_found(labelled("services", by_row.history_problems())
                      + labelled("merge", by_merge_.history_problems()), "change history")

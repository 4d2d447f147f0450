"""Scenario 2: partners renamed (new phone, new address) by raw SQL, then ``sync_check --repair partner``,
against the same changes saved per row with ``partner.save()``.

The raw UPDATE writes the row as a save would store it (the search name follows the new name), so
the scenario is about what the repair passes on: the contact's mapped fields and ``company_name``,
its other partners, its persons' ``company_name`` and inherited phone/address, the duplicate index.
"""

import pytest

from tests.equivalence import data, harness
from tests.equivalence.snapshot import assert_none_found, assert_same_state, labelled

pytestmark = pytest.mark.django_db

PROFILE = {"companies": 12, "standalone": 2, "create_as": {"customer": 5, "vendor": 3, "bank_account": 1},
           "automatic": {"customer": 3, "vendor": 2, "bank_account": 1}, "both": 0.4}


def per_row(world):
    """Each change saved on the partner, as its card would: the sync engine passes it on."""
    planned = data.plan_partner_changes(world, world.seed)
    for kind, no, values in planned:
        partner = world.partner(kind, no)
        for name, value in values.items():
            setattr(partner, name, value)
        harness.step(partner.save)
    return len(planned)


def raw_sql(world):
    """The same changes written past the signals (``QuerySet.update``): the pairs now drift."""
    for kind, no, values in data.plan_partner_changes(world, world.seed):
        data.MODELS[kind].objects.filter(no=no).update(**values, search_name=values["name"].upper())


def repair(world):
    harness.command("sync_check", "--repair", "partner")


def both_paths(outcomes, seed):
    if seed not in outcomes:
        outcomes[seed] = (harness.run(seed, per_row, profile=PROFILE, acting="request"),
                          harness.run(seed, repair, profile=PROFILE, acting="command", prepare=raw_sql))
    return outcomes[seed]


@pytest.mark.parametrize("seed", data.SEEDS)
def test_repair_partner_after_raw_renames_ends_as_the_per_row_saves(outcomes, seed):
    by_row, by_bulk = both_paths(outcomes, seed)
    assert by_row.result and by_row.changed_persons(), "the seed changed no partner, or no person followed"
    assert_same_state(by_row.after, by_bulk.after, labels=("per-row saves", "raw SQL + repair"))


@pytest.mark.parametrize("seed", data.SEEDS)
def test_no_drift_remains_after_either_path(outcomes, seed):
    by_row, by_bulk = both_paths(outcomes, seed)
    assert_none_found(labelled("per-row saves", by_row.drift) + labelled("repair", by_bulk.drift),
                      "sync_check after each path")


@pytest.mark.parametrize("seed", data.SEEDS)
def test_every_changed_record_has_history_naming_the_acting_user(outcomes, seed):
    by_row, by_bulk = both_paths(outcomes, seed)
    assert_none_found(labelled("per-row saves", by_row.history_problems())
                      + labelled("repair", by_bulk.history_problems()), "change history")

"""Scenario 7: ``seed_demo`` writes its data in bulk, past every signal; re-deriving it per row changes
nothing. After ``seed_demo --contacts 60 --seed …`` the snapshot must equal the snapshot after the
duplicate index is rebuilt (``find_duplicates``), after every relation summary is recomputed
(``contacts.sync.refresh_summaries``), after every contact and partner is saved
unchanged (each save re-derives names, search names, company names and re-indexes), and
``sync_check`` finds no drift."""

import pytest

from contacts.models import Contact
from contacts.sync import refresh_summaries
from tests.equivalence import data, harness
from tests.equivalence.snapshot import assert_none_found, assert_same_state, snapshot

pytestmark = pytest.mark.django_db

LABELS = ("seed_demo", "re-derived")


def seeded(seed) -> dict:
    harness.command("seed_demo", contacts=60, customers=15, vendors=8, bank_accounts=3, duplicates=10, seed=seed,
                    verbosity=0)
    state = snapshot()
    assert len(state["contacts"]) == 60 and state["links"] and state["duplicate_index"], "seed_demo made too little"
    return state


@pytest.mark.parametrize("seed", data.SEEDS)
def test_rebuilding_the_duplicate_index_changes_nothing(seed):
    before = seeded(seed)
    harness.command("find_duplicates", "--no-progress")
    assert_same_state(before, snapshot(), labels=LABELS)


@pytest.mark.parametrize("seed", data.SEEDS)
def test_recomputing_every_relation_summary_changes_nothing(seed):
    before = seeded(seed)
    harness.step(refresh_summaries, list(Contact.objects.order_by("pk").values_list("pk", flat=True)))
    assert_same_state(before, snapshot(), labels=LABELS)


@pytest.mark.parametrize("seed", data.SEEDS)
def test_sync_check_finds_no_drift(seed):
    seeded(seed)
    assert_none_found(harness.drift(), "sync_check after seed_demo")


@pytest.mark.parametrize("seed", data.SEEDS)
def test_saving_every_record_unchanged_changes_nothing(seed):
    before = seeded(seed)
    for contact in Contact.objects.order_by("type", "no"):  # companies before their persons
        harness.step(contact.save)
    for kind in data.KINDS:
        for partner in data.MODELS[kind].objects.order_by("no"):
            harness.step(partner.save)
    assert_same_state(before, snapshot(), labels=("seed_demo", "saved again"))

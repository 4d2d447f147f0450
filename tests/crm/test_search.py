"""Searches ignore case and accents on SQLite and PostgreSQL alike (crm.search), with Polish, German,
Greek and Japanese data, in every list that searches; on PostgreSQL they stay index-assisted."""

import pytest
from django.db import connection

from contacts.models import Contact
from contacts.selectors import contact_list, contacts_for_link
from crm.search import fold, matches
from crm.search_indexes import create_folded_search_indexes
from documents.models import SalesHeader
from documents.selectors import document_list
from partners import kinds
from partners.models import Customer
from partners.selectors import partner_search
from tests import factories

NAMES = ["Łódź Logistyka", "Müller GmbH", "Ελληνική Εταιρεία", "株式会社テスト", "Straße Bau"]


@pytest.mark.parametrize("text, folded", [
    ("Łódź", "lodz"), ("MÜLLER", "muller"), ("Ελληνική", "ελληνικη"), ("Straße", "strasse"),
    ("ﾃｽﾄ", "テスト"), ("ガス", "ガス"), ("ＡＢＣ", "abc"), ("Søren", "soren"), (None, None),
])
def test_fold_drops_case_accents_and_compatibility_forms(text, folded):
    assert fold(text) == folded


@pytest.fixture
def named_contacts(db):
    return {name: factories.ContactFactory(name=name, city="Kraków" if name.startswith("Ł") else "Athens")
            for name in NAMES}


def names(queryset):
    return sorted(row.name for row in queryset)


@pytest.mark.parametrize("q, expected", [
    ("lodz", ["Łódź Logistyka"]), ("ŁÓDŹ", ["Łódź Logistyka"]), ("łódź", ["Łódź Logistyka"]),
    ("muller", ["Müller GmbH"]), ("MÜLLER", ["Müller GmbH"]), ("MULLER", ["Müller GmbH"]),
    ("ελληνικη", ["Ελληνική Εταιρεία"]), ("ΕΛΛΗΝΙΚΉ", ["Ελληνική Εταιρεία"]), ("εταιρεια", ["Ελληνική Εταιρεία"]),
    ("株式会社", ["株式会社テスト"]), ("ﾃｽﾄ", ["株式会社テスト"]), ("strasse", ["Straße Bau"]),
    ("krakow", ["Łódź Logistyka"]),
])
def test_the_contact_list_search_ignores_case_and_accents(named_contacts, admin_user, q, expected):
    _sort, contacts = contact_list(filters={"q": q}, user=admin_user)
    assert names(contacts) == expected


def test_a_search_for_percent_or_underscore_matches_those_characters_only(named_contacts):
    factories.ContactFactory(name="100% Bio")
    assert names(Contact.objects.filter(matches("0%", "name"))) == ["100% Bio"]
    assert names(Contact.objects.filter(matches("_", "name"))) == []


def test_the_partner_lists_and_link_dialogs_search_the_same_way(named_contacts, admin_user):
    for name in NAMES:
        factories.CustomerFactory(name=name)
    assert names(partner_search(Customer, "muller")) == ["Müller GmbH"]
    assert names(partner_search(Customer, "ελληνικη")) == ["Ελληνική Εταιρεία"]
    assert names(contacts_for_link(kinds.get("customer"), "LODZ", user=admin_user)) == ["Łódź Logistyka"]


@pytest.mark.django_db
def test_the_documents_list_searches_the_contact_name_the_same_way(named_contacts):
    contact = named_contacts["Müller GmbH"]
    SalesHeader.objects.create(no="SQ0001", document_type="quote", name="Angebot", sell_to_contact=contact)
    SalesHeader.objects.create(no="SQ0002", document_type="quote", name="Other", sell_to_contact=None)
    assert [d.no for d in document_list(SalesHeader, q="MULLER")] == ["SQ0001"]


@pytest.mark.django_db(transaction=True)
def test_postgres_answers_a_selective_search_from_the_trigram_index(on_postgres):
    assert create_folded_search_indexes(connection)  # the test database is built without migrations
    factories.ContactFactory.create_batch(5)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        sql, params = Contact.objects.filter(matches("müller", "name")).only("pk").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "contact_name_fold_trgm" in plan


@pytest.mark.django_db
def test_postgres_crm_fold_strips_accents_like_the_python_fold(on_postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT crm_fold(%s), crm_fold(%s), crm_fold(%s)", ["Łódź", "MÜLLER", "Ελληνική"])
        assert cursor.fetchone() == ("lodz", "muller", "ελληνικη")


def test_the_documents_list_finds_a_document_without_contact_by_its_number(named_contacts):
    SalesHeader.objects.create(no="SQ0003", document_type="quote", name="Ohne Kontakt", sell_to_contact=None)
    assert [d.no for d in document_list(SalesHeader, q="sq0003")] == ["SQ0003"]
    assert [d.no for d in document_list(SalesHeader, q="ohne kontakt")] == ["SQ0003"]


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["no", "-no", "name", "-city"])
def test_a_searched_list_keeps_its_order_when_no_column_index_serves_it(admin_user, sort):
    for i, (name, city) in enumerate([("Bakery Alpha", "Zurich"), ("Bakery Beta", "Athens"), ("Gamma Bakery", "Oslo"),
                                      ("Delta", "Bakery Town")]):
        factories.ContactFactory(no=f"CT{9 - i:04d}", name=name, city=city)
    _, searched = contact_list(filters={"q": "bakery"}, user=admin_user, sort=sort)
    _, everything = contact_list(filters={}, user=admin_user, sort=sort)
    assert "||" in str(searched.query).split("ORDER BY")[1]  # an expression: no column index walked
    assert [c.pk for c in searched] == [c.pk for c in everything if "akery" in f"{c.name} {c.city}"]

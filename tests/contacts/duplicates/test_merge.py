"""Merging two contacts: everything that refers to the merged-away contact moves to the survivor, and its
address leads to the survivor."""

import pytest
from django.urls import reverse

from contacts import sync
from contacts.duplicates import index as duplicates
from contacts.duplicates.merge import merge_contacts
from contacts.models import Contact, ContactBusinessRelation, ContactDuplicate, MarketingSetup, MergedContact
from documents.models import PurchaseHeader, SalesHeader
from tests import factories

pytestmark = pytest.mark.django_db


def company(**values):
    contact = factories.ContactFactory(**values)
    duplicates.index_contact(contact)
    return contact


@pytest.fixture
def pair(sync_on):
    a = company(name="Fabrikam Inc", city="Berlin", phone_no="+49 30 1")
    b = company(name="Fabrikam Ltd", city="Bonn", phone_no="+49 30 1", email="b@fabrikam.test")
    return a, b


def test_merge_moves_sales_and_purchase_documents_with_their_contact_fields(pair):
    a, b = pair
    with sync.suspended():  # no automatic contacts
        customer, vendor = factories.CustomerFactory(), factories.VendorFactory()
    quote = SalesHeader.objects.create(no="SQ1", document_type="quote", sell_to_contact=b, bill_to_contact=b)
    order = SalesHeader.objects.create(no="SO1", document_type="order", sell_to_customer=customer,
                                       sell_to_contact=a, bill_to_contact=b)
    purchase = PurchaseHeader.objects.create(no="PQ1", document_type="quote", buy_from_vendor=vendor,
                                             buy_from_contact=b, pay_to_contact=b)

    merge_contacts(a, b)

    for document in (quote, order, purchase):
        document.refresh_from_db()
    assert (quote.sell_to_contact, quote.bill_to_contact) == (a, a)
    assert (order.sell_to_contact, order.bill_to_contact) == (a, a)
    assert (purchase.buy_from_contact, purchase.pay_to_contact) == (a, a)


def test_moved_documents_get_a_new_version_so_an_open_edit_form_cannot_write_the_old_contact_back(pair):
    a, b = pair
    quote = SalesHeader.objects.create(no="SQ1", document_type="quote", sell_to_contact=b)
    version = quote.version
    merge_contacts(a, b)
    quote.refresh_from_db()
    assert quote.version == version + 1


def test_merge_moves_interactions_persons_links_and_records_the_merge(pair, admin_user):
    a, b = pair
    with sync.suspended():
        customer = factories.CustomerFactory()
        link = ContactBusinessRelation.objects.create(
            contact=b, business_relation=MarketingSetup.load().code_for("customer"), link_to_table="customer",
            customer=customer)
    person = factories.ContactFactory(person=True, company=b, company_name=b.name)
    entry = factories.InteractionLogEntryFactory(contact=b)

    merge_contacts(a, b, user=admin_user)

    link.refresh_from_db(), person.refresh_from_db(), entry.refresh_from_db()
    assert (link.contact, person.company, entry.contact) == (a, a, a)
    record = MergedContact.objects.get()
    assert (record.old_pk, record.old_no, record.old_name, record.survivor, record.user) == (
        b.pk, b.no, "Fabrikam Ltd", a, admin_user)


def test_merging_the_survivor_again_hands_its_merge_records_on(pair):
    a, b = pair
    c = company(name="Fabrikam GmbH", phone_no="+49 30 1")
    merge_contacts(a, b)
    merge_contacts(c, a)
    assert set(MergedContact.objects.values_list("old_pk", "survivor")) == {(b.pk, c.pk), (a.pk, c.pk)}


def test_survivors_history_says_what_was_merged_into_it(pair):
    a, b = pair
    merge_contacts(a, b, take_from_other=["email"])
    reasons = list(Contact.history.filter(id=a.pk).values_list("history_change_reason", flat=True))
    assert f"Merged contact {b.no} Fabrikam Ltd into this one" in reasons


# --- the merged-away contact's address ---------------------------------------------------------------------


@pytest.fixture
def merged(pair, sales):
    a, b = pair
    b.name = "Fabrikam Limited"
    b.save()  # a change of its own, to be found in its history afterwards
    merge_contacts(a, b)
    return a, b


def test_merged_away_contacts_card_redirects_to_the_survivor_with_a_note(merged, sales):
    a, b = merged
    response = sales.get(reverse("contacts:detail", args=[b.pk]), follow=True)
    assert response.redirect_chain == [(reverse("contacts:detail", args=[a.pk]), 302)]
    body = response.content.decode()
    assert f"Contact {b.no} Fabrikam Limited was merged into contact {a.no} Fabrikam Inc" in body


@pytest.mark.parametrize(("name", "extra"), [("contacts:delete", []), ("contacts:link", ["customer"]),
                                             ("contacts:create-as", ["customer"])])
def test_merged_away_contacts_sub_pages_redirect_to_the_survivors(merged, sales, name, extra):
    a, b = merged
    response = sales.get(reverse(name, args=[b.pk, *extra]) + "?q=fab")
    assert response.status_code == 302
    assert response["Location"] == reverse(name, args=[a.pk, *extra]) + "?q=fab"


def test_a_form_posted_to_a_merged_away_contact_does_nothing_and_shows_the_survivor(merged, sales):
    a, b = merged
    response = sales.post(reverse("contacts:delete", args=[b.pk]), follow=True)
    assert response.redirect_chain == [(reverse("contacts:detail", args=[a.pk]), 302)]
    assert "Nothing was done" in response.content.decode()
    assert Contact.objects.filter(pk=a.pk).exists()


def test_an_unknown_contact_is_still_404(merged, sales):
    assert sales.get(reverse("contacts:detail", args=[999999])).status_code == 404


def test_survivors_card_lists_the_merge_with_the_merged_away_contacts_history(merged, sales):
    a, b = merged
    body = sales.get(reverse("contacts:detail", args=[a.pk])).content.decode()
    assert f"Merged contact {b.no} Fabrikam Limited into this one" in body
    assert "Fabrikam Limited" in body.split(f"Change history of {b.no}")[1]  # its own rename, from its history


def test_merge_page_moves_documents_and_leads_to_the_survivor(pair, sales):
    a, b = pair
    quote = SalesHeader.objects.create(no="SQ1", document_type="quote", sell_to_contact=b)
    pair_row = ContactDuplicate.objects.get()
    response = sales.post(reverse("contacts:duplicate-merge", args=[pair_row.pk]), {"survivor": "first"})
    assert response["Location"] == reverse("contacts:detail", args=[a.pk])
    quote.refresh_from_db()
    assert quote.sell_to_contact == a

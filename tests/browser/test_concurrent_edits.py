"""Two people edit the same contact in two browsers: changes to different fields are both kept; a field both
changed is shown with both values and the user chooses (crm.concurrency)."""

import re

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def two_open_cards(new_page, login, users):
    contact = factories.ContactFactory(no="CT000001", name="Fabrikam Inc.", phone_no="+1 555 0100",
                                       email="info@fabrikam.example", city="Seattle")
    first, second = new_page(), new_page()
    login(first, "sally")
    login(second, "percy")
    first.goto(contact.get_absolute_url())
    second.goto(contact.get_absolute_url())
    return contact, first, second


def test_edits_of_different_fields_from_two_browsers_are_both_saved(two_open_cards):
    contact, first, second = two_open_cards
    first.get_by_label("Phone no.", exact=True).fill("+1 555 0111")
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_text("Contact CT000001 saved.")).to_be_visible()
    second.get_by_label("E-mail", exact=True).fill("sales@fabrikam.example")
    second.get_by_role("button", name="Save").click()
    expect(second.get_by_text("Contact CT000001 saved.")).to_be_visible()
    expect(second.get_by_text(re.compile(r"Sally changed the phone no\. at \d\d:\d\d while you were editing; your "
                                         r"change of the e-mail was saved on top of it\."))).to_be_visible()
    expect(second.get_by_label("Phone no.", exact=True)).to_have_value("+1 555 0111")
    expect(second.get_by_label("E-mail", exact=True)).to_have_value("sales@fabrikam.example")
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.phone_no, stored.email) == ("+1 555 0111", "sales@fabrikam.example")


def test_an_edit_of_the_same_field_from_two_browsers_shows_both_values_and_saves_the_choice(two_open_cards):
    contact, first, second = two_open_cards
    first.get_by_label("Phone no.", exact=True).fill("+1 555 0111")
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_text("Contact CT000001 saved.")).to_be_visible()
    second.get_by_label("Phone no.", exact=True).fill("+1 555 0222")
    second.get_by_label("City", exact=True).fill("Redmond")
    second.get_by_role("button", name="Save").click()
    expect(second.get_by_text(re.compile("You both changed the phone no."))).to_be_visible()
    conflict = second.locator("#conflict-phone_no")
    expect(conflict).to_contain_text("Keep mine: +1 555 0222")
    expect(conflict).to_contain_text("Take theirs: +1 555 0111")
    expect(second.get_by_label("Phone no.", exact=True)).to_have_value("+1 555 0222")  # nothing typed is lost
    expect(second.get_by_label("City", exact=True)).to_have_value("Redmond")
    assert Contact.objects.get(pk=contact.pk).phone_no == "+1 555 0111"  # nothing saved over the other save yet

    conflict.get_by_label(re.compile("Take theirs")).check()
    second.get_by_role("button", name="Save").click()
    expect(second.get_by_text("Contact CT000001 saved.")).to_be_visible()
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.phone_no, stored.city) == ("+1 555 0111", "Redmond")


def test_keeping_my_value_on_a_conflict_from_two_browsers_saves_it(two_open_cards):
    contact, first, second = two_open_cards
    first.get_by_label("Phone no.", exact=True).fill("+1 555 0111")
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_text("Contact CT000001 saved.")).to_be_visible()
    second.get_by_label("Phone no.", exact=True).fill("+1 555 0222")
    second.get_by_role("button", name="Save").click()
    second.locator("#conflict-phone_no").get_by_label(re.compile("Keep mine")).check()
    second.get_by_role("button", name="Save").click()
    expect(second.get_by_text("Contact CT000001 saved.")).to_be_visible()
    assert Contact.objects.get(pk=contact.pk).phone_no == "+1 555 0222"

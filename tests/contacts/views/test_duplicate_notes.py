"""A contact created or saved with changed keys that the duplicate index finds a lookalike for: the page the
user lands on says so at once, with links to the other contact and to the pair on the Duplicates page."""

import pytest

from contacts.duplicates import index as duplicates
from contacts.models import Contact, ContactDuplicate
from tests import factories
from tests.screens import form_data


@pytest.fixture
def fabrikam(sync_on):
    contact = factories.ContactFactory(no="CT000010", name="Fabrikam Inc.", phone_no="+1 555 0100",
                                       address="1 Harbour Road", city="Seattle", post_code="98101")
    duplicates.index_contact(contact)
    return contact


def at_the_same_address(fabrikam, **values):
    """Another company contact at Fabrikam's address: a same name there makes it a likely duplicate."""
    return factories.ContactFactory(address=fabrikam.address, city=fabrikam.city, post_code=fabrikam.post_code,
                                    **values)


def test_creating_a_company_like_an_existing_one_says_so_with_links_to_the_pair(sales, fabrikam):
    data = form_data(sales.get("/contacts/new/").context["form"])
    data.update(name="Fabrikam Ltd", phone_no="+1 555 0100")
    response = sales.post("/contacts/new/", data, follow=True)
    new = Contact.objects.get(name="Fabrikam Ltd")
    pair = ContactDuplicate.objects.get()
    page = response.content.decode()
    assert response.redirect_chain == [(new.get_absolute_url(), 302)]
    assert f"Contact {new.no} may be a duplicate of" in page
    assert f'<a href="{fabrikam.get_absolute_url()}">CT000010 Fabrikam Inc.</a>' in page
    assert f'href="/contacts/duplicates/?contact={new.pk}#pair-{pair.pk}"' in page


def test_saving_a_contact_with_a_name_like_another_says_so(sales, fabrikam):
    other = at_the_same_address(fabrikam, name="Northwind", phone_no="+1 555 0199")
    data = form_data(sales.get(other.get_absolute_url()).context["form"])
    data["name"] = "Fabrikam"
    page = sales.post(other.get_absolute_url(), data, follow=True).content.decode()
    assert f"Contact {other.no} may be a duplicate of" in page and "CT000010 Fabrikam Inc." in page


def test_a_save_that_leaves_the_keys_alone_does_not_repeat_an_old_pair(sales, fabrikam):
    other = at_the_same_address(fabrikam, name="Fabrikam", phone_no="+1 555 0199")
    duplicates.index_contact(other)
    assert ContactDuplicate.objects.exists()
    data = form_data(sales.get(other.get_absolute_url()).context["form"])
    data["home_page"] = "https://fabrikam.test"  # not compared by the matcher
    page = sales.post(other.get_absolute_url(), data, follow=True).content.decode()
    assert "Contact" in page and "may be a duplicate of" not in page


def test_the_duplicates_page_shows_one_contacts_pairs(sales, fabrikam):
    other = at_the_same_address(fabrikam, name="Fabrikam", phone_no="+1 555 0199")
    duplicates.index_contact(other)
    northwind = {"phone_no": "+1 555 0300", "address": "7 Pier Street", "city": "Portland", "post_code": "97201"}
    third = factories.ContactFactory(name="Northwind", **northwind)
    fourth = factories.ContactFactory(name="Northwind Traders", **northwind)
    duplicates.index_contact(third), duplicates.index_contact(fourth)
    pair = ContactDuplicate.objects.get(duplicate=other)
    page = sales.get(f"/contacts/duplicates/?contact={other.pk}").content.decode()
    assert f'id="pair-{pair.pk}"' in page and "Northwind" not in page
    assert "Show all pairs" in page
    assert "Northwind" in sales.get("/contacts/duplicates/").content.decode()
    assert "No possible duplicates" in sales.get("/contacts/duplicates/?contact=abc").content.decode()

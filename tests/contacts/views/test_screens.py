from tests import factories
from tests.screens import RESULTS


def test_every_contact_and_customer_screen_renders_for_sales_staff(sales, sync_on, numbered_partners):
    company = factories.ContactFactory(name="Fabrikam Inc.")
    person = factories.ContactFactory(person=True, company=company)
    cust = factories.CustomerFactory(name="Cust")
    for url in ["/", "/contacts/", "/contacts/?q=fab&type=company&sort=-name", f"/contacts/{company.pk}/",
                f"/contacts/{person.pk}/", "/contacts/new/", f"/contacts/{company.pk}/delete/",
                "/customers/", f"/customers/{cust.pk}/", "/customers/new/"]:
        r = sales.get(url, follow=True)
        assert r.status_code == 200, (url, r.content[:3000])
    r = sales.get("/contacts/?q=fab", headers=RESULTS)
    assert b"<html" not in r.content

"""Resources over the API behave as on the screens: creates, edits and deletes synchronize linked records and are
refused with the screens' messages."""


from api.models import IdempotentRequest
from contacts import services, sync
from contacts.models import Contact, ContactBusinessRelation
from partners.models import Customer, Vendor
from tests import factories


def unlinked(factory, **kwargs):
    """A partner made without its automatic contact (as if created before synchronization was set up)."""
    with sync.suspended():
        return factory(**kwargs)


def test_a_customer_created_over_the_api_gets_its_contact(api_sales, setup):
    response = api_sales.post("/customers", {"name": "Contoso Ltd", "city": "Oslo", "country_code": "NO"})
    assert response.status_code == 201, response.content
    customer = response.json()
    assert response["Location"].endswith(f"/customers/{customer['id']}") and response["ETag"] == '"1"'
    contacts = api_sales.get("/contacts?q=Contoso").json()["items"]
    assert [(c["name"], c["city"], c["contact_business_relation"]) for c in contacts] == [
        ("Contoso Ltd", "Oslo", "customer")]
    links = api_sales.get(f"/relations?contact={contacts[0]['id']}").json()["items"]
    assert [(link["link_to_table"], link["partner_no"]) for link in links] == [("customer", customer["no"])]


def test_a_contact_edit_over_the_api_reaches_its_linked_customer(api_sales, setup):
    contact = factories.ContactFactory(name="Fabrikam")
    customer = services.create_partner_from_contact(contact, "customer")
    contact.refresh_from_db()
    response = api_sales.patch(f"/contacts/{contact.pk}", {"phone_no": "+47 22 00 00 00"},
                               **{"If-Match": f'"{contact.version}"'})
    assert response.status_code == 200, response.content
    assert response.json()["phone_no"] == "+47 22 00 00 00"
    customer.refresh_from_db()
    assert customer.phone_no == "+47 22 00 00 00"
    history = api_sales.get(f"/customers/{customer.pk}/history").json()
    assert any(h["field"] == "phone_no" and h["source"].startswith("Synchronized from") for h in history)


def test_refusals_are_the_forms_with_field_and_rule(api_sales, setup):
    response = api_sales.post("/contacts", {"type": "company", "name": "", "email": "not-an-e-mail"})
    assert response.status_code == 422
    body = response.json()
    assert response["Content-Type"] == "application/problem+json"
    fields = {e["field"]: e for e in body["errors"]}
    assert fields["name"]["message"] == "A company needs a name." and "email" in fields
    assert body["status"] == 422 and body["title"] == "Refused" and body["type"].startswith("https://")
    assert not Contact.objects.exists()


def test_linking_a_partner_twice_is_refused_naming_the_other_contact(api_sales, setup):
    first = factories.ContactFactory(name="Fabrikam Inc")
    second = factories.ContactFactory(name="Fabrikam")
    customer = services.create_partner_from_contact(first, "customer")
    response = api_sales.post("/relations", {"contact": second.pk, "kind": "customer", "partner": customer.pk})
    assert response.status_code == 422
    assert response.json()["detail"] == f"Customer {customer.no} is already linked to contact {first.no} Fabrikam Inc."


def test_link_with_a_dry_run_previews_and_changes_nothing_then_links_with_per_field_winners(api_sales, setup):
    contact = factories.ContactFactory(name="Fabrikam", city="Oslo", phone_no="+47 1")
    customer = unlinked(factories.CustomerFactory, name="Fabrikam", city="Bergen", phone_no="+47 2")
    body = {"contact": contact.pk, "kind": "customer", "partner": customer.pk, "master": "contact",
            "fields": {"city": "partner"}}
    preview = api_sales.post("/relations", {**body, "dry_run": True})
    assert preview.status_code == 200, preview.content
    rows = {f["field"]: (f["winner"], f["result"]) for f in preview.json()["fields"]}
    assert rows["city"] == ("partner", "Bergen") and rows["phone_no"] == ("contact", "+47 1")
    assert not ContactBusinessRelation.objects.filter(link_to_table="customer").exists()
    made = api_sales.post("/relations", body)
    assert made.status_code == 201, made.content
    contact.refresh_from_db()
    customer.refresh_from_db()
    assert (contact.city, customer.city, customer.phone_no) == ("Bergen", "Bergen", "+47 1")
    link = made.json()
    assert api_sales.get(f"/relations/{link['id']}/drift").json() == {"relation": link["id"], "drifting": False,
                                                                       "fields": []}


def test_a_dry_run_reports_the_refusal_the_link_would_meet(api_sales, setup):
    contact = factories.ContactFactory(privacy_blocked=True)
    customer = unlinked(factories.CustomerFactory)
    response = api_sales.post("/relations", {"contact": contact.pk, "kind": "customer", "partner": customer.pk,
                                             "dry_run": True})
    assert response.status_code == 422 and "privacy" in response.json()["detail"]


def test_unlink_needs_if_match_and_keeps_both_records(api_sales, setup):
    contact = factories.ContactFactory()
    customer = services.create_partner_from_contact(contact, "customer")
    link = api_sales.get(f"/relations?contact={contact.pk}&link_to_table=customer").json()["items"][0]
    assert api_sales.delete(f"/relations/{link['id']}").status_code == 428
    assert api_sales.delete(f"/relations/{link['id']}", **{"If-Match": '"stale"'}).status_code == 412
    response = api_sales.delete(f"/relations/{link['id']}", **{"If-Match": f'"{link["version"]}"'})
    assert response.status_code == 204
    assert not ContactBusinessRelation.objects.filter(link_to_table="customer").exists()
    assert Contact.objects.filter(pk=contact.pk).exists() and Customer.objects.filter(pk=customer.pk).exists()


def test_drift_of_a_link_names_the_fields_that_differ(api_sales, setup):
    contact = factories.ContactFactory(city="Oslo")
    customer = services.create_partner_from_contact(contact, "customer")
    Customer.objects.filter(pk=customer.pk).update(city="Bergen")  # a write that bypassed the engine
    link = ContactBusinessRelation.objects.get(customer=customer)
    drift = api_sales.get(f"/relations/{link.pk}/drift").json()
    assert drift["drifting"] and drift["fields"] == [{"field": "city", "contact_value": "Oslo",
                                                      "partner_value": "Bergen"}]


def test_business_relation_codes_are_listed(api_sales, setup):
    assert [c["code"] for c in api_sales.get("/business-relation-codes").json()] == ["BANK", "CUST", "VEND"]


def test_create_as_customer_and_create_contact_from_a_vendor(api_admin, setup):
    contact = factories.ContactFactory(name="Tailspin")
    made = api_admin.post(f"/contacts/{contact.pk}/create-partner", {"kind": "customer"})
    assert made.status_code == 201, made.content
    assert Customer.objects.get(pk=made.json()["id"]).name == "Tailspin"
    again = api_admin.post(f"/contacts/{contact.pk}/create-partner", {"kind": "customer"})
    assert again.status_code == 422 and "already" in again.json()["detail"]
    vendor = unlinked(factories.VendorFactory, name="Litware")
    response = api_admin.post(f"/vendors/{vendor.pk}/create-contact")
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Litware" and response.json()["contact_business_relation"] == "vendor"
    refused = api_admin.post(f"/vendors/{vendor.pk}/create-contact")
    assert refused.status_code == 422 and vendor.no in refused.json()["detail"]


def test_merge_is_a_dry_run_first_then_merges(api_admin, setup):
    survivor = factories.ContactFactory(name="Fabrikam", city="Oslo")
    other = factories.ContactFactory(name="Fabrikam Inc", city="Bergen")
    preview = api_admin.post(f"/contacts/{survivor.pk}/merge", {"other": other.pk, "take_from_other": ["city"]})
    assert preview.status_code == 200, preview.content
    fields = {f["field"]: f for f in preview.json()["fields"]}
    assert fields["city"]["kept"] == "other" and fields["name"]["kept"] == "survivor"
    assert Contact.objects.filter(pk=other.pk).exists()
    merged = api_admin.post(f"/contacts/{survivor.pk}/merge", {"other": other.pk, "take_from_other": ["city"],
                                                               "dry_run": False})
    assert merged.status_code == 200 and merged.json()["city"] == "Bergen"
    assert not Contact.objects.filter(pk=other.pk).exists()
    itself = api_admin.post(f"/contacts/{survivor.pk}/merge", {"other": survivor.pk})
    assert itself.status_code == 422 and itself.json()["detail"] == "A contact cannot be merged with itself."


def test_duplicates_of_a_contact_come_from_the_duplicate_pairs(api_sales, setup):
    from contacts.models import ContactDuplicate
    first, second, third = (factories.ContactFactory(name=n) for n in ("Fabrikam", "Fabrikam Inc", "Other"))
    ContactDuplicate.objects.all().delete()  # only the pairs below, whatever the index found on save
    ContactDuplicate.objects.create(contact=first, duplicate=second, score=91, reasons="name")
    ContactDuplicate.objects.create(contact=first, duplicate=third, score=70, reasons="phone", separate=True)
    found = api_sales.get(f"/contacts/{second.pk}/duplicates").json()
    assert found == [{"contact": first.pk, "contact_no": first.no, "name": "Fabrikam", "score": 91,
                      "reasons": "name"}]


def test_a_quote_from_a_contact_and_the_documents_and_interactions_read(api_sales, setup):
    from documents.models import DocumentSetup
    doc_setup = DocumentSetup.load()
    doc_setup.sales_quote_nos = factories.NoSeriesFactory(code="SQ", starting_no="SQ0001")
    doc_setup.save()
    contact = factories.ContactFactory(name="Fabrikam")
    response = api_sales.post(f"/contacts/{contact.pk}/quotes", {})
    assert response.status_code == 201, response.content
    quote = response.json()
    assert (quote["document_type"], quote["no"], quote["contact"]) == ("quote", "SQ0001", contact.pk)
    assert [d["no"] for d in api_sales.get("/documents/sales").json()["items"]] == ["SQ0001"]
    assert api_sales.get(f"/documents/sales/{quote['id']}").json()["no"] == "SQ0001"
    assert api_sales.get("/documents/purchase").status_code == 403  # a sales role reads no purchase documents
    assert api_sales.get(f"/contacts/{contact.pk}/interactions").status_code == 200


def test_deleting_a_contact_keeps_its_customer(api_sales, setup):
    contact = factories.ContactFactory()
    customer = services.create_partner_from_contact(contact, "customer")
    contact.refresh_from_db()
    response = api_sales.delete(f"/contacts/{contact.pk}", **{"If-Match": f'"{contact.version}"'})
    assert response.status_code == 204, response.content
    assert not Contact.objects.filter(pk=contact.pk).exists() and Customer.objects.filter(pk=customer.pk).exists()


def test_a_vendor_with_documents_is_not_deleted(api_purchasing, setup):
    vendor = factories.VendorFactory()
    from documents.models import PurchaseHeader
    PurchaseHeader.objects.create(document_type="order", no="PO1", buy_from_vendor=vendor)
    response = api_purchasing.delete(f"/vendors/{vendor.pk}", **{"If-Match": f'"{vendor.version}"'})
    assert response.status_code == 409 and "cannot be deleted" in response.json()["detail"]
    assert Vendor.objects.filter(pk=vendor.pk).exists()
    assert not IdempotentRequest.objects.exists()


def test_a_person_is_created_under_its_company_by_id(api_sales, setup):
    company = factories.ContactFactory(name="Fabrikam", city="Oslo")
    response = api_sales.post("/contacts", {"type": "person", "first_name": "Ann", "surname": "Lee",
                                            "company": company.pk})
    assert response.status_code == 201, response.content
    person = response.json()
    assert (person["name"], person["company"], person["company_name"]) == ("Ann Lee", company.pk, "Fabrikam")
    missing = api_sales.post("/contacts", {"type": "person", "surname": "Lee", "company": person["id"]})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "company"

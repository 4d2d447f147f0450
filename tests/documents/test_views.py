"""Documents screens through the test client: permissions, forms → services, htmx regions, query counts."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from contacts.models import InteractionLogEntry
from documents import services
from documents.models import PurchaseHeader, PurchaseLine, SalesHeader, SalesLine
from documents.services import (
    document_line_add,
    document_line_update,
    purchase_document_from_contact,
    sales_document_from_contact,
    sales_document_update,
)
from tests.documents.conftest import person_of
from tests.screens import form_data
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    InteractionTemplateFactory,
    UserFactory,
    interaction_template_setup,
)

pytestmark = pytest.mark.django_db

SALES = ["view_salesheader", "add_salesheader", "change_salesheader"]
PURCHASING = ["view_purchaseheader", "add_purchaseheader", "change_purchaseheader"]
INTERACTIONS = ["view_interactionlogentry", "add_interactionlogentry"]


def user_with(*codenames, username="seller"):
    user = UserFactory(username=username)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def seller(client):
    user = user_with(*SALES, *INTERACTIONS)
    client.force_login(user)
    return user


@pytest.fixture
def buyer(client):
    user = user_with(*PURCHASING, *INTERACTIONS, username="buyer")
    client.force_login(user)
    return user


@pytest.fixture
def quote(document_setup, customer_company):
    quote = sales_document_from_contact(customer_company[0], "quote")
    document_line_add(quote, description="Office chair", quantity=Decimal("2"), unit_price=Decimal("100"))
    return quote


def url(name, *args):
    return reverse(f"documents:{name}", args=args)


# --- from the contact card -----------------------------------------------------------------------


def test_new_sales_quote_from_a_contact_opens_the_new_document(client, seller, document_setup, customer_company):
    company, customer = customer_company
    response = client.post(url("from-contact", company.pk, "sales", "quote"))
    quote = SalesHeader.objects.get()
    assert response.status_code == 302 and response["Location"] == quote.get_absolute_url()
    assert (quote.document_type, quote.sell_to_customer) == ("quote", customer)


def test_new_sales_order_for_a_contact_without_customer_is_refused_in_plain_words(client, seller, document_setup):
    contact = ContactFactory(no="KT000123", name="Prospect Ltd")
    response = client.post(url("from-contact", contact.pk, "sales", "order"), follow=True)
    assert not SalesHeader.objects.exists()
    assert "Contact KT000123 Prospect Ltd is not related to a customer" in response.content.decode()


def test_new_purchase_order_from_a_vendors_contact(client, buyer, document_setup, vendor_company):
    response = client.post(url("from-contact", vendor_company[0].pk, "purchase", "order"))
    order = PurchaseHeader.objects.get()
    assert response["Location"] == order.get_absolute_url()


def test_a_salesperson_may_not_start_purchase_documents(client, seller, document_setup, vendor_company):
    response = client.post(url("from-contact", vendor_company[0].pk, "purchase", "order"))
    assert response.status_code == 403
    assert not PurchaseHeader.objects.exists()


def test_a_purchaser_may_not_open_sales_documents(client, buyer, quote):
    assert client.get(quote.get_absolute_url()).status_code == 403
    assert client.get(url("sales-list")).status_code == 403


def test_starting_a_document_needs_a_post(client, seller, document_setup, customer_company):
    assert client.get(url("from-contact", customer_company[0].pk, "sales", "quote")).status_code == 405
    assert not SalesHeader.objects.exists()


def test_an_unknown_side_or_contact_is_not_found(client, seller, document_setup, customer_company):
    assert client.post(url("from-contact", 999999, "sales", "quote")).status_code == 404
    assert client.post(f"/documents/from-contact/{customer_company[0].pk}/rental/quote/").status_code == 404


def test_an_unknown_document_type_is_refused_with_a_message(client, seller, document_setup, customer_company):
    response = client.post(url("from-contact", customer_company[0].pk, "sales", "invoice"), follow=True)
    assert "is not a sales document type" in response.content.decode()
    assert not SalesHeader.objects.exists()


# --- list and card -------------------------------------------------------------------------------


def test_the_sales_list_shows_documents_with_totals_in_a_fixed_number_of_queries(
        client, seller, quote, customer_company, django_assert_num_queries):
    for _ in range(5):
        order = sales_document_from_contact(customer_company[0], "order")
        document_line_add(order, description="Desk", unit_price=Decimal("10"))
    # session, user, permissions (user + group), the page of documents
    with django_assert_num_queries(5):
        response = client.get(url("sales-list"))
    body = response.content.decode()
    assert quote.no in body and "200.00" in body and "SO0005" in body


def test_the_sales_list_filters_by_type_and_search(client, seller, quote, customer_company):
    sales_document_from_contact(customer_company[0], "order")
    body = client.get(url("sales-list"), {"type": "order"}).content.decode()
    assert "SO0001" in body and quote.no not in body
    body = client.get(url("sales-list"), {"q": quote.no}).content.decode()
    assert quote.no in body and "SO0001" not in body


def test_the_list_answers_htmx_with_the_rows_only(client, seller, quote):
    response = client.get(url("sales-list"), {"q": "SQ"}, headers={"HX-Request": "true", "HX-Target": "document-rows"})
    body = response.content.decode()
    assert quote.no in body and "<html" not in body


def test_the_document_card_in_a_fixed_number_of_queries(client, seller, quote, django_assert_num_queries):
    for n in range(4):
        document_line_add(quote, description=f"Extra {n}", unit_price=Decimal("1"))
    # session, user, permissions (user + group), document with parties, its lines
    with django_assert_num_queries(6):
        response = client.get(quote.get_absolute_url())
    body = response.content.decode()
    assert "Office chair" in body and "204.00" in body


def test_the_purchase_list_and_card_in_a_fixed_number_of_queries(client, buyer, document_setup, vendor_company,
                                                                  django_assert_num_queries):
    order = purchase_document_from_contact(vendor_company[0], "order")
    document_line_add(order, description="Paper", quantity=Decimal("3"), unit_price=Decimal("2"))
    with django_assert_num_queries(5):  # session, user, permissions ×2, the page
        assert order.no in client.get(url("purchase-list")).content.decode()
    with django_assert_num_queries(6):  # session, user, permissions ×2, the document, its lines
        assert "Paper" in client.get(order.get_absolute_url()).content.decode()


def test_saving_the_header_changes_the_contact_to_another_person_of_the_customer(client, seller, quote,
                                                                                 customer_company):
    person = person_of(customer_company[0], name="Anna Smith")
    response = client.post(quote.get_absolute_url(), {
        "customer_no": quote.sell_to_customer.no, "contact_no": person.no, "order_date": "2026-11-20",
        "external_document_no": "PO-77", "email": "anna@fabrikam.example", "phone_no": "", "contact_name": "Anna"})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert (quote.sell_to_contact, quote.external_document_no, str(quote.order_date)) == (person, "PO-77",
                                                                                          "2026-11-20")


def test_saving_the_header_with_a_contact_of_another_company_shows_the_refusal(client, seller, quote):
    stranger = ContactFactory(no="KT000321")
    from tests.documents.conftest import link
    link(stranger, CustomerFactory())
    response = client.post(quote.get_absolute_url(), {
        "customer_no": quote.sell_to_customer.no, "contact_no": stranger.no, "order_date": "2026-11-20",
        "email": "", "phone_no": "", "contact_name": "", "external_document_no": ""})
    assert response.status_code == 200
    assert "is related to a different company than customer" in response.content.decode()
    quote.refresh_from_db()
    assert quote.sell_to_contact != stranger


def test_an_unknown_customer_number_is_a_form_error(client, seller, quote):
    response = client.post(quote.get_absolute_url(), {"customer_no": "NOPE", "order_date": "2026-11-20"})
    assert "No customer NOPE exists." in response.content.decode()


def test_the_documents_number_fields_look_up_customers_and_contacts(client, seller, quote):
    page = client.get(quote.get_absolute_url()).content.decode()
    assert 'hx-get="/customers/lookup/?field=customer_no"' in page and 'list="id_customer_no-options"' in page
    assert 'hx-get="/contacts/lookup/?field=contact_no"' in page and 'list="id_contact_no-options"' in page


def test_a_customer_name_typed_into_the_number_field_is_refused_with_suggestions(client, seller, quote,
                                                                                 customer_company):
    response = client.post(quote.get_absolute_url(), {"customer_no": "fabrikam", "order_date": "2026-11-20"})
    page = response.content.decode()
    customer = customer_company[1]
    assert "No customer fabrikam exists." in page and "Pick one of the suggestions" in page
    assert f'<option value="{customer.no}">Fabrikam Inc.' in page


def test_an_unknown_contact_number_says_so_plainly(client, seller, quote):
    response = client.post(quote.get_absolute_url(), {"contact_no": "CT424242", "order_date": "2026-11-20"})
    assert "No contact CT424242 exists." in response.content.decode()


# --- lines in place ------------------------------------------------------------------------------


def test_adding_a_line_without_javascript_redirects_to_the_card(client, seller, quote):
    response = client.post(url("sales-line-add", quote.pk), {"description": "Desk", "quantity": "2",
                                                             "unit_price": "150", "line_discount_pct": "10"})
    assert response.status_code == 302
    assert quote.lines.get(description="Desk").amount == Decimal("270.00")


def test_adding_a_line_with_htmx_answers_with_the_lines_region(client, seller, quote):
    response = client.post(url("sales-line-add", quote.pk), {"description": "Desk", "quantity": "1",
                                                             "unit_price": "50", "line_discount_pct": "0"},
                           headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="lines"' in body and "Desk" in body and "250.00" in body and "<html" not in body


def test_a_line_with_a_negative_quantity_shows_the_error_and_saves_nothing(client, seller, quote):
    response = client.post(url("sales-line-add", quote.pk), {"description": "Desk", "quantity": "-1",
                                                             "unit_price": "50", "line_discount_pct": "0"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    assert quote.lines.count() == 1


def test_editing_a_line_in_place(client, seller, quote):
    line = quote.lines.get()
    form = client.get(url("sales-line-edit", quote.pk, line.pk), headers={"HX-Request": "true"}).content.decode()
    assert "Save line" in form
    assert client.get(url("sales-line-edit", quote.pk, line.pk)).status_code == 302  # no JS: the card in edit mode
    assert "Save line" in client.get(quote.get_absolute_url(), {"edit_line": line.pk}).content.decode()
    client.post(url("sales-line-edit", quote.pk, line.pk), {"description": "Chair", "quantity": "3",
                                                             "unit_price": "100", "line_discount_pct": "50"})
    line.refresh_from_db()
    assert (line.description, line.amount) == ("Chair", Decimal("150.00"))


def test_deleting_a_line(client, seller, quote):
    line = quote.lines.get()
    client.post(url("sales-line-delete", quote.pk, line.pk))
    assert not quote.lines.exists()


def test_a_line_of_another_document_is_not_found(client, seller, quote, customer_company):
    other = sales_document_from_contact(customer_company[0], "order")
    assert client.post(url("sales-line-delete", other.pk, quote.lines.get().pk)).status_code == 404


def test_the_line_edit_form_carries_the_lines_version(client, seller, quote):
    line = quote.lines.get()
    body = client.get(url("sales-line-edit", quote.pk, line.pk), headers={"HX-Request": "true"}).content.decode()
    assert f'type="hidden" name="version" value="{line.version}"' in body
    assert 'name="version"' not in body.split('id="add-line"')[1]  # a line being added has no version


def edit_line_data(client, quote, line):
    """What the in-place line form posts as rendered (its version and the values it started from included)."""
    form = client.get(url("sales-line-edit", quote.pk, line.pk), headers={"HX-Request": "true"}).context["edit_form"]
    return form_data(form)


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "no-js"])
def test_saving_a_line_over_someone_elses_change_of_the_same_field_asks_then_saves_the_choice(client, seller, quote,
                                                                                            htmx):
    line = quote.lines.get()
    data = edit_line_data(client, quote, line)
    document_line_update(SalesLine.objects.get(pk=line.pk), description="THEIRS")
    data.update(description="MINE", quantity="3")
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(url("sales-line-edit", quote.pk, line.pk), data, headers=headers)
    body = response.content.decode()
    assert response.status_code == 200
    assert "You both changed the description: choose below whether to keep your value or take theirs" in body
    conflict = body.split('id="conflict-description"')[1].split("</fieldset>")[0]
    assert "Keep mine: <strong class=\"mine\">MINE</strong>" in conflict
    assert "Take theirs: <strong class=\"theirs\">THEIRS</strong>" in conflict
    form = response.context["edit_form"]
    assert form["description"].value() == "MINE" and form["quantity"].value() == "3"  # the user's values kept
    line.refresh_from_db()
    assert (line.description, line.quantity) == ("THEIRS", Decimal("2"))  # nothing saved yet
    assert form["version"].value() == str(line.version)  # saving again compares with the current line

    again = {**form_data(form), "resolve-description": "theirs"}
    assert client.post(url("sales-line-edit", quote.pk, line.pk), again).status_code == 302
    line.refresh_from_db()
    assert (line.description, line.quantity, line.amount) == ("THEIRS", Decimal("3"), Decimal("300.00"))


def test_saving_a_line_over_someone_elses_change_of_another_field_merges_and_says_so(client, seller, quote):
    line = quote.lines.get()
    data = edit_line_data(client, quote, line)
    document_line_update(SalesLine.objects.get(pk=line.pk), unit_price=Decimal("120"))
    data["quantity"] = "3"
    response = client.post(url("sales-line-edit", quote.pk, line.pk), data, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert ("Someone else changed the unit price while you were editing; your change of the quantity was saved on "
            "top of it.") in body  # a line keeps no time of its last change
    line.refresh_from_db()
    assert (line.quantity, line.unit_price, line.amount) == (Decimal("3"), Decimal("120"), Decimal("360.00"))


def test_saving_a_line_with_the_current_version_goes_through_and_bumps_it(client, seller, quote):
    line = quote.lines.get()
    shown_version = line.version
    response = client.post(url("sales-line-edit", quote.pk, line.pk), {
        "version": shown_version, "description": "Chair", "quantity": "3", "unit_price": "100",
        "line_discount_pct": "0"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.description, line.amount, line.version) == ("Chair", Decimal("300.00"), shown_version + 1)


def test_saving_a_purchase_line_over_someone_elses_save_shows_both_values(client, buyer, document_setup,
                                                                         vendor_company):
    order = purchase_document_from_contact(vendor_company[0], "order")
    line = document_line_add(order, description="Paper", quantity=Decimal("3"), unit_price=Decimal("2"))
    document_line_update(PurchaseLine.objects.get(pk=line.pk), description="Toner")
    response = client.post(url("purchase-line-edit", order.pk, line.pk), {
        "version": line.version, "description": "Ink", "quantity": "1", "unit_price": "2",
        "line_discount_pct": "0"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Keep mine: <strong class=\"mine\">Ink</strong>" in body
    assert "Take theirs: <strong class=\"theirs\">Toner</strong>" in body
    assert PurchaseLine.objects.get(pk=line.pk).description == "Toner"


def test_saving_a_line_deleted_while_it_was_being_saved_answers_with_a_message(client, seller, quote, monkeypatch):
    line = quote.lines.get()
    update = services.document_line_update

    def deleted_meanwhile(line, **fields):  # someone deletes the line after the card was read, before the save
        SalesLine.objects.filter(pk=line.pk).delete()
        return update(line, **fields)

    monkeypatch.setattr(services, "document_line_update", deleted_meanwhile)
    response = client.post(url("sales-line-edit", quote.pk, line.pk), {
        "version": line.version, "description": "Chair", "quantity": "3", "unit_price": "100",
        "line_discount_pct": "0"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert f"Someone else deleted line 10000 of Sales Quote {quote.no}" in body and "Save line" not in body
    assert not quote.lines.exists()


def test_saving_a_line_deleted_before_is_not_found(client, seller, quote):
    line = quote.lines.get()
    edit_url = url("sales-line-edit", quote.pk, line.pk)
    line.delete()
    response = client.post(edit_url, {
        "version": 1, "description": "Chair", "quantity": "3", "unit_price": "100", "line_discount_pct": "0"})
    assert response.status_code == 404
    assert not quote.lines.exists()


# --- preview, print, e-mail, make order ----------------------------------------------------------


def test_preview_shows_the_document_and_logs_nothing(client, seller, quote):
    interaction_template_setup(sales_quotes="SQ")
    body = client.get(url("sales-preview", quote.pk)).content.decode()
    assert quote.no in body and "Office chair" in body
    assert not InteractionLogEntry.objects.exists()


def test_print_downloads_the_pdf_and_logs_once(client, seller, quote, customer_company):
    interaction_template_setup(sales_quotes="SQ")
    response = client.post(url("sales-print", quote.pk))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{quote.no}.pdf"'
    assert response.content.startswith(b"%PDF-")
    entry = InteractionLogEntry.objects.get()
    assert (entry.contact, entry.user, entry.document_no) == (customer_company[0], seller, quote.no)


def compose(client, side, document) -> dict:
    """The compose form of "Send by e-mail" as the page proposes it (sends nothing)."""
    form = client.get(url(f"{side}-email", document.pk)).context["form"]
    return {name: form[name].value() for name in form.fields}


def test_the_document_card_links_to_its_contact_and_customer(client, seller, quote, customer_company):
    company, customer = customer_company
    page = client.get(quote.get_absolute_url()).content.decode()
    assert f'<a href="{customer.get_absolute_url()}" id="partner-link">' in page
    assert f'<a href="{company.get_absolute_url()}" id="contact-link">' in page


def test_send_by_email_first_shows_the_message_to_compose_and_sends_nothing(client, seller, quote):
    response = client.get(url("sales-email", quote.pk))
    page = response.content.decode()
    assert response.status_code == 200 and mail.outbox == []
    form = response.context["form"]
    assert form["to"].value() == "office@fabrikam.example" and form["cc"].value() == ""
    assert quote.no in form["subject"].value() and "please find attached" in form["body"].value()
    assert f"{quote.no}.pdf" in page  # the attachment, by name


def test_send_by_email_sends_what_the_user_composed(client, seller, quote):
    data = compose(client, "sales", quote) | {
        "to": "anna@fabrikam.example", "cc": "boss@fabrikam.example; sam@our.example",
        "subject": "Your quote, as promised", "body": "Hello Anna,\nhere it is."}
    response = client.post(url("sales-email", quote.pk), data, follow=True)
    assert "sent to anna@fabrikam.example, boss@fabrikam.example, sam@our.example" in response.content.decode()
    [sent] = mail.outbox
    assert (sent.to, sent.cc) == (["anna@fabrikam.example"], ["boss@fabrikam.example", "sam@our.example"])
    assert (sent.subject, sent.body) == ("Your quote, as promised", "Hello Anna,\nhere it is.")
    assert sent.attachments[0][0] == f"{quote.no}.pdf"


@pytest.mark.parametrize(("field", "value", "error"), [
    ("to", "anna(at)fabrikam", "\u201canna(at)fabrikam\u201d is not an e-mail address."),
    ("to", "", "This field is required."),
    ("cc", "ok@x.example, not an address", "\u201cnot an address\u201d is not an e-mail address."),
    ("subject", "   ", "This field is required."),
])
def test_send_by_email_shows_a_bad_field_next_to_it_and_sends_nothing(client, seller, quote, field, value, error):
    response = client.post(url("sales-email", quote.pk), compose(client, "sales", quote) | {field: value})
    assert response.status_code == 200 and mail.outbox == []
    assert response.context["form"].errors == {field: [error]}
    assert 'class="field has-error"' in response.content.decode()


def test_make_order_opens_the_order(client, seller, quote):
    response = client.post(url("sales-make-order", quote.pk))
    order = SalesHeader.objects.get(document_type="order")
    assert response["Location"] == order.get_absolute_url()
    assert order.lines.get().description == "Office chair"


def test_make_order_of_a_prospects_quote_without_template_is_refused_in_plain_words(client, seller,
                                                                                   document_setup):
    prospect_quote = sales_document_from_contact(ContactFactory(), "quote")
    response = client.post(url("sales-make-order", prospect_quote.pk), follow=True)
    assert "no customer template" in response.content.decode()
    assert not SalesHeader.objects.filter(document_type="order").exists()


def test_make_order_without_customer_template_shows_the_error_at_the_template_field_and_focuses_it(
        client, seller, document_setup):
    prospect_quote = sales_document_from_contact(ContactFactory(), "quote")
    response = client.post(url("sales-make-order", prospect_quote.pk))
    assert response.status_code == 200  # the quote's card again, not a banner after a redirect
    form = response.context["header_form"]
    assert list(form.errors) == ["customer_template"]
    assert "choose the template to create the customer from here" in form.errors["customer_template"][0]
    assert list(response.context["messages"]) == []
    field = re.search(r'<div class="field has-error">(.*?)</div>\s*</div>', response.content.decode(), re.S).group(1)
    assert 'id="id_customer_template"' in field and "autofocus" in field and "no customer template" in field
    # The form keeps the quote's values, so saving it next (with a template) is not refused as stale.
    assert str(form["version"].value()) == str(prospect_quote.version)


def test_release_and_reopen(client, seller, quote):
    client.post(url("sales-release", quote.pk))
    quote.refresh_from_db()
    assert quote.status == "released"
    response = client.post(url("sales-line-add", quote.pk), {"description": "X", "quantity": "1",
                                                             "unit_price": "1", "line_discount_pct": "0"})
    assert "released" in response.content.decode()
    client.post(url("sales-reopen", quote.pk))
    quote.refresh_from_db()
    assert quote.status == "open"


# --- interactions from the contact card ----------------------------------------------------------


def test_recording_an_interaction(client, seller):
    contact = ContactFactory()
    call = InteractionTemplateFactory(code="CALL")
    client.post(url("record-interaction", contact.pk), {"template": call.pk, "description": "Called back"})
    assert InteractionLogEntry.objects.get().description == "Called back"


def test_recording_an_interaction_for_a_privacy_blocked_contact_is_refused(client, seller):
    contact = ContactFactory(privacy_blocked=True)
    call = InteractionTemplateFactory(code="CALL")
    response = client.post(url("record-interaction", contact.pk), {"template": call.pk, "description": "Call"},
                           headers={"HX-Request": "true"})
    assert "privacy blocked" in response.content.decode()
    assert not InteractionLogEntry.objects.exists()


def test_recording_an_interaction_without_description_shows_the_error_at_the_field(client, seller):
    contact = ContactFactory()
    response = client.post(url("record-interaction", contact.pk), {"template": InteractionTemplateFactory().pk,
                                                                    "description": " "},
                           headers={"HX-Request": "true"})
    page = response.content.decode()
    field = re.search(r'<div class="field has-error">\s*<label for="id_description">.*?</div>\s*</div>', page, re.S)
    assert "Say in a few words what the interaction was about." in field.group(0)
    assert not InteractionLogEntry.objects.exists()


def test_recording_an_interaction_needs_the_permission(client, buyer):
    buyer.user_permissions.remove(*Permission.objects.filter(codename="add_interactionlogentry"))
    contact = ContactFactory()
    response = client.post(url("record-interaction", contact.pk), {"template": InteractionTemplateFactory().pk})
    assert response.status_code == 403


def test_sending_an_email_from_the_contact_card(client, seller):
    interaction_template_setup(emails="EMAIL")
    contact = ContactFactory(email="ann@client.example")
    response = client.post(url("email-contact", contact.pk), {"subject": "Hello", "body": "Hi Ann"},
                           headers={"HX-Request": "true"})
    assert mail.outbox[0].to == ["ann@client.example"]
    assert "Hello" in response.content.decode()  # the refreshed log shows the new entry
    assert InteractionLogEntry.objects.get().template.code == "EMAIL"


def test_an_email_without_subject_is_refused_with_a_message(client, seller):
    contact = ContactFactory(email="ann@client.example")
    response = client.post(url("email-contact", contact.pk), {"subject": "", "body": "x"}, follow=True)
    assert "The e-mail was not sent" in response.content.decode() or response.status_code == 200
    assert mail.outbox == []


def test_saving_the_header_over_someone_elses_change_of_another_field_merges_and_says_so(client, seller, quote):
    data = form_data(client.get(quote.get_absolute_url()).context["header_form"])
    sales_document_update(SalesHeader.objects.get(pk=quote.pk), external_document_no="THEIRS")
    data["contact_name"] = "Anna"
    body = client.post(quote.get_absolute_url(), data, follow=True).content.decode()
    quote.refresh_from_db()
    assert (quote.external_document_no, quote.contact_name) == ("THEIRS", "Anna")
    assert re.search(r"Someone else changed the external document no\. at \d\d:\d\d while you were editing; your "
                     r"change of the contact was saved on top of it\.", body)


def test_saving_the_header_over_someone_elses_change_of_the_same_field_asks_then_saves_the_choice(client, seller,
                                                                                                quote):
    data = form_data(client.get(quote.get_absolute_url()).context["header_form"])
    sales_document_update(SalesHeader.objects.get(pk=quote.pk), external_document_no="THEIRS")
    data["external_document_no"] = "MINE"
    response = client.post(quote.get_absolute_url(), data)
    body = response.content.decode()
    assert response.status_code == 200 and "You both changed the external document no." in body
    assert 'value="MINE"' in body and "Take theirs: <strong class=\"theirs\">THEIRS</strong>" in body
    quote.refresh_from_db()
    assert quote.external_document_no == "THEIRS"
    again = {**form_data(response.context["header_form"]), "resolve-external_document_no": "mine"}
    assert client.post(quote.get_absolute_url(), again).status_code == 302
    quote.refresh_from_db()
    assert quote.external_document_no == "MINE"


def test_saving_the_header_with_the_current_version_goes_through(client, seller, quote):
    response = client.post(quote.get_absolute_url(), {
        "version": quote.version, "customer_no": quote.sell_to_customer.no, "contact_no": quote.sell_to_contact.no,
        "order_date": "2026-11-20", "external_document_no": "MINE", "email": "", "phone_no": "",
        "contact_name": ""})
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.external_document_no == "MINE"


def test_purchase_quote_print_email_and_make_order(client, buyer, document_setup, vendor_company):
    interaction_template_setup(purchase_quotes="PQ", purchase_orders="PO")
    response = client.post(url("from-contact", vendor_company[0].pk, "purchase", "quote"))
    quote = PurchaseHeader.objects.get()
    client.post(url("purchase-line-add", quote.pk), {"description": "Paper", "quantity": "10", "unit_price": "2",
                                                     "line_discount_pct": "0"})
    assert client.post(url("purchase-print", quote.pk)).content.startswith(b"%PDF-")
    client.post(url("purchase-email", quote.pk), compose(client, "purchase", quote))
    assert mail.outbox[0].to == ["sales@contoso.example"]
    response = client.post(url("purchase-make-order", quote.pk))
    order = PurchaseHeader.objects.get(document_type="order")
    assert response["Location"] == order.get_absolute_url()
    assert [(e.template.code, e.document_no) for e in InteractionLogEntry.objects.order_by("pk")] == [
        ("PQ", quote.no), ("PQ", quote.no)]

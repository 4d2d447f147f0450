"""The Django admin: every registered model's pages load for a superuser; setup tables are one-row pages."""

from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api.models import ApiKey
from contacts.models import Contact, ContactBusinessRelation, InteractionLogEntry, InteractionTemplate
from crm.admin import SingletonAdmin
from partners.models import BankAccount, Customer, NoSeries, Vendor
from webhooks.models import Delivery, Event, Subscription

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
SINGLETONS = [model for model, model_admin in REGISTERED if isinstance(model_admin, SingletonAdmin)]
TABLES = [model for model, model_admin in REGISTERED if not isinstance(model_admin, SingletonAdmin)]


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def label(model):
    return model._meta.label


def seed(**options):
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO(),
                 **{"seed": 1, "contacts": 16, "customers": 4, "vendors": 2, "bank_accounts": 1, **options})


@pytest.fixture
def demo(db):
    """Seeded demo data plus one row of each kind seed_demo does not make."""
    seed()
    Group.objects.get_or_create(name="Sales")
    InteractionLogEntry.objects.create(contact=Contact.objects.first(), template=InteractionTemplate.objects.first(),
                                       logged_at=timezone.now(), description="Called about the offer")
    ApiKey.issue(get_user_model().objects.create_user("integration"), name="web shop")
    hook = Subscription.objects.create(owner=get_user_model().objects.get(username="integration"),
                                       target_url="https://example.com/hooks", event_types=["created"])
    event = Event.objects.create(type="created", occurred_at=timezone.now(),
                                 data={"model": "contacts.contact", "id": 1, "no": "CT000001"})
    Delivery.objects.create(event=event, subscription=hook, attempt=1, status_code=200, response_excerpt="ok")
    try:
        from documents.models import PurchaseHeader, SalesHeader
    except ImportError:  # pragma: no cover - the documents app is optional
        return
    SalesHeader.objects.bulk_create([SalesHeader(document_type="quote", no="SQ-ADMIN",
                                                 sell_to_contact=Contact.objects.first())])
    PurchaseHeader.objects.bulk_create([PurchaseHeader(document_type="order", no="PO-ADMIN",
                                                       buy_from_vendor=Vendor.objects.first())])


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("model", TABLES, ids=label)
def test_changelist_and_search_load(admin_client, demo, model):
    assert admin_client.get(url(model, "changelist")).status_code == 200
    if admin.site._registry[model].search_fields:
        assert admin_client.get(url(model, "changelist"), {"q": "a"}).status_code == 200


@pytest.mark.parametrize("model", TABLES, ids=label)
def test_add_page_loads(admin_client, admin_user, rf, demo, model):
    request = rf.get("/")
    request.user = admin_user
    if not admin.site._registry[model].has_add_permission(request):  # a log (webhook deliveries): none by hand
        assert admin_client.get(url(model, "add")).status_code == 403
        return
    assert admin_client.get(url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", TABLES, ids=label)
def test_change_and_history_pages_load(admin_client, demo, model):
    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        pytest.skip(f"no {model._meta.verbose_name} to open")
    assert admin_client.get(url(model, "change", obj.pk)).status_code == 200
    assert admin_client.get(url(model, "history", obj.pk)).status_code == 200
    assert admin_client.get(url(model, "delete", obj.pk)).status_code == 200


def test_every_registered_model_has_a_row_to_open(demo):
    missing = [label(model) for model in TABLES if not model._default_manager.exists()]
    assert missing == []


@pytest.mark.parametrize("model", SINGLETONS, ids=label)
def test_a_setup_page_goes_straight_to_its_single_row(admin_client, db, model):
    response = admin_client.get(url(model, "changelist"))
    assert response.status_code == 302
    assert response["Location"] == url(model, "change", 1)
    assert admin_client.get(response["Location"]).status_code == 200
    assert model.objects.count() == 1


@pytest.mark.parametrize("model", SINGLETONS, ids=label)
def test_a_setup_row_can_be_neither_added_nor_deleted(admin_client, db, model):
    model.load()
    assert admin_client.get(url(model, "add")).status_code == 403
    assert admin_client.post(url(model, "delete", 1), {"post": "yes"}).status_code == 403
    assert model.objects.count() == 1


@pytest.mark.parametrize("model", [Contact, Customer, Vendor, BankAccount, ContactBusinessRelation, NoSeries],
                         ids=label)
def test_changelist_queries_do_not_grow_with_the_rows(admin_client, demo, model):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url(model, "changelist")).status_code == 200
        return len(queries)

    before = count()
    seed(seed=2)
    assert count() == before


def test_a_bad_iban_is_shown_on_the_admin_form_and_nothing_is_saved(admin_client, demo):
    account = BankAccount.objects.first()
    data = {field: getattr(account, field) for field in
            ("no", "name", "name_2", "search_name", "contact", "address", "address_2", "post_code", "city",
             "county", "country_code", "phone_no", "mobile_phone_no", "fax_no", "email", "home_page",
             "bank_account_no", "swift_code", "bank_branch_no", "bank_acc_posting_group", "language_code",
             "currency_code")}
    data["iban"] = "DE00 1234"
    response = admin_client.post(url(BankAccount, "change", account.pk), data)
    assert response.status_code == 200
    assert "is not a valid IBAN" in response.content.decode()
    assert BankAccount.objects.get(pk=account.pk).iban == account.iban


def test_the_admin_needs_a_login(client, db):
    response = client.get(url(Contact, "changelist"))
    assert response.status_code == 302
    assert "login" in response["Location"]

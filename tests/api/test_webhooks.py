"""Outbound webhooks: events from every writer reach a live HTTP server, signed; bulk writes are batched; a
rolled-back change sends nothing; failures are retried with back-off; re-delivery; the API and its roles."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.tasks import default_task_backend
from django.tasks.signals import task_enqueued
from django.test import override_settings
from django.utils import timezone

from contacts import services, sync
from contacts.bulk.create import create_contacts_from
from contacts.duplicates.merge import merge_contacts
from contacts.models import Contact
from tests import factories
from webhooks import services as webhooks
from webhooks.models import Delivery, Event, EventType, Subscription
from webhooks.services import deliver_events

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


class Receiver:
    """An HTTP server in a thread that records each POST and answers with the next of ``statuses``."""

    def __init__(self):
        self.requests, self.statuses = [], []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"try later")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self):
        return [json.loads(body) for _, body in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def subscription(db, receiver):
    return Subscription.objects.create(owner=factories.UserFactory(username="hookowner"), target_url=receiver.url,
                                       event_types=list(EventType.values))


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """The README's verification recipe."""
    message = f"{headers['Webhook-Id']}.{headers['Webhook-Timestamp']}.".encode() + body
    expected = "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["Webhook-Signature"])


def of_type(receiver, type_, model="contacts.contact"):
    return [e for e in receiver.events() if e["type"] == type_ and e["data"]["model"] == model]


def test_a_delivery_is_signed_with_the_subscriptions_secret(subscription, receiver,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contact = factories.ContactFactory(name="Fabrikam")
    (headers, body), = receiver.requests
    assert verify(subscription.secret, headers, body)
    assert not verify("whsec_someone-else", headers, body)
    assert headers["Webhook-Id"] == json.loads(body)["id"]
    assert abs(int(headers["Webhook-Timestamp"]) - timezone.now().timestamp()) < 60
    assert json.loads(body)["data"] == {"model": "contacts.contact", "id": contact.pk, "no": contact.no}


def test_created_updated_and_deleted_contacts_reach_the_server(subscription, receiver,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contact = factories.ContactFactory(name="Fabrikam")
    with django_capture_on_commit_callbacks(execute=True):
        contact.city = "Berlin"
        contact.save()
    pk, no = contact.pk, contact.no
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_contact(Contact.objects.get(pk=pk))
    assert [e["type"] for e in receiver.events()] == ["created", "updated", "deleted"]
    assert {(e["data"]["id"], e["data"]["no"]) for e in receiver.events()} == {(pk, no)}
    assert all(e["occurred_at"] and e["id"] for e in receiver.events())
    assert Delivery.objects.filter(status_code=200, attempt=1).count() == 3


def test_link_and_unlink_reach_the_server_for_both_sides(subscription, receiver, django_capture_on_commit_callbacks):
    factories.marketing_setup()
    with sync.suspended():
        customer = factories.CustomerFactory(name="Contoso")
    contact = factories.ContactFactory(name="Contoso")
    with django_capture_on_commit_callbacks(execute=True):
        services.link_contact(contact, customer)
    assert [e["data"]["no"] for e in of_type(receiver, "linked")] == [contact.no]
    assert [e["data"]["no"] for e in of_type(receiver, "linked", "partners.customer")] == [customer.no]
    with django_capture_on_commit_callbacks(execute=True):
        services.unlink(contact, "customer")
    assert [e["data"]["no"] for e in of_type(receiver, "unlinked")] == [contact.no]
    assert [e["data"]["no"] for e in of_type(receiver, "unlinked", "partners.customer")] == [customer.no]


def test_a_synchronized_partner_is_announced(subscription, receiver, django_capture_on_commit_callbacks):
    factories.marketing_setup()
    with sync.suspended():
        customer = factories.CustomerFactory(name="Contoso")
    contact = factories.ContactFactory(name="Contoso")
    services.link_contact(contact, customer)
    with django_capture_on_commit_callbacks(execute=True):
        contact.city = "Lisbon"
        contact.save()
    assert [e["data"]["no"] for e in of_type(receiver, "synchronized", "partners.customer")] == [customer.no]


def test_a_merge_reaches_the_server(subscription, receiver, django_capture_on_commit_callbacks):
    survivor = factories.ContactFactory(name="Fabrikam")
    other = factories.ContactFactory(name="Fabrikam Inc.")
    other_pk, other_no = other.pk, other.no
    with django_capture_on_commit_callbacks(execute=True):
        merge_contacts(survivor, other)
    merged, = of_type(receiver, "merged")
    assert merged["data"] == {"model": "contacts.contact", "id": survivor.pk, "no": survivor.no,
                              "merged": {"id": other_pk, "no": other_no}}
    assert [e["data"]["id"] for e in of_type(receiver, "deleted")] == [other_pk]


@override_settings(WEBHOOKS_BATCH_SIZE=10)
def test_a_bulk_create_announces_every_record_in_a_few_tasks(db, receiver, django_capture_on_commit_callbacks):
    Subscription.objects.create(owner=factories.UserFactory(), target_url=receiver.url, event_types=["created"])
    with sync.suspended():
        customers = [factories.CustomerFactory(name=f"Customer {i}") for i in range(35)]
    factories.marketing_setup()
    tasks = []

    def count(sender, task_result, **kwargs):
        tasks.append(task_result)

    task_enqueued.connect(count)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            create_contacts_from("customer")
    finally:
        task_enqueued.disconnect(count)
    created = of_type(receiver, "created")
    assert len(created) == 35
    assert {e["data"]["no"] for e in created} == set(Contact.objects.values_list("no", flat=True))
    assert len(customers) == 35 and len(tasks) == 4  # 35 events, 10 per task: not one task per row


def test_a_rolled_back_change_sends_nothing(subscription, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            factories.ContactFactory(name="Never")
            raise RuntimeError("rolled back")
    assert receiver.requests == []
    assert not Event.objects.exists()


def test_only_subscribed_event_types_and_active_subscriptions_are_sent(db, receiver,
                                                                       django_capture_on_commit_callbacks):
    owner = factories.UserFactory()
    Subscription.objects.create(owner=owner, target_url=receiver.url, event_types=["deleted"])
    Subscription.objects.create(owner=owner, target_url=receiver.url, event_types=["created"], active=False)
    with django_capture_on_commit_callbacks(execute=True):
        factories.ContactFactory(name="Quiet")
    assert receiver.requests == []


@override_settings(TASKS=DUMMY_TASKS, WEBHOOKS_BACKOFF=30, WEBHOOKS_MAX_ATTEMPTS=3)
def test_a_failed_delivery_is_retried_with_back_off_until_it_succeeds(subscription, receiver,
                                                                      django_capture_on_commit_callbacks):
    default_task_backend.clear()
    receiver.statuses = [500, 503, 200]
    with django_capture_on_commit_callbacks(execute=True):
        factories.ContactFactory(name="Fabrikam")
    first, = default_task_backend.results
    assert first.args[2] == 1 and first.task.run_after is None

    before = timezone.now()
    deliver_events.call(*first.args)
    failed = Delivery.objects.get(attempt=1)
    assert failed.status_code == 500 and failed.response_excerpt == "try later" and "HTTP 500" in failed.error
    second = default_task_backend.results[-1]
    assert second.args == [subscription.pk, first.args[1], 2]
    assert before + timedelta(seconds=29) < second.task.run_after < timezone.now() + timedelta(seconds=31)
    assert failed.next_retry_at == second.task.run_after

    deliver_events.call(*second.args)
    third = default_task_backend.results[-1]
    assert third.args[2] == 3  # the back-off doubles: 60 s
    assert before + timedelta(seconds=59) < third.task.run_after < timezone.now() + timedelta(seconds=61)
    deliver_events.call(*third.args)
    assert list(Delivery.objects.order_by("attempt").values_list("attempt", "status_code")) == [
        (1, 500), (2, 503), (3, 200)]
    assert len(default_task_backend.results) == 3  # success: nothing more scheduled
    assert len(receiver.requests) == 3 and len({h["Webhook-Id"] for h, _ in receiver.requests}) == 1


@override_settings(TASKS=DUMMY_TASKS, WEBHOOKS_MAX_ATTEMPTS=2)
def test_retries_stop_after_the_maximum_number_of_attempts(subscription, receiver,
                                                            django_capture_on_commit_callbacks):
    default_task_backend.clear()
    receiver.statuses = [500, 500]
    with django_capture_on_commit_callbacks(execute=True):
        factories.ContactFactory(name="Fabrikam")
    deliver_events.call(*default_task_backend.results[0].args)
    deliver_events.call(*default_task_backend.results[1].args)
    assert len(default_task_backend.results) == 2
    last = Delivery.objects.get(attempt=2)
    assert last.status_code == 500 and last.next_retry_at is None


def test_an_unreachable_target_is_logged_not_raised(db, django_capture_on_commit_callbacks):
    receiver = Receiver()
    url = receiver.url
    receiver.close()  # nothing listens there any more
    Subscription.objects.create(owner=factories.UserFactory(), target_url=url, event_types=["created"])
    with django_capture_on_commit_callbacks(execute=True):
        factories.ContactFactory(name="Fabrikam")
    delivery = Delivery.objects.get()
    assert delivery.status_code is None and "refused" in delivery.error.lower()


# ------------------------------------------------------------------------------------------ the API
def test_the_admin_role_manages_subscriptions_over_the_api(api_admin, receiver):
    created = api_admin.post("/webhooks", {"name": "Shop", "target_url": receiver.url,
                                           "event_types": ["created", "linked"]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["secret"] == Subscription.objects.get().secret
    assert created["ETag"] == '"1"'
    item = api_admin.get(f"/webhooks/{body['id']}")
    assert item.status_code == 200 and "secret" not in item.json()
    assert api_admin.get(f"/webhooks/{body['id']}", **{"If-None-Match": '"1"'}).status_code == 304
    assert [s["name"] for s in api_admin.get("/webhooks").json()] == ["Shop"]

    assert api_admin.patch(f"/webhooks/{body['id']}", {"active": False}).status_code == 428
    assert api_admin.patch(f"/webhooks/{body['id']}", {"active": False}, **{"If-Match": '"7"'}).status_code == 412
    patched = api_admin.patch(f"/webhooks/{body['id']}", {"active": False, "event_types": ["merged"]},
                              **{"If-Match": '"1"'})
    assert patched.status_code == 200 and patched["ETag"] == '"2"'
    assert patched.json()["event_types"] == ["merged"] and patched.json()["active"] is False

    assert api_admin.delete(f"/webhooks/{body['id']}", **{"If-Match": '"1"'}).status_code == 412
    assert api_admin.delete(f"/webhooks/{body['id']}", **{"If-Match": '"2"'}).status_code == 204
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://example.com/hook", "valid http:// or https:// URL"),
    ("not a url", "valid http:// or https:// URL"),
    ("http://127.0.0.1:8000/hook", "private or local address"),
    ("https://10.1.2.3/hook", "private or local address"),
    ("http://localhost/hook", "private or local address"),
])
def test_a_bad_or_private_target_is_refused_with_a_clear_message(api_admin, settings, url, message):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    response = api_admin.post("/webhooks", {"target_url": url, "event_types": ["created"]})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert message in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == "target_url"
    assert not Subscription.objects.exists()


def test_unknown_event_types_and_missing_fields_are_refused(api_admin, receiver):
    bad = api_admin.post("/webhooks", {"target_url": receiver.url, "event_types": ["exploded"]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].startswith("event_types")
    missing = api_admin.post("/webhooks", {"name": "x"})
    assert missing.status_code == 422 and {e["field"] for e in missing.json()["errors"]} == {
        "target_url", "event_types"}
    assert not Subscription.objects.exists()


def test_other_roles_may_not_see_or_manage_webhooks(api_sales, api_finance, subscription, receiver):
    for client in (api_sales, api_finance):
        assert client.get("/webhooks").status_code == 403
        assert client.post("/webhooks", {"target_url": receiver.url, "event_types": ["created"]}).status_code == 403
        assert client.get(f"/webhooks/{subscription.pk}").status_code == 403


def test_a_delivery_is_redelivered_on_request(api_admin, subscription, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        factories.ContactFactory(name="Fabrikam")
    log = api_admin.get(f"/webhooks/{subscription.pk}/deliveries").json()
    assert [(d["attempt"], d["status_code"], d["event_type"]) for d in log] == [(1, 200, "created")]
    with django_capture_on_commit_callbacks(execute=True):
        response = api_admin.post(f"/webhooks/deliveries/{log[0]['id']}/redeliver")
    assert response.status_code == 202
    assert len(receiver.requests) == 2
    assert receiver.requests[0][0]["Webhook-Id"] == receiver.requests[1][0]["Webhook-Id"] == log[0]["event_id"]
    assert [d["attempt"] for d in api_admin.get(f"/webhooks/{subscription.pk}/deliveries").json()] == [2, 1]
    assert api_admin.post("/webhooks/deliveries/999999/redeliver").status_code == 404


def test_the_admin_redelivers_the_selected_deliveries(admin_client, subscription, receiver,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        factories.ContactFactory(name="Fabrikam")
    delivery = Delivery.objects.get()
    assert admin_client.get("/admin/webhooks/delivery/").status_code == 200
    assert admin_client.get("/admin/webhooks/subscription/add/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/webhooks/delivery/", {"action": "redeliver",
                                                                   "_selected_action": [delivery.pk]})
    assert response.status_code == 302
    assert len(receiver.requests) == 2 and Delivery.objects.filter(attempt=2, status_code=200).exists()


def test_the_admin_adds_a_subscription_and_sees_its_secret_once(admin_client, admin_user, receiver):
    response = admin_client.post("/admin/webhooks/subscription/add/", {
        "owner": admin_user.pk, "name": "Shop", "target_url": receiver.url, "event_types": ["created", "merged"],
        "active": "on"}, follow=True)
    subscription = Subscription.objects.get()
    assert subscription.event_types == ["created", "merged"]
    assert subscription.secret in response.content.decode()
    assert subscription.secret not in admin_client.get(
        f"/admin/webhooks/subscription/{subscription.pk}/change/").content.decode()


def test_the_signature_helper_matches_the_documented_formula():
    body = b'{"id":"e1"}'
    expected = hmac.new(b"whsec_x", b"e1.1700000000." + body, hashlib.sha256).hexdigest()
    assert webhooks.sign("whsec_x", "e1", 1700000000, body) == f"v1={expected}"

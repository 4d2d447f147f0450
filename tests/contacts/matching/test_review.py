"""The review band of link_contacts: uncertain pairs wait for a person; accept links, reject is remembered."""

import csv
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from contacts.models import ContactBusinessRelation, MatchReview
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def uncertain(db):
    """A customer and a contact with the same name and nothing else known: likely, not certain (p ≈ 0.86)."""
    blank = dict.fromkeys(("address", "city", "post_code", "phone_no", "email"), "")
    contact = factories.ContactFactory(name="Proseware Inc.", **blank)
    customer = factories.CustomerFactory(name="PROSEWARE", **blank)
    factories.marketing_setup()
    return customer, contact


def run(*args):
    out = StringIO()
    call_command("link_contacts", "customers", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def report_of(tmp_path, *args):
    path = tmp_path / "r.csv"
    run("--report", str(path), *args)
    return list(csv.DictReader(path.open()))


def test_a_pair_between_review_min_and_min_score_is_listed_for_review_not_linked(uncertain, tmp_path):
    customer, contact = uncertain
    rows = report_of(tmp_path)
    assert [(r["partner_no"], r["contact_no"], r["decision"]) for r in rows] == [(customer.no, contact.no, "review")]
    assert 0.5 <= float(rows[0]["match_probability"]) < 0.9 and "name agrees +" in rows[0]["explanation"]
    assert not ContactBusinessRelation.objects.filter(customer=customer).exists()
    review = MatchReview.objects.get()
    assert (review.partner_id, review.contact, review.status) == (customer.pk, contact, "pending")


def test_the_band_moves_with_the_options(uncertain, tmp_path):
    customer, _ = uncertain
    assert report_of(tmp_path, "--review-min", "0.95", "--min-score", "0.99")[0]["decision"] == "below"
    assert not MatchReview.objects.exists()
    assert report_of(tmp_path, "--min-score", "0.8")[0]["decision"] == "linked"
    assert ContactBusinessRelation.objects.filter(customer=customer).exists()


@pytest.fixture
def roles(db):
    from django.apps import apps

    from crm.roles import create_roles
    create_roles(apps)


@pytest.fixture
def sales(client, roles):
    user = factories.UserFactory(username="sam")
    user.groups.add(Group.objects.get(name="Sales"))
    client.force_login(user)
    return client


def test_accepting_on_the_review_page_links_through_the_engine(uncertain, sales, django_assert_max_num_queries):
    customer, contact = uncertain
    run()
    review = MatchReview.objects.get()
    with django_assert_max_num_queries(8):
        page = sales.get(reverse("contacts:match-review") + "?kind=customer").content.decode()
    assert customer.no in page and contact.no in page and "name agrees +" in page
    response = sales.post(reverse("contacts:match-accept", args=[review.pk]))
    assert response.status_code == 302
    link = ContactBusinessRelation.objects.get(customer=customer)
    assert link.contact == contact
    contact.refresh_from_db()
    assert contact.contact_business_relation == "customer"  # the engine's summary
    review.refresh_from_db()
    assert review.status == "accepted" and review.decided_by.username == "sam"
    assert "No customer matches to review" in sales.get(reverse("contacts:match-review")).content.decode()


def test_a_rejected_pair_is_remembered_across_runs(uncertain, sales, tmp_path):
    customer, contact = uncertain
    run()
    review = MatchReview.objects.get()
    sales.post(reverse("contacts:match-reject", args=[review.pk]))
    rows = report_of(tmp_path, "--min-score", "0.5", "--review-min", "0.1")  # would link it now
    assert [r["decision"] for r in rows] == ["rejected"]
    assert not ContactBusinessRelation.objects.exists()
    assert MatchReview.objects.get().status == "rejected"


def test_deciding_twice_is_refused_with_a_message(uncertain, sales):
    run()
    review = MatchReview.objects.get()
    sales.post(reverse("contacts:match-reject", args=[review.pk]))
    response = sales.post(reverse("contacts:match-accept", args=[review.pk]), follow=True)
    assert "was rejected already" in response.content.decode()
    assert not ContactBusinessRelation.objects.exists()


def test_one_review_row_per_pair_is_a_database_rule(uncertain):
    run()
    review = MatchReview.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchReview.objects.create(kind=review.kind, partner_id=review.partner_id, partner_no="X",
                                   contact=review.contact, probability=0.7, weight=1.0)


def test_the_review_page_needs_the_right_to_link(uncertain, client, roles):
    run()
    review = MatchReview.objects.get()
    user = factories.UserFactory(username="fin")
    user.groups.add(Group.objects.get(name="Purchasing"))
    client.force_login(user)
    assert client.post(reverse("contacts:match-accept", args=[review.pk])).status_code == 403
    assert not ContactBusinessRelation.objects.exists()


def test_an_unknown_kind_shows_the_customers_and_the_page_needs_a_login(uncertain, sales, client):
    run()
    page = sales.get(reverse("contacts:match-review") + "?kind=%00bogus")
    assert page.status_code in (200, 400) and b"Traceback" not in page.content
    assert "Matches to review: customers" in sales.get(reverse("contacts:match-review") + "?kind=bogus").content.decode()
    sales.logout()
    assert sales.get(reverse("contacts:match-review")).status_code == 302

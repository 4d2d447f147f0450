"""manage.py link_contacts: match unlinked partners to contacts, link confident matches, report candidates."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contacts.bulk import link as linking
from contacts.models import Contact, ContactBusinessRelation
from partners.models import Customer, Vendor
from tests import factories

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("link_contacts", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def world(db):
    """Contacts and customers made before synchronization is switched on, so none is linked."""
    contacts = {
        "fabrikam": factories.ContactFactory(name="Fabrikam Inc.", vat_registration_no="DE123456789",
                                             city="Berlin", country_code="DE", phone_no="030 111111",
                                             email="info@fabrikam.test"),
        "northwind": factories.ContactFactory(name="Northwind Traders", phone_no="+49 30 2222222",
                                              country_code="DE", email="hello@northwind.test"),
        "lonely": factories.ContactFactory(name="Adventure Works", email="aw@example.test", phone_no="+1 555 0001"),
    }
    customers = {
        "fabrikam": factories.CustomerFactory(name="FABRIKAM GMBH", vat_registration_no="123 456 789",
                                              city="Berlin-Mitte", country_code="DE", phone_no="+49 30 999",
                                              email="sales@fabrikam.test"),
        "northwind": factories.CustomerFactory(name="Northwnd Traders Ltd", phone_no="030 2222222",
                                               country_code="DE", email="orders@northwind.test"),
        "namesake": factories.CustomerFactory(name="Adventure Works LLC", email="other@else.test",
                                              phone_no="+1 555 0002"),
    }
    factories.marketing_setup()
    return contacts, customers


def link_of(customer):
    return ContactBusinessRelation.objects.filter(customer=customer).first()


def test_links_confident_matches_and_reports_every_candidate(world, tmp_path):
    contacts, customers = world
    report = tmp_path / "report.csv"
    output = run("customers", "--report", str(report), "--report-min", "0")

    assert link_of(customers["fabrikam"]).contact == contacts["fabrikam"]
    assert link_of(customers["northwind"]).contact == contacts["northwind"]
    assert link_of(customers["namesake"]) is None  # the same name alone is not enough
    assert "Linked 2" in output
    rows = list(csv.DictReader(report.open()))
    decisions = {(r["partner_no"], r["contact_no"]): r["decision"] for r in rows}
    assert decisions[(customers["namesake"].no, contacts["lonely"].no)] == "below"  # name only; all else differs
    fabrikam_row = next(r for r in rows if r["partner_no"] == customers["fabrikam"].no)
    assert "VAT registration no. agrees +" in fabrikam_row["explanation"]
    assert float(fabrikam_row["match_probability"]) >= 0.9 and fabrikam_row["decision"] == "linked"


def test_contact_values_win_by_default_and_reach_the_partner(world):
    contacts, customers = world
    run("customers")
    customer = Customer.objects.get(pk=customers["fabrikam"].pk)
    assert customer.name == "Fabrikam Inc." and customer.city == "Berlin"
    assert Contact.objects.get(pk=contacts["fabrikam"].pk).contact_business_relation == "customer"


def test_master_partner_makes_the_partner_values_win(world):
    contacts, customers = world
    run("customers", "--master", "partner")
    contact = Contact.objects.get(pk=contacts["fabrikam"].pk)
    assert contact.name == "FABRIKAM GMBH" and contact.city == "Berlin-Mitte"
    assert Customer.objects.get(pk=customers["fabrikam"].pk).contact_type == "company"


@pytest.mark.parametrize("min_score", ["0.9999", "99.99"])  # a probability, or the same as a percentage
def test_min_score_controls_what_is_linked(world, min_score):
    _, customers = world
    output = run("customers", "--min-score", min_score)
    assert link_of(customers["fabrikam"]) is not None  # VAT no. and name agree: p > 0.9999
    assert link_of(customers["northwind"]) is None  # phone and a similar name: p ≈ 0.999, linked at the default
    assert "Linked 1" in output


def test_dry_run_links_nothing(world, tmp_path):
    report = tmp_path / "r.csv"
    output = run("customers", "--dry-run", "--report", str(report))
    assert ContactBusinessRelation.objects.count() == 0
    assert "Would link 2" in output
    assert {r["decision"] for r in csv.DictReader(report.open())} == {"linked"}  # what a real run would do


def test_a_contact_is_linked_at_most_once_per_type_the_best_score_wins(db, tmp_path):
    contact = factories.ContactFactory(name="Litware", phone_no="+1 555 3333333", email="it@litware.test")
    good = factories.CustomerFactory(name="Litware Inc", phone_no="+1 555 3333333", email="ops@litware.test")
    best = factories.CustomerFactory(name="Litware", phone_no="+1 555 3333333", email="it@litware.test")
    factories.marketing_setup()
    report = tmp_path / "r.csv"
    run("customers", "--report", str(report))
    assert link_of(best).contact == contact
    assert link_of(good) is None
    decisions = {r["partner_no"]: r["decision"] for r in csv.DictReader(report.open())}
    assert decisions == {best.no: "linked", good.no: "other match better"}


def test_equal_best_scores_are_left_for_a_person(db):
    factories.ContactFactory(name="Litware", phone_no="+1 555 3333333", email="a@litware.test")
    factories.ContactFactory(name="Litware Ltd", phone_no="+1 555 3333333", email="b@litware.test")
    customer = factories.CustomerFactory(name="Litware", phone_no="+1 555 3333333", email="c@litware.test")
    factories.marketing_setup()
    run("customers")
    assert link_of(customer) is None


def test_linked_partners_and_contacts_are_not_matched_again(world):
    run("customers")
    output = run("customers")
    assert "Linked 0" in output


def test_vendors_link_only_to_companies(db):
    factories.ContactFactory(person=True, first_name="Jo", surname="Vend", email="jo@vend.test",
                             phone_no="+1 555 7777777")
    factories.VendorFactory(name="Jo Vend", email="jo@vend.test", phone_no="+1 555 7777777")
    factories.marketing_setup()
    run("vendors")
    assert not Vendor.objects.filter(contact_links__isnull=False).exists()


def test_refuses_without_the_setup_code(db):
    factories.marketing_setup(bank_accounts=None)
    with pytest.raises(CommandError, match="Bus. Rel. Code for Bank Accounts is not set"):
        run("bank-accounts")


@pytest.mark.parametrize("args, message", [
    (("--min-score", "0"), "--min-score must be a match probability above 0"),
    (("--min-score", "101"), "--min-score must be a match probability above 0"),
    (("--min-score", "high"), "--min-score must be a match probability between 0 and 1"),
    (("--min-score", "nan"), "--min-score must be a match probability above 0"),
    (("--review-min", "-1"), "--review-min must be a match probability above 0"),
    (("--min-score", "0.6", "--review-min", "0.8"), r"--review-min \(0.8\) must not be above --min-score \(0.6\)"),
    (("--report-min", "2"), "--report-min must be a match probability from 0 to 1"),
])
def test_bad_probabilities_are_refused_and_change_nothing(world, args, message):
    with pytest.raises(CommandError, match=message):
        run("customers", *args)
    assert ContactBusinessRelation.objects.count() == 0


def test_bad_min_score_and_unwritable_report_are_refused(world, tmp_path):
    with pytest.raises(CommandError, match="min-score"):
        run("customers", "--min-score", "0")
    with pytest.raises(CommandError, match="Cannot write the report"):
        run("customers", "--dry-run", "--report", str(tmp_path / "missing" / "r.csv"))


def test_fills_an_unlinked_row_of_the_same_code(world):
    contacts, customers = world
    from contacts.models import MarketingSetup
    ContactBusinessRelation.objects.create(contact=contacts["fabrikam"],
                                           business_relation=MarketingSetup.load().bus_rel_code_for_customers)
    linking.link_contacts("customer")
    assert ContactBusinessRelation.objects.filter(contact=contacts["fabrikam"]).count() == 1
    assert link_of(customers["fabrikam"]).contact == contacts["fabrikam"]


@pytest.mark.parametrize("master", ["contact", "partner"])
def test_set_based_linking_ends_as_link_contact_does(db, master):
    """The same pair linked by contacts.services.link_contact and by the bulk path: same fields, link, summary."""
    from contacts import services, sync

    def world(suffix):
        contact = factories.ContactFactory(name=f"Fabrikam {suffix}", city="Berlin", phone_no="+49 30 1",
                                           email=f"c{suffix}@x.test", address="1 Main St", post_code="10115")
        factories.ContactFactory(person=True, company=contact, first_name="Jo", surname="Bloggs",
                                 company_name=contact.name) if master == "contact" else None
        with sync.suspended():
            customer = factories.CustomerFactory(name=f"Fabrikam {suffix}", city="Bonn", phone_no="+49 30 1",
                                                 email=f"p{suffix}@x.test", contact="Jo Bloggs",
                                                 contact_type="company", address="9 Side St", post_code="53111")
        return contact, customer

    by_service, by_bulk = world("A"), world("B")
    factories.marketing_setup()
    services.link_contact(*by_service, master=master)
    linking.link_pairs("customer", [(by_bulk[1].pk, by_bulk[0].pk)], master=master)

    skip = {"id", "no", "name", "search_name", "company_name", "email", "created_at", "updated_at", "version"}

    def state(contact, customer):
        contact.refresh_from_db()
        customer.refresh_from_db()
        link = ContactBusinessRelation.objects.get(customer=customer)
        return ({f.attname: getattr(contact, f.attname) for f in Contact._meta.concrete_fields
                 if f.name not in skip},
                {f.attname: getattr(customer, f.attname) for f in Customer._meta.concrete_fields
                 if f.name not in skip | {"no", "contact"}},
                link.business_relation_id, link.primary_contact.name if link.primary_contact else None,
                contact.email.replace("A", "").replace("B", "").lower())

    assert state(*by_bulk) == state(*by_service)

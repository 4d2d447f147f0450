"""factory-boy factories for every model. Records get explicit numbers unless a test asks for a series."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from contacts.models import (
    BusinessRelation,
    Contact,
    ContactBusinessRelation,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateSetup,
    MarketingSetup,
)
from partners.models import (
    BankAccount,
    ContactType,
    Customer,
    CustomerTemplate,
    NoSeries,
    PartnerSetup,
    SalespersonPurchaser,
    Territory,
    Vendor,
    VendorTemplate,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class NoSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoSeries
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SER{n}")
    description = factory.LazyAttribute(lambda s: f"{s.code} numbers")
    starting_no = factory.LazyAttribute(lambda s: f"{s.code[:2]}000001")


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:02d}")
    name = factory.Faker("state")


class SalespersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalespersonPurchaser
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SP{n:02d}")
    name = factory.Faker("name")
    email = factory.LazyAttribute(lambda s: f"{s.code.lower()}@example.com")


class BusinessRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessRelation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"BR{n}")
    description = factory.LazyAttribute(lambda b: f"Relation {b.code}")


class PartyFactory(factory.django.DjangoModelFactory):
    name = factory.Faker("company")
    address = factory.Faker("street_address")
    city = factory.Faker("city")
    post_code = factory.Faker("postcode")
    country_code = "US"
    phone_no = factory.Sequence(lambda n: f"+1 555 {n:07d}")
    email = factory.Sequence(lambda n: f"info{n}@example.com")


class ContactFactory(PartyFactory):
    class Meta:
        model = Contact

    # Far above the numbers the test series hand out (CT000001…), so a factory row never takes one of them.
    no = factory.Sequence(lambda n: f"CT{500000 + n:06d}")
    type = ContactType.COMPANY

    class Params:
        person = factory.Trait(
            type=ContactType.PERSON,
            first_name=factory.Faker("first_name"),
            surname=factory.Faker("last_name"),
            name=factory.LazyAttribute(lambda c: f"{c.first_name} {c.surname}"),
        )


class CustomerFactory(PartyFactory):
    class Meta:
        model = Customer

    no = factory.Sequence(lambda n: f"C{n:05d}")
    payment_terms_code = "30D"
    customer_posting_group = "DOMESTIC"


class VendorFactory(PartyFactory):
    class Meta:
        model = Vendor

    no = factory.Sequence(lambda n: f"V{n:05d}")
    payment_terms_code = "30D"
    vendor_posting_group = "DOMESTIC"


class BankAccountFactory(PartyFactory):
    class Meta:
        model = BankAccount

    no = factory.Sequence(lambda n: f"B{n:04d}")
    name = factory.LazyFunction(lambda: f"{factory.Faker._get_faker().company()} Bank")
    bank_account_no = factory.Sequence(lambda n: f"{n:010d}")
    country_code = "DE"  # the country of its IBAN and SWIFT code (BankAccount.clean checks they agree)
    iban = "DE89370400440532013000"
    swift_code = "COBADEFFXXX"


class CustomerTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerTemplate
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"CUST-T{n}")
    description = "Domestic customers"
    contact_type = ContactType.COMPANY
    payment_terms_code = "14D"
    customer_posting_group = "DOMESTIC"
    gen_bus_posting_group = "DOMESTIC"
    vat_bus_posting_group = "DOMESTIC"
    credit_limit = Decimal("5000.00")


class VendorTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorTemplate
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"VEND-T{n}")
    description = "Domestic vendors"
    contact_type = ContactType.COMPANY
    payment_terms_code = "30D"
    vendor_posting_group = "DOMESTIC"
    gen_bus_posting_group = "DOMESTIC"
    vat_bus_posting_group = "DOMESTIC"


class ContactBusinessRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactBusinessRelation

    contact = factory.SubFactory(ContactFactory)
    business_relation = factory.SubFactory(BusinessRelationFactory)


class InteractionTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InteractionTemplate
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"IT{n}")
    description = factory.LazyAttribute(lambda t: f"Interaction {t.code}")


class InteractionLogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InteractionLogEntry

    contact = factory.SubFactory(ContactFactory)
    template = factory.SubFactory(InteractionTemplateFactory)
    logged_at = factory.Faker("date_time_this_year", tzinfo=__import__("datetime").timezone.utc)
    description = "Called about the offer"


def marketing_setup(*, customers="CUST", vendors="VEND", bank_accounts="BANK", contact_nos="CONT"):
    """Switch synchronization on (codes and Contact Nos.) and return the Marketing Setup row."""
    setup = MarketingSetup.load()
    setup.bus_rel_code_for_customers = BusinessRelationFactory(code=customers) if customers else None
    setup.bus_rel_code_for_vendors = BusinessRelationFactory(code=vendors) if vendors else None
    setup.bus_rel_code_for_bank_accounts = BusinessRelationFactory(code=bank_accounts) if bank_accounts else None
    setup.contact_nos = NoSeriesFactory(code=contact_nos, starting_no="CT000001") if contact_nos else None
    setup.save()
    return setup


def partner_setup():
    """Give customers, vendors and bank accounts number series and return the Partner Setup row."""
    setup = PartnerSetup.load()
    setup.customer_nos = NoSeriesFactory(code="CUST", starting_no="C00001")
    setup.vendor_nos = NoSeriesFactory(code="VEND", starting_no="V00001")
    setup.bank_account_nos = NoSeriesFactory(code="BANK", starting_no="B0001")
    setup.save()
    return setup


def interaction_template_setup(**templates):
    setup = InteractionTemplateSetup.load()
    for kind, code in templates.items():
        setattr(setup, kind, InteractionTemplateFactory(code=code))
    setup.save()
    return setup

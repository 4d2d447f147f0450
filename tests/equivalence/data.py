"""Seeded random CRM data for the equivalence tests: the same seed builds the same records, numbers included.

``build(seed, **profile)`` writes, in a fixed order and with every value drawn from
``random.Random(seed)`` (never from a factory sequence or Faker, whose counters run on between two
builds):

1. lookups and setup: territories, salespeople, business relations (CUST, VEND, BANK, PROSPECT,
   PRESS), the Contact Nos. series and Partner Setup's series, a customer and a vendor template,
   Document Setup; Marketing Setup with Contact Nos. and the inheritance switches on but *without*
   business relation codes yet, so that nothing synchronizes while the "legacy" data goes in;
2. companies with persons (some persons keep the company's address and phone by inheritance, some
   have their own), stand-alone persons, a privacy-blocked company;
3. partners without a contact, saved with ``save()`` (as a user would, before synchronization was
   switched on) or written with ``bulk_create`` (as an import bypassing ``save()`` would: their
   derived fields — search name, VAT no. in capitals — were never set); some share VAT no., name,
   e-mail or phone with a company or a stand-alone person so that the matcher links them;
4. the business relation codes switched on;
5. linked partners, made through the per-row services ("Create as" from a company, or a partner
   saved so that its contact is created automatically, a contact text becoming the primary person),
   some companies linked to a customer *and* a vendor; prospects marked with an unlinked CUST row
   or a PRESS relation; open sales quotes of prospects.

Records are created with ``save()`` (the per-row path of the synchronization engine); the caller
runs it with the on-commit callbacks executed, so the duplicate index is built as in real use.
``World`` records the natural keys of what was made, by role, for the scenarios to operate on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model

from contacts import services
from contacts.models import BusinessRelation, Contact, ContactBusinessRelation, MarketingSetup
from crm.validators import example_vat_no
from documents import services as document_services
from documents.models import DocumentSetup
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
from tests import factories

# Every scenario runs on these seeds: different data each, the same data on both paths.
SEEDS = (11, 23, 37)

KINDS = ("customer", "vendor", "bank_account")
MODELS = {"customer": Customer, "vendor": Vendor, "bank_account": BankAccount}
COMMAND_WORDS = {"customer": "customers", "vendor": "vendors", "bank_account": "bank-accounts"}
ACTING_USERNAME = "clerk"

# country → (phone prefix, currency, language, cities, VAT prefix)
COUNTRIES = {
    "DE": ("+49 30", "EUR", "de-DE", ("Berlin", "Hamburg", "Munich", "Cologne"), "DE"),
    "GB": ("+44 20 7946", "GBP", "en-GB", ("London", "Leeds", "Bristol"), "GB"),
    "US": ("+1 212 555", "USD", "en-US", ("New York", "Boston", "Chicago"), ""),
    "FR": ("+33 1 40", "EUR", "fr-FR", ("Paris", "Lyon", "Lille"), "FR"),
    "DK": ("+45 33", "DKK", "da-DK", ("Copenhagen", "Aarhus"), "DK"),
}
NAME_FIRST = ("Alder", "Birch", "Cobalt", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Iris", "Juniper",
              "Kestrel", "Lumen", "Meridian", "Nimbus", "Orchid", "Pioneer", "Quarry", "Riverside", "Summit",
              "Tundra", "Upland", "Vertex", "Willow", "Zenith")
NAME_SECOND = ("Logistics", "Foods", "Textiles", "Analytics", "Machines", "Timber", "Optics", "Pharma",
               "Furniture", "Energy", "Print", "Ceramics", "Marine", "Tools", "Software")
LEGAL_FORMS = ("GmbH", "Ltd", "Inc.", "S.A.", "AG", "LLC", "")
FIRST_NAMES = ("Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hugo", "Ines", "Jonas", "Karin", "Leo",
               "Maja", "Nils", "Olga", "Paul", "Rosa", "Sven", "Tara", "Ulf")
MIDDLE_NAMES = ("Marie", "Jean", "Lou", "")
SURNAMES = ("Berg", "Costa", "Dahl", "Engel", "Fischer", "Garcia", "Hansen", "Ivanova", "Jensen", "Keller",
            "Lund", "Meyer", "Novak", "Olsen", "Petit", "Quinn", "Rossi", "Schmidt", "Taylor", "Weber")
STREETS = ("Main Street", "Harbour Road", "Lindenallee", "Rue de la Paix", "Station Road", "Market Square",
           "Mill Lane", "Hauptstrasse", "Park Avenue", "Bredgade")
JOBS = ("Buyer", "CFO", "Sales Manager", "Accountant", "CEO", "Warehouse Lead")
IBANS = (("DE89370400440532013000", "COBADEFFXXX"), ("GB33BUKB20201555555555", "BUKBGB22XXX"),
         ("FR1420041010050500013M02606", "BNPAFRPPXXX"), ("DK5000400440116243", "DABADKKKXXX"))


@dataclass
class World:
    """What ``build`` made, by natural key (contact nos., partner nos.)."""

    seed: int
    companies: list = field(default_factory=list)  # company contact nos.
    persons: dict = field(default_factory=dict)  # company no. → its persons' nos.
    standalone: list = field(default_factory=list)  # stand-alone person nos.
    unlinked: dict = field(default_factory=lambda: {k: [] for k in KINDS})  # partner nos. without a contact
    raw: dict = field(default_factory=lambda: {k: [] for k in KINDS})  # the bulk_create'd ones among them
    matching: dict = field(default_factory=lambda: {k: {} for k in KINDS})  # partner no. → contact no. it matches
    linked: dict = field(default_factory=lambda: {k: {} for k in KINDS})  # partner no. → its contact no.
    prospects: list = field(default_factory=list)  # company nos. with an open quote and no customer yet
    quotes: list = field(default_factory=list)  # sales quote nos.
    twins: list = field(default_factory=list)  # (survivor no., other no.): one company entered twice

    @staticmethod
    def contact(no) -> Contact:
        return Contact.objects.get(no=no)

    @staticmethod
    def partner(kind, no):
        return MODELS[kind].objects.get(no=no)

    @staticmethod
    def user():
        return get_user_model().objects.get(username=ACTING_USERNAME)


class _Maker:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.names_used = set()
        self.serial = 0

    # ---- values ---------------------------------------------------------------------------------

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def company_name(self) -> str:
        while True:
            base = f"{self.rng.choice(NAME_FIRST)} {self.rng.choice(NAME_SECOND)}"
            if base not in self.names_used:
                self.names_used.add(base)
                return f"{base} {self.rng.choice(LEGAL_FORMS)}".strip()

    def country(self) -> str:
        return self.rng.choice(sorted(COUNTRIES))

    def phone(self, country) -> str:
        return f"{COUNTRIES[country][0]} {self.rng.randint(100000, 999999)}"

    def vat(self, country) -> str:
        """A checksum-valid VAT registration no. of the country; US companies get a tax id (EIN) as typed."""
        return example_vat_no(country, self.rng) or f"{self.rng.randint(10, 99)}-{self.rng.randint(1000000, 9999999)}"

    def address(self, country) -> dict:
        return {"address": f"{self.rng.randint(1, 250)} {self.rng.choice(STREETS)}",
                "address_2": self.rng.choice(("", "", "Building B", "2nd floor")),
                "city": self.rng.choice(COUNTRIES[country][3]),
                "post_code": f"{self.rng.randint(10000, 99999)}",
                "county": self.rng.choice(("", "", "North", "Central"))}

    def slug(self, name) -> str:
        return "".join(c for c in name.lower().split(" ")[0] + name.lower().split(" ")[-1] if c.isalnum())

    def party(self, name, *, country=None, territory=None, with_vat=True) -> dict:
        """Realistic, varied party fields of an organisation called ``name``."""
        country = country or self.country()
        prefix, currency, language, *_ = COUNTRIES[country]
        values = {
            "name": name,
            "name_2": self.rng.choice(("", "", "", "Head office", "c/o Accounts")),
            **self.address(country),
            "country_code": country,
            "phone_no": self.phone(country),
            "mobile_phone_no": self.rng.choice(("", f"{prefix} 17{self.rng.randint(10000, 99999)}")),
            "fax_no": self.rng.choice(("", "", self.phone(country))),
            "email": f"{self.rng.choice(('info', 'office', 'sales'))}@{self.slug(name)}{self.next_serial()}.example",
            "home_page": self.rng.choice(("", f"www.{self.slug(name)}.example")),
            "territory": territory,
            "language_code": self.rng.choice((language, language.split("-")[0], "")),
            "currency_code": self.rng.choice((currency, currency, "")),
        }
        if with_vat:
            values["vat_registration_no"] = self.rng.choice((self.vat(country), ""))
        return values


def _setup(maker: _Maker):
    """Lookups, number series, templates, Document Setup; Marketing Setup without codes (nothing syncs yet)."""
    territories = [Territory.objects.create(code=code, name=name) for code, name in
                   (("T-NORTH", "North"), ("T-SOUTH", "South"), ("T-EXPORT", "Export"))]
    salespeople = [SalespersonPurchaser.objects.create(code=f"SP0{i}", name=name, email=f"sp0{i}@example.com")
                   for i, name in enumerate(("Ada Park", "Bo Stone", "Cy Reed"), start=1)]
    codes = {code: BusinessRelation.objects.create(code=code, description=description) for code, description in
             (("CUST", "Customer"), ("VEND", "Vendor"), ("BANK", "Bank"), ("PROSPECT", "Prospect"),
              ("PRESS", "Press"))}
    series = {code: NoSeries.objects.create(code=code, description=f"{code} numbers", starting_no=start)
              for code, start in (("CONT", "CT000001"), ("CUST", "C00001"), ("VEND", "V00001"), ("BANK", "B0001"),
                                  ("S-QUO", "SQ0001"), ("S-ORD", "SO0001"), ("S-BLK", "SB0001"),
                                  ("P-QUO", "PQ0001"), ("P-ORD", "PO0001"))}
    partner_setup = PartnerSetup.load()
    partner_setup.customer_nos, partner_setup.vendor_nos = series["CUST"], series["VEND"]
    partner_setup.bank_account_nos = series["BANK"]
    partner_setup.save()
    documents = DocumentSetup.load()
    documents.sales_quote_nos, documents.sales_order_nos = series["S-QUO"], series["S-ORD"]
    documents.sales_blanket_order_nos = series["S-BLK"]
    documents.purchase_quote_nos, documents.purchase_order_nos = series["P-QUO"], series["P-ORD"]
    documents.save()
    CustomerTemplate.objects.create(code="CUST-DOM", description="Domestic customers",
                                    contact_type=ContactType.COMPANY, payment_terms_code="14D",
                                    customer_posting_group="DOMESTIC", gen_bus_posting_group="DOMESTIC",
                                    vat_bus_posting_group="DOMESTIC", credit_limit=Decimal("5000.00"))
    CustomerTemplate.objects.create(code="CUST-PRIV", description="Private customers",
                                    contact_type=ContactType.PERSON, payment_terms_code="0D",
                                    customer_posting_group="PRIVATE", gen_bus_posting_group="PRIVATE",
                                    vat_bus_posting_group="PRIVATE")
    VendorTemplate.objects.create(code="VEND-DOM", description="Domestic vendors", contact_type=ContactType.COMPANY,
                                  payment_terms_code="30D", vendor_posting_group="DOMESTIC",
                                  gen_bus_posting_group="DOMESTIC", vat_bus_posting_group="DOMESTIC")
    setup = MarketingSetup.load()
    setup.contact_nos = series["CONT"]
    for switch in ("inherit_salesperson_code", "inherit_territory_code", "inherit_country_code",
                   "inherit_language_code", "inherit_address_details", "inherit_communication_details",
                   "maintain_dupl_search_strings", "autosearch_for_duplicates"):
        setattr(setup, switch, True)
    setup.save()
    factories.UserFactory(username=ACTING_USERNAME, first_name="Carla", last_name="Clerk")
    return territories, salespeople, codes


def switch_sync_on() -> MarketingSetup:
    """Marketing Setup's business relation codes: from now on partners and contacts synchronize."""
    setup = MarketingSetup.load()
    setup.bus_rel_code_for_customers = BusinessRelation.objects.get(code="CUST")
    setup.bus_rel_code_for_vendors = BusinessRelation.objects.get(code="VEND")
    setup.bus_rel_code_for_bank_accounts = BusinessRelation.objects.get(code="BANK")
    setup.save()
    return setup


def _company(maker: _Maker, world: World, territories, salespeople, *, name=None, **overrides) -> Contact:
    rng = maker.rng
    values = maker.party(name or maker.company_name(), territory=rng.choice([None, *territories]))
    values.update(salesperson=rng.choice([None, *salespeople]), **overrides)
    company = Contact(type=ContactType.COMPANY, **values)
    company.save()
    world.companies.append(company.no)
    persons = world.persons.setdefault(company.no, [])
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        persons.append(_person(maker, company=company).no)
    return company


def _person(maker: _Maker, *, company=None) -> Contact:
    """A person; under a company it keeps (inherits) the company's address and phone or has its own."""
    rng = maker.rng
    country = company.country_code if company is not None else maker.country()
    first, middle, surname = rng.choice(FIRST_NAMES), rng.choice(MIDDLE_NAMES), rng.choice(SURNAMES)
    values = {"first_name": first, "middle_name": middle, "surname": surname, "job_title": rng.choice(JOBS),
              "email": f"{first.lower()}.{surname.lower()}{maker.next_serial()}@mail.example"}
    own_address = company is None or rng.random() < 0.4
    own_phone = company is None or rng.random() < 0.4
    if own_address:
        values.update(maker.address(country))
    if own_phone:
        values["phone_no"] = maker.phone(country)
    if company is None:
        values.update(country_code=country, language_code=COUNTRIES[country][2],
                      mobile_phone_no=rng.choice(("", maker.phone(country))))
    person = Contact(type=ContactType.PERSON, company=company, **values)
    person.save()
    return person


def _partner_values(maker: _Maker, kind, name, *, territories, salespeople, country=None) -> dict:
    rng = maker.rng
    values = maker.party(name, country=country, territory=rng.choice([None, *territories]),
                         with_vat=kind != "bank_account")
    if kind == "customer":
        values.update(salesperson=rng.choice([None, *salespeople]), payment_terms_code=rng.choice(("14D", "30D")),
                      customer_posting_group=rng.choice(("DOMESTIC", "EU", "EXPORT")),
                      gen_bus_posting_group="DOMESTIC", vat_bus_posting_group="DOMESTIC",
                      credit_limit=Decimal(rng.choice(("0", "2500.00", "10000.00"))))
    elif kind == "vendor":
        values.update(purchaser=rng.choice([None, *salespeople]), payment_terms_code="30D",
                      vendor_posting_group=rng.choice(("DOMESTIC", "EU")), gen_bus_posting_group="DOMESTIC",
                      vat_bus_posting_group="DOMESTIC")
    else:
        iban, bic = rng.choice(IBANS)
        values.update(our_contact=rng.choice([None, *salespeople]), bank_account_no=f"{rng.randint(10**9, 10**10)}",
                      iban=iban, swift_code=bic, bank_acc_posting_group="OPERATING",
                      country_code=iban[:2])  # an account's IBAN is of its own country (BankAccount.clean)
    if kind in ("customer", "vendor"):
        values["contact"] = rng.choice(("", "", f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                                        f"  {rng.choice(FIRST_NAMES)} {rng.choice(MIDDLE_NAMES) or 'Lee'} "
                                        f"{rng.choice(SURNAMES)} "))
    else:
        values["contact"] = rng.choice(("", "Front desk", "Relationship manager"))
    return values


def _unlinked_partners(maker, world, kind, count, raw_count, *, territories, salespeople):
    """Partners without a contact (synchronization still off): saved, or bulk-created (an import)."""
    rng = maker.rng
    model = MODELS[kind]
    raw_rows = []
    for index in range(count + raw_count):
        name = maker.company_name() if kind != "bank_account" else f"{rng.choice(NAME_FIRST)} Bank {index}"
        values = _partner_values(maker, kind, name, territories=territories, salespeople=salespeople)
        if kind == "customer" and rng.random() < 0.2:  # a private person buying from us
            values.update(contact_type=ContactType.PERSON,
                          name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}", contact="")
        if index < count:
            partner = model(**values)
            partner.save()
            world.unlinked[kind].append(partner.no)
        else:
            # As an import bypassing save() writes it: no search name, the VAT no. as typed (lower case).
            values["vat_registration_no"] = values.get("vat_registration_no", "").lower()
            if kind == "bank_account":
                values.pop("vat_registration_no")
            no = f"IMP-{kind[0].upper()}{index:03d}"
            raw_rows.append(model(no=no, search_name="", **values))
            world.unlinked[kind].append(no)
            world.raw[kind].append(no)
    model.objects.bulk_create(raw_rows)


def _matching_partner(maker, world, kind, contact: Contact, *, territories, salespeople):
    """An unlinked partner the matcher is sure to link to ``contact``: the same organisation typed again.

    Same VAT no. (or, for a stand-alone person, the same e-mail) and the same name up to case and
    legal form; other fields differ (new phone, address, territory …), so whose values win matters.
    """
    rng = maker.rng
    base = contact.name
    for form in LEGAL_FORMS:
        if form and base.endswith(" " + form):
            base = base[: -len(form) - 1]
    name = rng.choice((base.upper(), f"{base} {rng.choice(LEGAL_FORMS)}".strip(), base))
    if contact.type == ContactType.PERSON:
        name = contact.name
    values = _partner_values(maker, kind, name, territories=territories, salespeople=salespeople,
                             country=contact.country_code or None)
    if kind != "bank_account":
        values["vat_registration_no"] = contact.vat_registration_no
    if not contact.vat_registration_no or kind == "bank_account":
        values["email"] = contact.email  # no VAT no. to match on: the same e-mail does it
    if contact.type == ContactType.PERSON:
        values.update(contact_type=ContactType.PERSON, contact="")
    partner = MODELS[kind](**values)
    partner.save()
    world.unlinked[kind].append(partner.no)
    world.matching[kind][partner.no] = contact.no
    return partner


def _linked_partners(maker, world, *, create_as, automatic, both, territories, salespeople, exclude):
    """Partners linked through the per-row services: "Create as" from companies, and automatic contacts."""
    rng = maker.rng
    free = [no for no in world.companies if no not in exclude]
    rng.shuffle(free)
    for kind, count in create_as.items():
        for _ in range(count):
            if not free:
                break
            company = Contact.objects.get(no=free.pop())
            partner = services.create_partner_from_contact(company, kind)
            world.linked[kind][partner.no] = company.no
            if kind == "customer" and both and rng.random() < both:  # also a vendor: summary "multiple"
                vendor = services.create_partner_from_contact(Contact.objects.get(no=company.no), "vendor")
                world.linked["vendor"][vendor.no] = company.no
    for kind, count in automatic.items():
        for index in range(count):
            name = maker.company_name() if kind != "bank_account" else f"{rng.choice(NAME_FIRST)} Savings {index}"
            partner = MODELS[kind](**_partner_values(maker, kind, name, territories=territories,
                                                     salespeople=salespeople))
            partner.save()  # its contact is created automatically, the contact text becomes a person
            link = ContactBusinessRelation.objects.get(**{kind: partner})
            world.linked[kind][partner.no] = link.contact.no
            world.companies.append(link.contact.no)
            world.persons[link.contact.no] = list(Contact.objects.filter(company=link.contact).values_list(
                "no", flat=True))


def build(seed: int, *, companies=8, standalone=3, unlinked=None, raw=None, matching=None, create_as=None,
          automatic=None, both=0.0, prospects=0, quotes_for_persons=True, twins=0, press=2) -> World:
    """The data of one equivalence run; see the module docstring. Counts per partner kind are dicts."""
    unlinked, raw = unlinked or {}, raw or {}
    matching, create_as, automatic = matching or {}, create_as or {}, automatic or {}
    maker = _Maker(seed)
    rng = maker.rng
    world = World(seed=seed)
    territories, salespeople, codes = _setup(maker)

    for _ in range(companies):
        _company(maker, world, territories, salespeople)
    for _ in range(standalone):
        world.standalone.append(_person(maker).no)
    blocked = _company(maker, world, territories, salespeople, privacy_blocked=True)
    world.companies.remove(blocked.no)  # never linked, never matched: only there to be left alone

    for kind in KINDS:
        _unlinked_partners(maker, world, kind, unlinked.get(kind, 0), raw.get(kind, 0), territories=territories,
                           salespeople=salespeople)
    # Matching partners: for companies (any kind) and stand-alone persons (customers only).
    candidates = list(world.companies)
    rng.shuffle(candidates)
    for kind in KINDS:
        for _ in range(matching.get(kind, 0)):
            if not candidates:
                break
            _matching_partner(maker, world, kind, Contact.objects.get(no=candidates.pop()),
                              territories=territories, salespeople=salespeople)
    if matching.get("customer"):
        for no in world.standalone[:1]:
            _matching_partner(maker, world, "customer", Contact.objects.get(no=no), territories=territories,
                              salespeople=salespeople)

    for _ in range(twins):  # one company entered twice, slightly differently (for merging)
        survivor = _company(maker, world, territories, salespeople)
        twin = _company(maker, world, territories, salespeople, name=survivor.name.upper(),
                        phone_no=survivor.phone_no, country_code=survivor.country_code,
                        vat_registration_no=survivor.vat_registration_no)
        world.twins.append((survivor.no, twin.no))

    switch_sync_on()
    reserved = {no for pair in world.twins for no in pair} | {
        no for kind in KINDS for no in world.matching[kind].values()}
    _linked_partners(maker, world, create_as=create_as, automatic=automatic, both=both, territories=territories,
                     salespeople=salespeople, exclude=reserved)

    for survivor_no, twin_no in world.twins:  # the survivor is a customer, its twin a vendor
        customer = services.create_partner_from_contact(Contact.objects.get(no=survivor_no), "customer")
        world.linked["customer"][customer.no] = survivor_no
        vendor = services.create_partner_from_contact(Contact.objects.get(no=twin_no), "vendor")
        world.linked["vendor"][vendor.no] = twin_no

    # Prospects: companies a matching customer exists for, marked CUST (unlinked) or not, with open quotes.
    prospect_companies = [no for no in world.matching["customer"].values()
                          if Contact.objects.get(no=no).type == ContactType.COMPANY][:prospects]
    template = CustomerTemplate.objects.get(code="CUST-DOM")
    for no in prospect_companies:
        company = Contact.objects.get(no=no)
        if rng.random() < 0.5:
            ContactBusinessRelation.objects.create(contact=company, business_relation=codes["CUST"])
        world.prospects.append(no)
        quote = document_services.sales_document_from_contact(company, "quote", template=template)
        world.quotes.append(quote.no)
        persons = world.persons.get(no, [])
        if quotes_for_persons and persons:
            quote = document_services.sales_document_from_contact(Contact.objects.get(no=persons[0]), "quote",
                                                                  template=template)
            world.quotes.append(quote.no)
    # Other (unlinked) business relations: a press contact, a prospect.
    others = [no for no in world.companies if no not in prospect_companies]
    for no in others[:press]:
        ContactBusinessRelation.objects.create(contact=Contact.objects.get(no=no),
                                               business_relation=codes[rng.choice(("PRESS", "PROSPECT"))])
    return world


def plan_partner_changes(world: World, seed: int, *, kinds=KINDS, share=0.6, more=False) -> list:
    """Changes to linked partners, drawn from ``seed``: ``[(kind, partner no., {field: value})]``.

    A new name, phone no. and address for about ``share`` of the linked partners, at most one partner
    per contact (two partners of one contact changed differently at once have no single "right" end
    state). ``more``: also a new territory, currency, credit limit, and a first contact text for
    customers and vendors that had none.
    """
    maker = _Maker(seed + 10_000)
    rng = maker.rng
    territories = [None, *Territory.objects.order_by("code")]
    changes, contacts_seen = [], set()
    for kind in kinds:
        for no, contact_no in sorted(world.linked[kind].items()):
            if contact_no in contacts_seen or rng.random() > share:
                continue
            contacts_seen.add(contact_no)
            partner = MODELS[kind].objects.get(no=no)
            country = partner.country_code or "DE"
            name = maker.company_name() if kind != "bank_account" else f"{rng.choice(NAME_FIRST)} Bank"
            values = {"name": name, "phone_no": maker.phone(country),
                      **{f: v for f, v in maker.address(country).items() if f in ("address", "city", "post_code")}}
            if more:
                territory = rng.choice(territories)
                values.update(territory=territory, currency_code=rng.choice(("EUR", "USD", "GBP", "")))
                if kind == "customer":
                    values["credit_limit"] = Decimal(rng.choice(("1000.00", "7500.00")))
                if kind in ("customer", "vendor") and not partner.contact:
                    values["contact"] = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
            changes.append((kind, no, values))
    return changes

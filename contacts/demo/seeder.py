"""Demo data of any size: the plan (how many of what), the setup it switches on, and the seeder.

``seed_demo()`` is the one entry point (``manage.py seed_demo`` is a thin layer over it): it checks
the sizes, then in one transaction switches synchronization on, builds the rows a batch of companies
at a time and writes them with ``crm.bulk_insert``, their first change-history rows with
``crm.history.record_written_rows``, and makes sure the demo logins exist. Into empty tables the rows are
loaded before their trigram search indexes are built (``crm.search_indexes.built_after_loading``).
"""

import functools
import random
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from faker import Faker
from schwifty import IBAN

from contacts import sync
from contacts.demo.catalog import (
    BANKS,
    BUSINESS_RELATIONS,
    CONTACT_SERIES,
    COUNTRIES,
    CREDIT_LIMITS,
    CUSTOMER_TEMPLATES,
    EU,
    HOME_COUNTRY,
    INTERACTION_TEMPLATES,
    JOB_TITLES,
    NUMBER_SERIES,
    PAYMENT_TERMS,
    SETUP_RELATIONS,
    SETUP_SERIES,
    TERRITORIES,
    TRADES,
    VENDOR_TEMPLATES,
)
from contacts.demo.logins import Login, ensure_logins
from contacts.matching import LEGAL_SUFFIXES, ascii_spelling, name_tokens
from contacts.models import (
    BusinessRelation,
    BusinessRelationSummary,
    Contact,
    ContactBusinessRelation,
    InteractionTemplate,
    InteractionTemplateSetup,
    MarketingSetup,
)
from crm import history, search_indexes
from crm.bulk_insert import insert_objects, insert_rows, new_instance
from crm.validators import example_vat_no
from partners.kinds import KINDS
from partners.models import (
    ContactType,
    CustomerTemplate,
    NoSeries,
    PartnerSetup,
    SalespersonPurchaser,
    Territory,
    VendorTemplate,
)
from partners.numbering import next_numbers

# The legal forms Faker's locales end firm names with: the matcher's, and a few it does not drop.
LEGAL_FORMS = LEGAL_SUFFIXES | {"aps", "gesbr", "gbr", "ev", "eg", "kgaa", "og", "eurl"}
LINK_COLUMNS = ("contact_id", "business_relation_id", "link_to_table", "customer_id", "vendor_id",
                "bank_account_id", "primary_contact_id")


@dataclass
class SeedResult:
    created: dict | None  # rows created by kind ("contacts", "companies", …); None when nothing was added
    existing: str  # the data the database held before, described ("12 contacts, 3 customers"); "" when empty
    logins: list[Login]


def seed_demo(*, contacts: int = 200, customers: int | None = None, vendors: int | None = None,
              bank_accounts: int | None = None, duplicates_pct: float = 1.0, seed: int | None = None,
              if_empty: bool = False, history: bool = True, batch_size: int = 2000, password: str = "demo",
              progress=None) -> SeedResult:
    """Create demo data (see ``contacts.demo``) and make sure the demo logins exist, in one transaction.

    ``customers``, ``vendors``, ``bank_accounts``: None for the defaults (contacts ÷ 4, ÷ 10, ÷ 500 with
    at least 3). ``if_empty``: add no data when any contact or partner exists (logins are still made).
    ``history``: write the first change-history row of every new contact and partner. ``progress`` is
    called with the number of contacts written after each batch. Sizes that cannot be met are refused
    with a ValidationError before anything is written.
    """
    plan = make_plan(contacts, customers, vendors, bank_accounts, duplicates_pct, batch_size)
    with transaction.atomic():
        existing = existing_data()
        created = None
        if not (if_empty and existing):
            with search_indexes.built_after_loading():
                created = Seeder(plan, seed=seed, batch_size=batch_size, history=history).run(progress)
        logins = ensure_logins(password)
    return SeedResult(created, existing, logins)


def existing_data() -> str:
    counts = [(model._meta.verbose_name_plural, model.objects.count())
              for model in (Contact, *(kind.model for kind in KINDS.values()))]
    return ", ".join(f"{n} {label}" for label, n in counts if n)


# ---------------------------------------------------------------------------------------------
# What to create
# ---------------------------------------------------------------------------------------------


def make_plan(contacts, customers=None, vendors=None, bank_accounts=None, duplicates_pct=1.0, batch_size=2000):
    """The numbers of each kind of row, defaults filled in; a ValidationError (naming the command's
    options) for sizes that cannot be met."""
    customers = contacts // 4 if customers is None else customers
    vendors = contacts // 10 if vendors is None else vendors
    banks = max(3, contacts // 500) if bank_accounts is None else bank_accounts
    if bank_accounts is None:
        banks = min(banks, contacts // 4)
    for name, value in (("--contacts", contacts), ("--customers", customers), ("--vendors", vendors),
                        ("--bank-accounts", banks)):
        if value < 0:
            raise ValidationError(f"{name} must be zero or more, not {value}.")
    if batch_size < 1:
        raise ValidationError(f"--batch-size must be at least 1, not {batch_size}.")
    if not 0 <= duplicates_pct <= 50:
        raise ValidationError(f"--duplicates is a percentage from 0 to 50, not {duplicates_pct}.")
    plan = Plan.make(contacts, customers, vendors, banks, duplicates_pct)
    if plan.companies + plan.person_customers > contacts:
        raise ValidationError(
            f"{contacts} contacts are too few for {customers} customers, {vendors} vendors and {banks} bank "
            f"accounts: they need {plan.companies_needed} company contacts and {plan.person_customers} "
            f"person contacts ({plan.companies_needed + plan.person_customers} in all). Raise --contacts or "
            f"lower the others."
        )
    return plan


@dataclass
class Plan:
    contacts: int
    customers: int
    vendors: int
    banks: int
    duplicates_pct: float
    person_customers: int
    company_customers: int
    both: int  # companies that are customer and vendor
    vendor_only: int
    companies_needed: int
    companies: int

    @classmethod
    def make(cls, contacts, customers, vendors, banks, duplicates_pct):
        person_customers = customers // 10
        company_customers = customers - person_customers
        both = min(vendors * 3 // 10, company_customers)
        vendor_only = vendors - both
        needed = company_customers + vendor_only + banks
        # About 35% of contacts are companies, more when the partners need them.
        companies = max(needed, round(contacts * 0.35))
        companies = min(companies, max(contacts - person_customers, needed))
        return cls(contacts, customers, vendors, banks, duplicates_pct, person_customers, company_customers, both,
                   vendor_only, needed, companies)

    @property
    def persons(self):
        return self.contacts - self.companies


@functools.cache
def _faker(locale: str) -> Faker:
    """One Faker per locale and process (making one takes a while); each run re-seeds it."""
    return Faker(locale)


def _cut(value: str, length: int) -> str:
    return value[:length]


def _ascii_slug(value: str, sep: str = "") -> str:
    folded = ascii_spelling(value).lower()
    words = "".join(ch if ch.isalnum() else " " for ch in folded).split()
    return sep.join(words)


# ---------------------------------------------------------------------------------------------
# The seeder
# ---------------------------------------------------------------------------------------------


class Seeder:
    """Builds the rows in memory, a batch of companies at a time, and writes them with ``crm.bulk_insert``.

    The demo chooses what a user would type in (names, addresses, which companies are customers…);
    everything that follows from it is left to the synchronization engine's building blocks in
    ``contacts.sync``, as a save would: Marketing Setup defaults, names and company names
    (``normalize_contact``), a person's inheritance from its company (``inherit_from_company``), the
    derived values (``derive_values``), partners filled from their contacts (``copy_fields`` over
    ``contact_to_partner_map``), link rows (``relation_row``), relation summaries
    (``business_relation_summary``) and the duplicate index (``sync.finish``, the engine's last step, per batch).
    """

    HISTORY_REASON = "Demo data (seed_demo)"

    def __init__(self, plan: Plan, *, seed=None, batch_size=2000, history=True):
        self.history = history
        self.plan = plan
        self.rng = random.Random(seed)
        self.batch_size = batch_size
        self.fakers = {}
        for code, country in COUNTRIES.items():
            faker = _faker(country.locale)
            faker.seed_instance(self.rng.randrange(2**32))
            self.fakers[code] = faker
        self.pools = {}
        # What is taken already, as dicts, not sets: a dict of strings is not tracked by the garbage collector,
        # a set is, and each full collection of a 1,000,000-contact run would walk a million entries.
        self.domains = {}  # every firm has its own web domain (and so its own e-mail addresses)
        self.emails = {}  # and every private person an address of their own
        self.names = {}  # the firms' names as the duplicate index reads them (legal forms dropped)
        self.pool_size = min(2000, max(50, plan.contacts // 20))
        self.counts = dict.fromkeys(
            ("contacts", "companies", "persons", "customers", "vendors", "bank_accounts", "relations"), 0)

    # -- setup ---------------------------------------------------------------------------------

    def setup(self):
        """Switch synchronization on and add the lookups; keeps whatever is set up already."""
        relations = {}
        for code, description in BUSINESS_RELATIONS.items():
            relations[code], _ = BusinessRelation.objects.get_or_create(code=code,
                                                                        defaults={"description": description})
        series = {}
        for code, (description, starting_no) in NUMBER_SERIES.items():
            series[code], _ = NoSeries.objects.get_or_create(
                code=code, defaults={"description": description, "starting_no": starting_no})

        marketing = MarketingSetup.load()
        for kind in KINDS.values():
            if getattr(marketing, kind.setup_code_field) is None:
                setattr(marketing, kind.setup_code_field, relations[SETUP_RELATIONS[kind.key]])
        marketing.contact_nos = marketing.contact_nos or series[CONTACT_SERIES]
        marketing.default_country_code = marketing.default_country_code or HOME_COUNTRY
        marketing.default_language_code = marketing.default_language_code or COUNTRIES[HOME_COUNTRY].language
        marketing.full_clean()
        marketing.save()
        self.marketing = marketing
        self.codes = {kind: marketing.code_for(kind) for kind in KINDS}
        self.setup_codes = sync.setup_codes(marketing)
        self.prospect, self.press = relations["PROSPECT"], relations["PRESS"]

        partner_setup = PartnerSetup.load()
        self.series = {"contact": marketing.contact_nos}
        for kind in KINDS.values():
            if getattr(partner_setup, kind.number_setup_field) is None:
                setattr(partner_setup, kind.number_setup_field, series[SETUP_SERIES[kind.key]])
            self.series[kind.key] = getattr(partner_setup, kind.number_setup_field)
        partner_setup.save()

        self.territories = {}
        for code, name in TERRITORIES.items():
            self.territories[code], _ = Territory.objects.get_or_create(code=code, defaults={"name": name})

        people = []
        us = self.fakers["US"]
        for prefix, count in (("SP", 6), ("PU", 3)):
            for i in range(1, count + 1):
                first, last = us.first_name(), us.last_name()
                person, _ = SalespersonPurchaser.objects.get_or_create(
                    code=f"{prefix}{i:02d}",
                    defaults={"name": f"{first} {last}", "email": f"{first}.{last}@example.com".lower()})
                people.append(person)
        self.salespeople = [p for p in people if p.code.startswith("SP")]
        self.purchasers = [p for p in people if p.code.startswith("PU")]

        self.customer_templates = {}
        for code, desc, ctype, terms, group, vat_group, country, currency, limit in CUSTOMER_TEMPLATES:
            self.customer_templates[code], _ = CustomerTemplate.objects.get_or_create(code=code, defaults={
                "description": desc, "contact_type": ctype, "payment_terms_code": terms,
                "customer_posting_group": group, "gen_bus_posting_group": group, "vat_bus_posting_group": vat_group,
                "country_code": country, "currency_code": currency, "credit_limit": Decimal(limit),
                "territory": self.territories["US-EAST"] if country == "US" else None})
        self.vendor_templates = {}
        for code, desc, ctype, terms, group, vat_group, country, currency in VENDOR_TEMPLATES:
            self.vendor_templates[code], _ = VendorTemplate.objects.get_or_create(code=code, defaults={
                "description": desc, "contact_type": ctype, "payment_terms_code": terms,
                "vendor_posting_group": group, "gen_bus_posting_group": group, "vat_bus_posting_group": vat_group,
                "country_code": country, "currency_code": currency})

        interaction_setup = InteractionTemplateSetup.load()
        for kind, (code, description) in INTERACTION_TEMPLATES.items():
            template, _ = InteractionTemplate.objects.get_or_create(code=code, defaults={"description": description})
            if getattr(interaction_setup, kind) is None:
                setattr(interaction_setup, kind, template)
        interaction_setup.save()

    # -- the run -------------------------------------------------------------------------------

    def run(self, progress=None) -> dict:
        """Set up, then create the planned rows; ``progress(n)`` after each batch of n contacts. Returns the
        counts of the rows created."""
        self.setup()
        plan, rng = self.plan, self.rng

        # Roles of the companies, in a random order: which are customers, vendors, banks, prospects…
        roles = ([("customer", "vendor")] * plan.both + [("customer",)] * (plan.company_customers - plan.both)
                 + [("vendor",)] * plan.vendor_only + [("bank_account",)] * plan.banks)
        roles += [()] * (plan.companies - len(roles))
        rng.shuffle(roles)
        # Persons: about one in ten stand-alone (at least the private customers), the rest under companies.
        standalone = plan.persons if plan.companies == 0 else max(plan.person_customers, plan.persons // 10)
        under = plan.persons - standalone
        persons_per_company = [0] * plan.companies
        for _ in range(under):
            persons_per_company[rng.randrange(plan.companies)] += 1

        progress = progress or (lambda written: None)
        step = max(1, self.batch_size // 3)
        for start in range(0, plan.companies, step):
            chunk = range(start, min(start + step, plan.companies))
            written = self.company_batch([roles[i] for i in chunk], [persons_per_company[i] for i in chunk])
            progress(written)
        person_roles = [True] * plan.person_customers + [False] * (standalone - plan.person_customers)
        rng.shuffle(person_roles)
        for start in range(0, standalone, self.batch_size):
            written = self.standalone_batch(person_roles[start:start + self.batch_size])
            progress(written)
        return self.counts

    # -- batches -------------------------------------------------------------------------------
    #
    # Each batch builds its contacts, numbers and writes them, then builds their partners from them,
    # writes those, then the link rows: each row is built once the rows it refers to have their keys.

    def company_batch(self, roles, person_counts):
        rng = self.rng
        companies = []
        for role in roles:
            near_duplicate = companies and role != ("bank_account",) and rng.random() * 100 < self.plan.duplicates_pct
            duplicate_of = companies[-1] if near_duplicate else None
            companies.append(self.new_company(role, duplicate_of))
        rows_by_company = []
        for company, role in zip(companies, roles, strict=True):
            rows = [(self.codes[kind], kind) for kind in role]
            if not role and rng.random() < 0.25:
                rows.append((self.prospect, ""))
            if rng.random() < 0.03:
                rows.append((self.press, ""))
            company.contact_business_relation = self.summary(rows)
            rows_by_company.append(rows)
        self.write_contacts(companies)

        persons, first_person = [], {}
        for company, rows, count in zip(companies, rows_by_company, person_counts, strict=True):
            for i in range(count):
                person = self.new_person(company.country_code, company=company)
                person.contact_business_relation = self.summary([], company_rows=rows)
                persons.append(person)
                if i == 0:
                    first_person[company.pk] = person
        self.write_contacts(persons)

        partners = {kind: [] for kind in KINDS}
        links = []  # (contact, business relation, kind, partner, primary contact), in row order
        for company, rows in zip(companies, rows_by_company, strict=True):
            primary = first_person.get(company.pk)
            for code, kind in rows:
                partner = self.new_partner(kind, company, primary) if kind else None
                if partner is not None:
                    partners[kind].append(partner)
                links.append((company, code, kind, partner, primary if kind else None))
        self.write_partners(partners)
        self.write_links(links)
        self.finish(companies + persons, links)
        self.counts["companies"] += len(companies)
        self.counts["persons"] += len(persons)
        self.counts["contacts"] += len(companies) + len(persons)
        return len(companies) + len(persons)

    def standalone_batch(self, is_customer):
        rng = self.rng
        persons, rows_by_person = [], []
        for customer in is_customer:
            country = self.random_country()
            person = self.new_person(country)
            rows = [(self.codes["customer"], "customer")] if customer else []
            if not customer and rng.random() < 0.05:
                rows.append((self.press, ""))
            if not customer and rng.random() < 0.02:  # a minor: privacy blocked until parental consent arrives
                person.minor = True
                person.parental_consent_received = rng.random() < 0.5
            person.contact_business_relation = self.summary(rows)
            persons.append(person)
            rows_by_person.append(rows)
        self.write_contacts(persons)
        customers, links = [], []
        for person, rows in zip(persons, rows_by_person, strict=True):
            for code, kind in rows:
                partner = None
                if kind:
                    partner = self.new_partner(kind, person, None)
                    customers.append(partner)
                links.append((person, code, kind, partner, None))
        self.write_partners({"customer": customers})
        self.write_links(links)
        self.finish(persons, links)
        self.counts["persons"] += len(persons)
        self.counts["contacts"] += len(persons)
        return len(persons)

    def finish(self, contacts, links):
        """The step every path of the engine ends in, for this batch (``sync.finish``): linked partners
        checked against their contacts, summaries, the duplicate index of the new companies (and their
        possible duplicates), the signal other apps answer — what saving each record would have done."""
        sync.finish(sync.ChangeSet(
            reason="Demo data (seed_demo)", setup=self.marketing, created=contacts,
            links=[(kind, partner.pk, contact.pk) for contact, _code, kind, partner, _primary in links if kind]))

    def summary(self, rows, company_rows=()):
        """The engine's ``contact_business_relation`` of a contact with these relation rows (and, for a
        person of a company, the company's)."""
        return sync.business_relation_summary([(code.pk, kind) for code, kind in [*rows, *company_rows]],
                                              self.setup_codes)

    # -- writing -------------------------------------------------------------------------------

    def write_contacts(self, contacts):
        """Number the new contacts from Contact Nos. and write them as saving each would store them."""
        if not contacts:
            return
        for contact, no in zip(contacts, next_numbers(self.series["contact"], len(contacts), model=Contact),
                               strict=True):
            self.as_typed_in(contact)
            contact.no = no
        # The per-row path records a new contact as inserted, before any link: no business relation yet.
        self.write(Contact, contacts, recorded={"contact_business_relation": BusinessRelationSummary.NONE})

    def as_typed_in(self, contact):
        """What saving a new contact typed in by a user adds (``contacts.sync``'s rules, then the model's
        derived values): Marketing Setup defaults, names, a person's inheritance from its company."""
        sync.apply_marketing_defaults(contact, self.marketing)
        sync.normalize_contact(contact)
        if contact.company_id is not None:
            sync.inherit_from_company(contact, contact.company, self.marketing)
        contact.derive_values()

    def write_partners(self, partners):
        """Number the new partners from their series in Partner Setup and write them."""
        for kind, rows in partners.items():
            if not rows:
                continue
            model = KINDS[kind].model
            for partner, no in zip(rows, next_numbers(self.series[kind], len(rows), model=model), strict=True):
                partner.no = no
            self.write(model, rows)
            self.counts[f"{kind}s"] += len(rows)

    def write(self, model, rows, recorded=None):
        """Insert ``rows`` and, as saving each would have, their first change-history entry."""
        for row in rows:
            row.version = 1  # what the first save() sets (optimistic concurrency counter)
        written = insert_objects(model, rows)
        if self.history:
            history.record_written_rows(model, written, [self.HISTORY_REASON] * len(written), recorded=recorded)

    def write_links(self, links):
        """The business relation rows (``sync.relation_row`` for a link), once their contacts and partners
        have their keys."""
        rows = [sync.relation_row(contact, partner, self.marketing, kind, primary_contact=primary) if kind
                else ContactBusinessRelation(contact=contact, business_relation=code)
                for contact, code, kind, partner, primary in links]
        insert_rows(ContactBusinessRelation, LINK_COLUMNS, rows)
        self.counts["relations"] += len(rows)

    # -- rows ----------------------------------------------------------------------------------

    def random_country(self):
        return self.rng.choices(list(COUNTRIES), weights=[c.weight for c in COUNTRIES.values()])[0]

    def phone(self, country):
        rng = self.rng
        return f"{COUNTRIES[country].phone_prefix} {rng.randint(20, 989)} {rng.randint(100000, 9999999)}"

    def pick(self, country, what):
        """A value Faker made for ``country``: drawn from a pool, since Faker is the slow part of large runs."""
        pool = self.pools.get((country, what))
        if pool is None:
            faker = self.fakers[country]
            make = getattr(faker, what)
            pool = self.pools[(country, what)] = [make() for _ in range(self.pool_size)]
        return self.rng.choice(pool)

    def address(self, country):
        rng = self.rng
        address = {
            "address": _cut(f"{self.pick(country, 'street_name')} {rng.randint(1, 250)}", 100),
            "post_code": _cut(self.pick(country, "postcode"), 20),
            "city": _cut(self.pick(country, "city"), 30),
            "county": _cut(self.pick(country, "state"), 30) if country == "US" else "",
        }
        if rng.random() < 0.08:
            address["address_2"] = f"Suite {rng.randint(1, 999)}" if country in ("US", "GB") else \
                f"{rng.randint(1, 6)}. OG"
        return address

    def new_company(self, role, duplicate_of=None):
        """A company as a user types one in; a bank's company remembers its bank code and BIC for its account."""
        rng = self.rng
        if duplicate_of is not None:
            # A near-duplicate: the same firm typed again, a little differently.
            name = rng.choice([duplicate_of.name.upper(), duplicate_of.name.replace(",", ""),
                               duplicate_of.name + " ", duplicate_of.name.replace(" and ", " & ")]).strip()
            fields = {f: getattr(duplicate_of, f) for f in ("address", "address_2", "post_code", "city", "county",
                                                             "country_code", "phone_no", "territory",
                                                             "language_code", "currency_code")}
            fields["email"] = ""
            fields["home_page"] = duplicate_of.home_page
            country = duplicate_of.country_code
        else:
            if role == ("bank_account",):
                country, bank_code, bic, bank = rng.choice(BANKS)
                name = f"{bank} {self.pick(country, 'city')}"
            else:
                country = self.random_country()
                name = self.company_name(country)
            domain = self.domain(name, country)
            fields = {
                **self.address(country),
                "country_code": country,
                "phone_no": self.phone(country),
                "fax_no": self.phone(country) if rng.random() < 0.2 else "",
                "email": _cut(f"info@{domain}", 80),
                "home_page": _cut(f"www.{domain}", 80),
                "territory": self.territories[rng.choice(COUNTRIES[country].territories)],
                "language_code": COUNTRIES[country].language,
                "currency_code": COUNTRIES[country].currency,
            }
        spec = COUNTRIES[country]
        contact = Contact(
            type=ContactType.COMPANY,
            name=_cut(name, 100),
            # A checksum-valid VAT no. of the country (the cards refuse others), from one draw of rng as before.
            vat_registration_no=(example_vat_no(country, random.Random(rng.randrange(10**8, 10**9)))
                                 if spec.vat_prefix else ""),
            salesperson=rng.choice(self.salespeople) if rng.random() < 0.85 else None,
            **fields,
        )
        if role == ("bank_account",) and duplicate_of is None:
            contact._bank = (bank_code, bic)
        return contact

    def company_name(self, country):
        """A firm's name from Faker; when another firm of the demo has it already (Faker's names repeat:
        a third of 350,000 would), what the firm does is put in ("Santiago LLC" → "Santiago Freight LLC"),
        before its legal form."""
        name = self.fakers[country].company()
        key = " ".join(name_tokens(name))
        if key in self.names:
            words = name.split(" ")
            at = len(words)
            while at > 1 and ("".join(ch for ch in words[at - 1] if ch.isalpha()).lower() in LEGAL_FORMS
                              or words[at - 1] == "&"):
                at -= 1
            for _ in range(8):
                candidate = " ".join([*words[:at], self.rng.choice(TRADES), *words[at:]])
                candidate_key = " ".join(name_tokens(candidate))
                if candidate_key not in self.names:
                    name, key = candidate, candidate_key
                    break
        self.names[key] = None
        return name

    def domain(self, name, country):
        """The web domain of a new firm called ``name``: its name, as firms choose one, with a place or
        a number added when another firm of the demo (Faker's names repeat) has it already."""
        slug = _ascii_slug(name.split(",")[0])[:40] or "firm"
        tld = COUNTRIES[country].tld
        domain = f"{slug}.{tld}"
        while domain in self.domains:
            place = _ascii_slug(self.pick(country, "city"), "-")[:20]
            domain = f"{slug}-{place}{self.rng.randint(1, 99) if self.rng.random() < 0.5 else ''}.{tld}"
        self.domains[domain] = None
        return domain

    def private_email(self, personal, tld):
        """A person's own e-mail address (at the demo's one mail provider per country): a number added to
        the name, another one when that address is taken (two people do not share a mailbox)."""
        while True:
            email = _cut(f"{personal}{self.rng.randint(1, 999)}@example.{tld}", 80)
            if email not in self.emails:
                self.emails[email] = None
                return email

    def new_person(self, country, company=None):
        """A person as a user types one in: name parts (the name follows from them), and either a company
        (from which it inherits when written: ``as_typed_in``) or an address and details of its own."""
        rng = self.rng
        first, last = self.pick(country, "first_name"), self.pick(country, "last_name")
        middle = self.pick(country, "first_name") if rng.random() < 0.1 else ""
        fields = {
            "type": ContactType.PERSON,
            "first_name": _cut(first, 30),
            "middle_name": _cut(middle, 30),
            "surname": _cut(last, 30),
            "initials": "".join(part[0] for part in (first, middle, last) if part).upper(),
            "mobile_phone_no": self.phone(country) if rng.random() < 0.7 else "",
        }
        personal = _ascii_slug(f"{first} {last}", ".") or "person"
        if company is not None:
            domain = company.email.partition("@")[2] or f"{_ascii_slug(company.name)[:40]}.com"
            fields.update(company=company, job_title=rng.choice(JOB_TITLES), email=_cut(f"{personal}@{domain}", 80))
        else:
            spec = COUNTRIES[country]
            fields.update(
                **self.address(country), country_code=country, phone_no=self.phone(country),
                email=self.private_email(personal, spec.tld),
                territory=self.territories[rng.choice(spec.territories)], language_code=spec.language,
                currency_code=spec.currency,
                salesperson=rng.choice(self.salespeople) if rng.random() < 0.5 else None,
            )
        return Contact(**fields)

    def new_partner(self, kind, contact, primary):
        """A partner made from its (written) contact as "Create as" makes it: every mapped field copied
        through the field map; plus its own invoicing or bank details and the primary contact's name."""
        partner = new_instance(KINDS[kind].model, self.own_partner_values(kind, contact))
        sync.copy_fields(contact, partner, sync.contact_to_partner_map(kind))
        partner.contact = primary.name if primary is not None else (contact.name if contact.is_person else "")
        partner.derive_values()
        return partner

    def own_partner_values(self, kind, contact) -> dict:
        """The partner's own fields (by attname), chosen as a user would, guided by the demo's templates."""
        rng = self.rng
        country = contact.country_code
        region = "DOMESTIC" if country == HOME_COUNTRY else "EU" if country in EU else "FOREIGN"
        if kind == "customer":
            template = self.customer_templates[
                ("CUST-PRIV" if region == "DOMESTIC" else "CUST-PRIV-EU") if contact.is_person
                else {"DOMESTIC": "CUST-DOM", "EU": "CUST-EU", "FOREIGN": "CUST-EXP"}[region]]
            return {
                "payment_terms_code": rng.choice(PAYMENT_TERMS) if not contact.is_person
                else template.payment_terms_code,
                "customer_posting_group": template.customer_posting_group,
                "gen_bus_posting_group": template.gen_bus_posting_group,
                "vat_bus_posting_group": template.vat_bus_posting_group,
                "credit_limit": rng.choice(CREDIT_LIMITS) if not contact.is_person else template.credit_limit,
                "blocked": rng.choice(["ship", "invoice", "all"]) if rng.random() < 0.02 else "",
            }
        if kind == "vendor":
            template = self.vendor_templates[{"DOMESTIC": "VEND-DOM", "EU": "VEND-EU", "FOREIGN": "VEND-EXP"}[region]]
            return {
                "purchaser_id": rng.choice(self.purchasers).pk,
                "payment_terms_code": rng.choice(PAYMENT_TERMS),
                "vendor_posting_group": template.vendor_posting_group,
                "gen_bus_posting_group": template.gen_bus_posting_group,
                "vat_bus_posting_group": template.vat_bus_posting_group,
                "blocked": "payment" if rng.random() < 0.02 else "",
            }
        bank_code, bic = getattr(contact, "_bank", None) or ("", "")
        account = f"{rng.randrange(10**7, 10**8)}"  # 8 digits fit every country's BBAN
        iban = ""
        if bank_code:
            iban = IBAN.generate(country, bank_code=bank_code, account_code=account).compact
        return {
            "our_contact_id": rng.choice(self.purchasers).pk,
            "bank_account_no": account,
            "iban": iban,
            "swift_code": bic,
            "bank_branch_no": bank_code[:20],
            "bank_acc_posting_group": "OPERATING" if contact.currency_code == "USD" else "FOREIGN",
        }

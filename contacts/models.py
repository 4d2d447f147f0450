"""The CRM side: contacts, business relations (the links to partners), Marketing Setup, interactions."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone

from crm.models import SingletonModel, history_records
from crm.validators import validate_country_code, validate_language_code
from partners.models import (
    BankAccount,
    ContactType,
    Customer,
    NoSeries,
    SalespersonPurchaser,
    Territory,
    VatParty,
    Vendor,
)
from partners import kinds
from partners.numbering import next_number_from_setup


class BusinessRelationSummary(models.TextChoices):
    NONE = "none", "None"
    CUSTOMER = "customer", "Customer"
    VENDOR = "vendor", "Vendor"
    BANK_ACCOUNT = "bank_account", "Bank Account"
    OTHER = "other", "Other"
    MULTIPLE = "multiple", "Multiple"


class LinkToTable(models.TextChoices):
    NONE = "", "(not linked)"
    CUSTOMER = "customer", "Customer"
    VENDOR = "vendor", "Vendor"
    BANK_ACCOUNT = "bank_account", "Bank Account"


class Contact(VatParty):
    """A company or a person we talk to. Persons may belong to a company contact."""

    Type = ContactType

    # Only the indexes a reader uses (every save of a contact writes every index of the table; issue 15,
    # bench/write_growth.py): no index on search_name or created_at (nothing filters or sorts contacts by them)
    # and a plain B-tree on name (sorting, lookups) without the text-pattern twin that db_index adds on
    # PostgreSQL (searches use the trigram indexes on crm_fold, crm.search_indexes).
    name = models.CharField(max_length=100, blank=True)
    search_name = models.CharField(max_length=100, blank=True,
                                   help_text="Follows the name in capitals unless you set it yourself.")
    created_at = models.DateTimeField(auto_now_add=True)

    no = models.CharField("no.", max_length=20, unique=True, blank=True)
    type = models.CharField(max_length=10, choices=ContactType.choices, default=ContactType.COMPANY)
    company = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="persons",
        limit_choices_to={"type": ContactType.COMPANY},
        help_text="The company a person works for; blank for companies and stand-alone persons.",
    )
    company_name = models.CharField(max_length=100, blank=True)
    first_name = models.CharField(max_length=30, blank=True)
    middle_name = models.CharField(max_length=30, blank=True)
    surname = models.CharField(max_length=30, blank=True)
    job_title = models.CharField(max_length=30, blank=True)
    initials = models.CharField(max_length=30, blank=True)
    salesperson = models.ForeignKey(SalespersonPurchaser, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="contacts")
    privacy_blocked = models.BooleanField(default=False)
    minor = models.BooleanField(default=False)
    parental_consent_received = models.BooleanField(default=False)
    contact_business_relation = models.CharField(
        max_length=20, choices=BusinessRelationSummary.choices, default=BusinessRelationSummary.NONE,
        editable=False, help_text="Derived from the contact's business relations (and its company's).",
    )

    history = history_records()

    class Meta:
        ordering = ["no"]
        indexes = [
            # the list's sortable columns (no: its unique index; country, type, relation: few values)
            models.Index(fields=["name"], name="contact_name_idx"),
            models.Index(fields=["company_name"], name="contact_company_name_idx"),
            models.Index(fields=["city"], name="contact_city_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(type__in=ContactType.values), name="contact_type_valid"),
            models.CheckConstraint(condition=Q(type=ContactType.PERSON) | Q(company__isnull=True),
                                   name="contact_company_only_for_persons"),
            models.CheckConstraint(condition=Q(minor=False) | Q(parental_consent_received=True)
                                   | Q(privacy_blocked=True), name="contact_minor_blocked_without_consent"),
            models.CheckConstraint(condition=Q(contact_business_relation__in=BusinessRelationSummary.values),
                                   name="contact_business_relation_valid"),
            models.CheckConstraint(condition=~Q(no=""), name="contact_no_set"),
        ]

    def __str__(self):
        return f"{self.no} {self.name}".strip()

    def get_absolute_url(self):
        return reverse("contacts:detail", args=[self.pk])

    # The fields (attnames) the duplicate index is built from (contacts/duplicates/index.py).
    DUPLICATE_KEY_FIELDS = ("type", "name", "first_name", "surname", "address", "address_2", "city", "post_code",
                            "county", "vat_registration_no", "email", "phone_no", "mobile_phone_no", "country_code",
                            "company_id")

    @property
    def is_company(self) -> bool:
        return self.type == ContactType.COMPANY

    @property
    def is_person(self) -> bool:
        return self.type == ContactType.PERSON

    def clean(self):
        errors = {}
        if self.company_id is not None:
            if self.is_company:
                errors["company"] = "A company contact cannot belong to another company."
            elif self.company_id == self.pk:
                errors["company"] = "A contact cannot be its own company."
            elif self.company.type != ContactType.COMPANY:
                errors["company"] = f"{self.company} is a person, not a company."
        if self.minor and not self.parental_consent_received and not self.privacy_blocked:
            errors["privacy_blocked"] = "A minor stays privacy blocked until parental consent is received."
        if message := self.type_change_error():
            errors["type"] = message
        if message := self.vat_registration_no_error():
            errors["vat_registration_no"] = message
        if errors:
            raise ValidationError(errors)

    def derive_values(self):
        super().derive_values()
        if self.minor and not self.parental_consent_received:
            self.privacy_blocked = True

    def type_change_error(self, old=None) -> str | None:
        """Why the stored contact cannot take its new type, or None (reference §6.1).

        No type change once interactions are logged against it; a company that is linked (or has any
        business relation) or has persons cannot become a person. ``old``: the stored row, if read.
        """
        if self.pk is None:
            return None
        if old is None:
            old = Contact.objects.filter(pk=self.pk).only("pk", "no", "name", "type").first()
        if old is None or old.type == self.type:
            return None
        if InteractionLogEntry.objects.filter(contact_id=self.pk).exists():
            return f"The type of contact {old.no} {old.name} cannot be changed: interactions are logged against it."
        if self.type != ContactType.PERSON:
            return None
        link = ContactBusinessRelation.objects.filter(contact_id=self.pk).select_related(
            "business_relation", "customer", "vendor", "bank_account").first()
        if link is not None:
            partner = link.partner
            what = (f"it is linked to {link.get_link_to_table_display().lower()} {partner.no}" if partner
                    else f"it has the business relation {link.business_relation.code}")
            return f"Contact {old.no} {old.name} cannot become a person: {what}."
        if Contact.objects.filter(company_id=self.pk).exists():
            return f"Contact {old.no} {old.name} cannot become a person: persons belong to it."
        return None

    def save(self, **kwargs):
        # One transaction with the synchronization its signals run (contacts.sync): all or nothing.
        with transaction.atomic():
            if not self.no:
                self.no = next_number_from_setup(MarketingSetup.load(), "contact_nos", Contact)
            super().save(**kwargs)


class BusinessRelation(models.Model):
    code = models.CharField(max_length=10, unique=True)
    description = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.description}".strip()


class ContactBusinessRelation(models.Model):
    """A contact's business relation; for the setup codes, the link to its customer, vendor or bank account."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="business_relations")
    business_relation = models.ForeignKey(BusinessRelation, on_delete=models.PROTECT, related_name="contacts")
    link_to_table = models.CharField(max_length=20, choices=LinkToTable.choices, blank=True, default="")
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="contact_links")
    vendor = models.ForeignKey(Vendor, null=True, blank=True, on_delete=models.CASCADE, related_name="contact_links")
    bank_account = models.ForeignKey(BankAccount, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="contact_links")
    primary_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The person of the linked company to address at the partner.",
    )

    class Meta:
        verbose_name = "contact business relation"
        constraints = [
            models.UniqueConstraint(fields=["contact", "business_relation"], name="cbr_one_row_per_code"),
            models.UniqueConstraint(fields=["contact", "link_to_table"], condition=~Q(link_to_table=""),
                                    name="cbr_one_partner_per_type"),
            models.UniqueConstraint(fields=["customer"], condition=Q(customer__isnull=False),
                                    name="cbr_customer_one_contact"),
            models.UniqueConstraint(fields=["vendor"], condition=Q(vendor__isnull=False),
                                    name="cbr_vendor_one_contact"),
            models.UniqueConstraint(fields=["bank_account"], condition=Q(bank_account__isnull=False),
                                    name="cbr_bank_account_one_contact"),
            models.CheckConstraint(
                condition=(
                    Q(link_to_table="", customer__isnull=True, vendor__isnull=True, bank_account__isnull=True)
                    | Q(link_to_table="customer", customer__isnull=False, vendor__isnull=True,
                        bank_account__isnull=True)
                    | Q(link_to_table="vendor", customer__isnull=True, vendor__isnull=False,
                        bank_account__isnull=True)
                    | Q(link_to_table="bank_account", customer__isnull=True, vendor__isnull=True,
                        bank_account__isnull=False)
                ),
                name="cbr_link_names_its_partner",
            ),
        ]

    def __str__(self):
        partner = self.partner
        return f"{self.contact_id} {self.business_relation_id}" + (f" → {partner}" if partner else "")

    @property
    def partner(self):
        return getattr(self, self.link_to_table) if self.link_to_table else None

    def clean(self):
        """A Marketing Setup code only with the partner of its kind (linking is done with Link with
        existing); a primary contact only from the linked company (``primary_contact_error``)."""
        errors = {}
        if self.business_relation_id is not None and self.link_to_table in (*LinkToTable.values, ""):
            setup = MarketingSetup.load()
            kind = next((kind for kind in kinds.KINDS.values()
                         if getattr(setup, f"{kind.setup_code_field}_id") == self.business_relation_id), None)
            if kind is not None and (self.link_to_table != kind.key or self.partner is None):
                errors["business_relation"] = (
                    f"{self.business_relation.code} is the business relation code Marketing Setup uses for "
                    f"{kind.plural}: it comes with the link to a {kind.label}. Use Link with existing on the "
                    f"contact card, or choose the {kind.label} here, with Link to table {kind.title}.")
            elif kind is None and self.link_to_table:
                link_kind = kinds.get(self.link_to_table)
                errors["business_relation"] = (
                    f"A contact is linked to a {link_kind.label} only under the business relation code Marketing "
                    f"Setup uses for {link_kind.plural}; {self.business_relation.code} is not that code.")
        if self.primary_contact_id is not None and "business_relation" not in errors:
            if message := self.primary_contact_error(self.primary_contact):
                errors["primary_contact"] = message
        if errors:
            raise ValidationError(errors)

    def primary_contact_error(self, contact) -> str | None:
        """Why ``contact`` cannot be the one to address at this row's partner, or None (reference §6.3):
        only a customer's or vendor's link has one, and it is the linked contact or one of its persons,
        not blocked due to privacy."""
        partner = self.partner
        if partner is None:
            return "Only a contact linked to a customer or vendor has a primary contact."
        kind = kinds.get(self.link_to_table)
        if not kind.contact_text_person:
            return f"A {kind.label} has no primary contact: its contact text is kept as text."
        if contact.pk != self.contact_id and contact.company_id != self.contact_id:
            return f"Contact {contact.no} {contact.name} is not related to {kind.describe(partner)}."
        if contact.privacy_blocked:
            return f"You cannot use contact {contact.no} {contact.name}: it is blocked due to privacy."
        return None


class MarketingSetup(SingletonModel):
    """The switches of synchronization: nothing links until a business relation code is set per partner type."""

    bus_rel_code_for_customers = models.ForeignKey(
        BusinessRelation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="Bus. Rel. Code for Customers")
    bus_rel_code_for_vendors = models.ForeignKey(
        BusinessRelation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="Bus. Rel. Code for Vendors")
    bus_rel_code_for_bank_accounts = models.ForeignKey(
        BusinessRelation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="Bus. Rel. Code for Bank Accounts")
    contact_nos = models.ForeignKey(NoSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="Contact Nos.")

    inherit_salesperson_code = models.BooleanField(default=True)
    inherit_territory_code = models.BooleanField(default=True)
    inherit_country_code = models.BooleanField(default=True)
    inherit_language_code = models.BooleanField(default=True)
    inherit_address_details = models.BooleanField(default=True)
    inherit_communication_details = models.BooleanField(default=True)

    default_territory = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+")
    default_country_code = models.CharField(max_length=2, blank=True, validators=[validate_country_code])
    default_language_code = models.CharField(max_length=20, blank=True, validators=[validate_language_code])
    default_salesperson = models.ForeignKey(SalespersonPurchaser, null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+")

    maintain_dupl_search_strings = models.BooleanField("maintain dupl. search strings", default=True)
    autosearch_for_duplicates = models.BooleanField(default=True)
    search_hit_pct = models.PositiveSmallIntegerField("search hit %", default=60)

    class Meta(SingletonModel.Meta):
        verbose_name = "marketing setup"
        verbose_name_plural = "marketing setup"
        constraints = [
            *SingletonModel.Meta.constraints,
            models.CheckConstraint(condition=Q(search_hit_pct__gte=1, search_hit_pct__lte=100),
                                   name="marketingsetup_search_hit_pct_range"),
            models.CheckConstraint(
                condition=Q(bus_rel_code_for_customers__isnull=True) | Q(bus_rel_code_for_vendors__isnull=True)
                | ~Q(bus_rel_code_for_customers=F("bus_rel_code_for_vendors")),
                name="marketingsetup_customer_vendor_codes_differ"),
            models.CheckConstraint(
                condition=Q(bus_rel_code_for_customers__isnull=True)
                | Q(bus_rel_code_for_bank_accounts__isnull=True)
                | ~Q(bus_rel_code_for_customers=F("bus_rel_code_for_bank_accounts")),
                name="marketingsetup_customer_bank_codes_differ"),
            models.CheckConstraint(
                condition=Q(bus_rel_code_for_vendors__isnull=True) | Q(bus_rel_code_for_bank_accounts__isnull=True)
                | ~Q(bus_rel_code_for_vendors=F("bus_rel_code_for_bank_accounts")),
                name="marketingsetup_vendor_bank_codes_differ"),
        ]

    def __str__(self):
        return "Marketing Setup"

    def clean(self):
        codes = {kind.setup_code_field: getattr(self, f"{kind.setup_code_field}_id") for kind in kinds.KINDS.values()}
        seen = {}
        for field, value in codes.items():
            if value is None:
                continue
            if value in seen:
                raise ValidationError({field: "Each partner type needs a business relation code of its own; "
                                              f"this one is already used for {seen[value]}."})
            seen[value] = self._meta.get_field(field).verbose_name.removeprefix("Bus. Rel. Code for ")
        if self.autosearch_for_duplicates and not self.maintain_dupl_search_strings:
            raise ValidationError({"autosearch_for_duplicates": (
                "Autosearch for duplicates needs Maintain Dupl. Search Strings: without the search strings "
                "nothing is ever found. Turn both on, or autosearch off.")})

    def code_for(self, kind: str) -> BusinessRelation | None:
        """The business relation code of a partner kind (``customer``, ``vendor``, ``bank_account``)."""
        return getattr(self, kinds.get(kind).setup_code_field)


# ---------------------------------------------------------------------------------------------
# Interactions
# ---------------------------------------------------------------------------------------------


class InteractionTemplate(models.Model):
    code = models.CharField(max_length=10, unique=True)
    description = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.description}".strip()


class InteractionTemplateSetup(SingletonModel):
    """Which interaction template each kind of document (and e-mail) is logged under; blank logs nothing."""

    sales_quotes = models.ForeignKey(InteractionTemplate, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    sales_blanket_orders = models.ForeignKey(InteractionTemplate, null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+")
    sales_order_confirmations = models.ForeignKey(InteractionTemplate, null=True, blank=True,
                                                  on_delete=models.SET_NULL, related_name="+")
    purchase_quotes = models.ForeignKey(InteractionTemplate, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    purchase_orders = models.ForeignKey(InteractionTemplate, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    emails = models.ForeignKey(InteractionTemplate, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name="e-mails")

    KINDS = ("sales_quotes", "sales_blanket_orders", "sales_order_confirmations", "purchase_quotes",
             "purchase_orders", "emails")

    class Meta(SingletonModel.Meta):
        verbose_name = "interaction template setup"
        verbose_name_plural = "interaction template setup"

    def __str__(self):
        return "Interaction Template Setup"


class InteractionLogEntry(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="interactions")
    template = models.ForeignKey(InteractionTemplate, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="log_entries")
    logged_at = models.DateTimeField(db_index=True)
    description = models.CharField(max_length=100, blank=True)
    document_type = models.CharField(max_length=30, blank=True)
    document_no = models.CharField(max_length=20, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    salesperson = models.ForeignKey(SalespersonPurchaser, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["-logged_at", "-pk"]
        verbose_name_plural = "interaction log entries"

    def __str__(self):
        return f"{self.logged_at:%Y-%m-%d %H:%M} {self.description}"


# ---------------------------------------------------------------------------------------------
# Duplicate contacts (contacts/duplicates.py keeps these up to date)
# ---------------------------------------------------------------------------------------------


# The normalized keys of a company contact that the duplicate index holds (one column each).
DUPLICATE_SEARCH_KEYS = ("name", "vat", "email", "phone", "mobile_phone", "name_sound", "post_street")


class DuplicateSearchString(models.Model):
    """The blocking keys of one contact (company or person), indexed so that its possible duplicates are
    found by exact lookups (same normalized name, VAT registration no., e-mail, phone number, name
    sound, post code + street) and then scored by the matcher, from the record kept here."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, primary_key=True,
                                   related_name="duplicate_search_string")
    name = models.CharField(max_length=100, blank=True,
                            help_text="Lower case, no accents, punctuation or legal-form suffix.")
    vat = models.CharField("VAT registration no.", max_length=20, blank=True)
    email = models.CharField("e-mail", max_length=80, blank=True)
    phone = models.CharField("phone no. (E.164)", max_length=30, blank=True)
    mobile_phone = models.CharField("mobile phone no. (E.164)", max_length=30, blank=True)
    name_sound = models.CharField(max_length=40, blank=True,
                                  help_text="Soundex of a person's given name and surname in either order "
                                            "(of a company: of its first two name words).")
    post_street = models.CharField("post code + street", max_length=80, blank=True)
    signature = models.CharField(max_length=24, blank=True,
                                 help_text="A hash of every value the matcher compares: changed → searched again.")
    record = models.TextField(blank=True, help_text="Every value the matcher compares, normalized "
                                                    "(contacts.matching.records.Records.as_strings).")

    class Meta:
        verbose_name = "duplicate search string"
        # Only set keys are looked up (a blank key matches nothing), so only they are indexed: smaller
        # indexes, and no text-pattern twins, since nothing searches these columns with LIKE.
        indexes = [models.Index(fields=[key], condition=~Q(**{key: ""}), name=f"dupl_search_{key}_idx")
                   for key in DUPLICATE_SEARCH_KEYS]

    def __str__(self):
        return f"{self.contact_id}: {self.name}"


class ContactDuplicate(models.Model):
    """A pair of contacts (companies or persons) that look alike, stored once (lower primary key first)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    duplicate = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(help_text="The match probability in per cent, 0–100.")
    probability = models.FloatField(default=0.0, help_text="The match probability, 0–1 (contacts.matching).")
    reasons = models.CharField(max_length=500, blank=True, help_text="Each field's contribution, largest first.")
    separate = models.BooleanField(
        "not a duplicate", default=False,
        help_text="A person decided these are different contacts; kept when the index is rebuilt.")
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "contact_id", "duplicate_id"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "duplicate"], name="contactduplicate_one_row_per_pair"),
            models.CheckConstraint(condition=Q(contact__lt=F("duplicate")), name="contactduplicate_ordered_pair"),
        ]

    def __str__(self):
        return f"{self.contact_id} ~ {self.duplicate_id} ({self.score}%)"


# ---------------------------------------------------------------------------------------------
# The probabilistic matcher's memory (contacts/matching, contacts/bulk/link.py)
# ---------------------------------------------------------------------------------------------


class MatchParameters(models.Model):
    """The m/u probabilities and prior the last full run estimated, per purpose ("link:customer",
    "duplicates"): the starting point of the next run and the model of the per-contact duplicate search."""

    purpose = models.CharField(max_length=40, unique=True)
    data = models.JSONField(default=dict)
    pairs = models.PositiveIntegerField(default=0, help_text="Candidate pairs the estimate was made on.")
    estimated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.purpose


class MatchReview(models.Model):
    """A partner–contact pair the matcher was not sure enough about to link: for a person to accept
    (it is linked through the engine) or reject (never proposed again)."""

    class Status(models.TextChoices):
        PENDING = "pending", "To review"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    kind = models.CharField(max_length=20, help_text="The partner kind (ContactBusinessRelation.link_to_table).")
    partner_id = models.BigIntegerField()
    partner_no = models.CharField(max_length=20)
    partner_name = models.CharField(max_length=100, blank=True)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    weight = models.FloatField()
    explanation = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-probability", "partner_no"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "partner_id", "contact"], name="matchreview_one_row_per_pair"),
            models.CheckConstraint(condition=Q(status__in=["pending", "accepted", "rejected"]),
                                   name="matchreview_status_valid"),
            models.CheckConstraint(condition=Q(probability__gte=0) & Q(probability__lte=1),
                                   name="matchreview_probability_0_1"),
        ]

    def __str__(self):
        return f"{self.kind} {self.partner_no} ~ {self.contact_id} ({self.probability:.2f})"


# ---------------------------------------------------------------------------------------------
# Merged contacts (contacts/duplicates/merge.py writes them)
# ---------------------------------------------------------------------------------------------


class MergedContact(models.Model):
    """A contact merged into another and deleted: its old address (``/contacts/<old_pk>/…``) leads to the
    survivor, and the survivor's card lists it with its change history (kept under ``old_pk``).

    A survivor later merged into a third contact hands its records on (the merge moves every foreign
    key to the contact), so an old address always leads to the contact that holds its data now.
    """

    old_pk = models.BigIntegerField("old id", unique=True)
    old_no = models.CharField("old no.", max_length=20)
    old_name = models.CharField("old name", max_length=100, blank=True)
    survivor = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="merged_contacts",
                                 help_text="The contact it was merged into.")
    merged_at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", help_text="Who merged it.")

    class Meta:
        ordering = ["-merged_at", "-pk"]
        verbose_name = "merged contact"

    def __str__(self):
        return f"{self.old_no} {self.old_name} → {self.survivor_id}".strip()


# ---------------------------------------------------------------------------------------------
# Deleting contacts: what it does to the records of other apps (contacts.services.delete_contact)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeleteConsequence:
    """What deleting a contact would do to one record of another app, as that app says it."""

    record: str  # e.g. "Sales Quote SQ0001"
    url: str  # where the user can look at (and change) the record
    outcome: str  # in plain words: "keeps its name and address; no longer refers to the contact"
    blocks: bool = False  # True: the delete is refused while the record is as it is


# Sent by ``contacts.selectors.delete_consequences`` (the confirmation page and the delete service alike)
# with ``contact_ids``: the contact and the persons deleted with it. Each receiver returns a list of
# ``DeleteConsequence``; one that ``blocks`` makes ``contacts.services.delete_contact`` refuse. The
# documents app answers it, so contacts never imports documents (DESIGN §2).
contact_delete_consequences = Signal()

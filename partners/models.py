"""Customers, vendors and bank accounts, their templates, number series and lookups.

This app is the ledger side and imports nothing from ``contacts``: the CRM listens to it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse

from crm.models import SingletonModel, TimestampedModel, history_records
from crm.validators import (
    bank_country_errors,
    validate_bic,
    validate_country_code,
    validate_currency_code,
    validate_iban,
    validate_language_code,
    validate_phone_no,
    vat_registration_no_error,
)
from partners.numbering import next_number_from_setup, split_number


class ContactType(models.TextChoices):
    COMPANY = "company", "Company"
    PERSON = "person", "Person"


# ---------------------------------------------------------------------------------------------
# Lookups
# ---------------------------------------------------------------------------------------------


class Territory(models.Model):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "territories"

    def __str__(self):
        return f"{self.code} {self.name}".strip()


class SalespersonPurchaser(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=50, blank=True)
    email = models.EmailField(max_length=80, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="salesperson"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "salesperson/purchaser"
        verbose_name_plural = "salespeople/purchasers"

    def __str__(self):
        return f"{self.code} {self.name}".strip()


# ---------------------------------------------------------------------------------------------
# Number series
# ---------------------------------------------------------------------------------------------


class NoSeries(models.Model):
    """A range of document numbers such as CT000001…CT999999. Numbers are taken by ``partners.numbering``."""

    code = models.CharField(max_length=20, unique=True)
    description = models.CharField(max_length=100, blank=True)
    starting_no = models.CharField(max_length=20, help_text="The first number, e.g. CT000001.")
    ending_no = models.CharField(max_length=20, blank=True, help_text="The last number allowed; blank for none.")
    last_no_used = models.CharField(max_length=20, blank=True)
    increment_by = models.PositiveIntegerField(default=1)
    manual_nos = models.BooleanField(default=True, help_text="Users may type a number of their own.")
    allow_gaps = models.BooleanField(
        "allow gaps in nos.", default=True,
        help_text="Background jobs working in parallel may take numbers ahead; a number taken but not used "
                  "is skipped. Clear it to keep the numbers without gaps (parallel jobs then take turns).")

    class Meta:
        ordering = ["code"]
        verbose_name = "number series"
        verbose_name_plural = "number series"
        constraints = [
            models.CheckConstraint(condition=models.Q(increment_by__gte=1), name="noseries_increment_positive"),
            models.CheckConstraint(condition=~models.Q(starting_no=""), name="noseries_starting_no_set"),
        ]

    def __str__(self):
        return self.code

    def clean(self):
        for field in ("starting_no", "ending_no", "last_no_used"):
            value = getattr(self, field)
            if value and split_number(value) is None:
                raise ValidationError({field: "A number must end in digits, e.g. CT000001."})
        if self.ending_no and self.starting_no:
            start, end = split_number(self.starting_no), split_number(self.ending_no)
            if start[0] != end[0] or int(end[1]) < int(start[1]):
                raise ValidationError({"ending_no": "The ending number must have the starting number's prefix "
                                                    "and not be smaller than it."})


class PartnerSetup(SingletonModel):
    """Which number series customers, vendors and bank accounts take their numbers from."""

    customer_nos = models.ForeignKey(NoSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="Customer Nos.")
    vendor_nos = models.ForeignKey(NoSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="Vendor Nos.")
    bank_account_nos = models.ForeignKey(NoSeries, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name="Bank Account Nos.")

    class Meta(SingletonModel.Meta):
        verbose_name = "partner setup"
        verbose_name_plural = "partner setup"

    def __str__(self):
        return "Partner Setup"


# ---------------------------------------------------------------------------------------------
# Shared "party" fields
# ---------------------------------------------------------------------------------------------


class Party(TimestampedModel):
    """Name, address and communication fields that contacts and partners share (DESIGN §3)."""

    name = models.CharField(max_length=100, blank=True, db_index=True)
    name_2 = models.CharField(max_length=50, blank=True)
    search_name = models.CharField(max_length=100, blank=True, db_index=True,
                                   help_text="Follows the name in capitals unless you set it yourself.")
    address = models.CharField(max_length=100, blank=True)
    address_2 = models.CharField(max_length=50, blank=True)
    city = models.CharField(max_length=30, blank=True)
    post_code = models.CharField(max_length=20, blank=True)
    county = models.CharField(max_length=30, blank=True)
    country_code = models.CharField("country", max_length=2, blank=True, validators=[validate_country_code])
    phone_no = models.CharField("phone no.", max_length=30, blank=True, validators=[validate_phone_no])
    mobile_phone_no = models.CharField("mobile phone no.", max_length=30, blank=True,
                                       validators=[validate_phone_no])
    fax_no = models.CharField("fax no.", max_length=30, blank=True, validators=[validate_phone_no])
    email = models.EmailField("e-mail", max_length=80, blank=True)
    home_page = models.CharField(max_length=80, blank=True)
    territory = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    language_code = models.CharField("language", max_length=20, blank=True, validators=[validate_language_code])
    currency_code = models.CharField("currency", max_length=3, blank=True, validators=[validate_currency_code])
    # Optimistic concurrency: bumped on every write, compared by edit forms.
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_name = instance.__dict__.get("name")
        return instance

    def follow_name(self):
        """Keep ``search_name`` equal to the upper-cased name unless the user set it to something else."""
        old_name = getattr(self, "_loaded_name", None)
        if not self.search_name or (old_name is not None and self.search_name == old_name.upper()[:100]):
            self.search_name = self.name.upper()[:100]

    def derive_values(self):
        """Fill the values that follow from the others, as every save does. Bulk writers that skip
        ``save()`` (the CRM's bulk writers) call this, so their rows hold exactly what a save stores."""
        self.follow_name()

    def save(self, **kwargs):
        self.derive_values()
        self.version = (self.version or 0) + 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_name", "version", "updated_at"}
        super().save(**kwargs)
        self._loaded_name = self.name


class VatParty(Party):
    vat_registration_no = models.CharField("VAT registration no.", max_length=20, blank=True)

    class Meta:
        abstract = True

    def derive_values(self):
        super().derive_values()
        self.vat_registration_no = self.vat_registration_no.upper()

    def vat_registration_no_error(self) -> str | None:
        """Why the VAT registration no. is not one of the record's country (python-stdnum), or None."""
        return vat_registration_no_error(self.vat_registration_no, self.country_code)

    def clean(self):
        super().clean()
        if message := self.vat_registration_no_error():
            raise ValidationError({"vat_registration_no": message})


# ---------------------------------------------------------------------------------------------
# Partners
# ---------------------------------------------------------------------------------------------


class NumberedPartner(models.Model):
    """A partner whose blank ``no`` is taken from its series in Partner Setup on first save."""

    setup_series_field = ""  # the PartnerSetup field naming this partner's number series

    class Meta:
        abstract = True

    def save(self, **kwargs):
        # One transaction with whatever listens to the save signals (the CRM's synchronization):
        # a failure there leaves nothing behind, not even a number taken from the series.
        with transaction.atomic():
            if not self.no:
                self.no = next_number_from_setup(PartnerSetup.load(), self.setup_series_field, type(self))
            super().save(**kwargs)

    def __str__(self):
        return f"{self.no} {self.name}".strip()


class Customer(NumberedPartner, VatParty):
    class Blocked(models.TextChoices):
        NONE = "", "Not blocked"
        SHIP = "ship", "Ship"
        INVOICE = "invoice", "Invoice"
        ALL = "all", "All"

    setup_series_field = "customer_nos"
    kind = "customer"

    no = models.CharField("no.", max_length=20, unique=True, blank=True)
    contact = models.CharField(max_length=100, blank=True, help_text="The person to address at this customer.")
    contact_type = models.CharField(max_length=10, choices=ContactType.choices, default=ContactType.COMPANY)
    salesperson = models.ForeignKey(SalespersonPurchaser, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="customers")
    blocked = models.CharField(max_length=10, choices=Blocked.choices, blank=True, default="")
    payment_terms_code = models.CharField(max_length=10, blank=True)
    customer_posting_group = models.CharField(max_length=20, blank=True)
    gen_bus_posting_group = models.CharField("gen. bus. posting group", max_length=20, blank=True)
    vat_bus_posting_group = models.CharField("VAT bus. posting group", max_length=20, blank=True)
    credit_limit = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))
    privacy_blocked = models.BooleanField(default=False)

    history = history_records()

    class Meta:
        ordering = ["no"]
        constraints = [
            models.CheckConstraint(condition=models.Q(contact_type__in=ContactType.values),
                                   name="customer_contact_type_valid"),
            models.CheckConstraint(condition=models.Q(blocked__in=["", "ship", "invoice", "all"]),
                                   name="customer_blocked_valid"),
            models.CheckConstraint(condition=~models.Q(no=""), name="customer_no_set"),
        ]

    def get_absolute_url(self):
        return reverse("partners:customer-detail", args=[self.pk])



class Vendor(NumberedPartner, VatParty):
    class Blocked(models.TextChoices):
        NONE = "", "Not blocked"
        PAYMENT = "payment", "Payment"
        ALL = "all", "All"

    setup_series_field = "vendor_nos"
    kind = "vendor"

    no = models.CharField("no.", max_length=20, unique=True, blank=True)
    contact = models.CharField(max_length=100, blank=True, help_text="The person to address at this vendor.")
    purchaser = models.ForeignKey(SalespersonPurchaser, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="vendors")
    blocked = models.CharField(max_length=10, choices=Blocked.choices, blank=True, default="")
    payment_terms_code = models.CharField(max_length=10, blank=True)
    vendor_posting_group = models.CharField(max_length=20, blank=True)
    gen_bus_posting_group = models.CharField("gen. bus. posting group", max_length=20, blank=True)
    vat_bus_posting_group = models.CharField("VAT bus. posting group", max_length=20, blank=True)
    privacy_blocked = models.BooleanField(default=False)

    history = history_records()

    class Meta:
        ordering = ["no"]
        constraints = [
            models.CheckConstraint(condition=models.Q(blocked__in=["", "payment", "all"]),
                                   name="vendor_blocked_valid"),
            models.CheckConstraint(condition=~models.Q(no=""), name="vendor_no_set"),
        ]

    def get_absolute_url(self):
        return reverse("partners:vendor-detail", args=[self.pk])



class BankAccount(NumberedPartner, Party):
    """One of our own company's accounts at a bank; the linked contact is the bank."""

    setup_series_field = "bank_account_nos"
    kind = "bank_account"

    no = models.CharField("no.", max_length=20, unique=True, blank=True)
    contact = models.CharField(max_length=100, blank=True, help_text="The person to address at the bank.")
    our_contact = models.ForeignKey(SalespersonPurchaser, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="bank_accounts")
    bank_account_no = models.CharField("bank account no.", max_length=30, blank=True)
    iban = models.CharField("IBAN", max_length=50, blank=True, validators=[validate_iban])
    swift_code = models.CharField("SWIFT code", max_length=20, blank=True, validators=[validate_bic])
    bank_branch_no = models.CharField("bank branch no.", max_length=20, blank=True)
    bank_acc_posting_group = models.CharField("bank acc. posting group", max_length=20, blank=True)

    history = history_records()

    class Meta:
        ordering = ["no"]
        constraints = [models.CheckConstraint(condition=~models.Q(no=""), name="bankaccount_no_set")]

    def get_absolute_url(self):
        return reverse("partners:bank-account-detail", args=[self.pk])

    def clean(self):
        super().clean()
        if errors := bank_country_errors(self.iban, self.swift_code, self.country_code):
            raise ValidationError(errors)

    def save(self, **kwargs):
        # IBAN and BIC are stored in their compact, upper-case form.
        self.iban = self.iban.replace(" ", "").upper()
        self.swift_code = self.swift_code.replace(" ", "").upper()
        super().save(**kwargs)



# ---------------------------------------------------------------------------------------------
# Templates for "Create as customer / vendor"
# ---------------------------------------------------------------------------------------------


class PartnerTemplate(models.Model):
    code = models.CharField(max_length=20, unique=True)
    description = models.CharField(max_length=100, blank=True)
    contact_type = models.CharField(max_length=10, choices=ContactType.choices, default=ContactType.COMPANY)
    payment_terms_code = models.CharField(max_length=10, blank=True)
    gen_bus_posting_group = models.CharField("gen. bus. posting group", max_length=20, blank=True)
    vat_bus_posting_group = models.CharField("VAT bus. posting group", max_length=20, blank=True)
    country_code = models.CharField("country", max_length=2, blank=True, validators=[validate_country_code])
    territory = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    currency_code = models.CharField("currency", max_length=3, blank=True, validators=[validate_currency_code])
    no_series = models.ForeignKey(NoSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  help_text="Number series for partners made from this template; "
                                            "blank takes the one in Partner Setup.")

    # The partner fields a template fills when they are blank on the new partner.
    filled_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.description}".strip()


class CustomerTemplate(PartnerTemplate):
    customer_posting_group = models.CharField(max_length=20, blank=True)
    credit_limit = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))

    filled_fields = ("payment_terms_code", "customer_posting_group", "gen_bus_posting_group",
                     "vat_bus_posting_group", "credit_limit", "country_code", "territory", "currency_code")

    class Meta(PartnerTemplate.Meta):
        constraints = [
            models.CheckConstraint(condition=models.Q(contact_type__in=ContactType.values),
                                   name="customertemplate_contact_type_valid"),
        ]


class VendorTemplate(PartnerTemplate):
    vendor_posting_group = models.CharField(max_length=20, blank=True)

    filled_fields = ("payment_terms_code", "vendor_posting_group", "gen_bus_posting_group",
                     "vat_bus_posting_group", "country_code", "territory", "currency_code")

    class Meta(PartnerTemplate.Meta):
        constraints = [
            models.CheckConstraint(condition=models.Q(contact_type__in=ContactType.values),
                                   name="vendortemplate_contact_type_valid"),
        ]

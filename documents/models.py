"""Sales and purchase documents (quotes, orders, blanket orders) started from contacts.

This app depends on ``contacts`` and ``partners``; neither imports anything from it.
Business rules (which customer a contact buys for, which contact a customer is addressed at, …)
live in ``documents/services.py``; the models hold the data and the database invariants.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Max, ProtectedError, Q, Sum
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from crm.models import SingletonModel, TimestampedModel
from crm.validators import (
    validate_bic,
    validate_country_code,
    validate_currency_code,
    validate_iban,
    validate_phone_no,
)
from partners.models import Customer, CustomerTemplate, NoSeries, SalespersonPurchaser, Vendor
from partners.numbering import next_number_from_setup

CENT = Decimal("0.01")


class DocumentSetup(SingletonModel):
    """The number series each kind of document takes its number from."""

    sales_quote_nos = models.ForeignKey(NoSeries, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name="Sales Quote Nos.")
    sales_order_nos = models.ForeignKey(NoSeries, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name="Sales Order Nos.")
    sales_blanket_order_nos = models.ForeignKey(NoSeries, null=True, blank=True, on_delete=models.PROTECT,
                                                related_name="+", verbose_name="Sales Blanket Order Nos.")
    purchase_quote_nos = models.ForeignKey(NoSeries, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+", verbose_name="Purchase Quote Nos.")
    purchase_order_nos = models.ForeignKey(NoSeries, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+", verbose_name="Purchase Order Nos.")

    class Meta(SingletonModel.Meta):
        verbose_name = "document setup"
        verbose_name_plural = "document setup"

    def __str__(self):
        return "Document Setup"


class CompanyInformation(SingletonModel):
    """Our own company, as printed on every quote and order: name, address, VAT registration no., bank.

    BC keeps it in the Company Information table; the local currency (BC: General Ledger Setup's LCY Code)
    is the currency of a document whose own currency is blank.
    """

    name = models.CharField(max_length=100, blank=True)
    address = models.CharField(max_length=100, blank=True)
    address_2 = models.CharField(max_length=50, blank=True)
    post_code = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=30, blank=True)
    country_code = models.CharField("country", max_length=2, blank=True, validators=[validate_country_code],
                                    help_text="ISO 3166 code, e.g. DE.")
    phone_no = models.CharField("phone no.", max_length=30, blank=True, validators=[validate_phone_no])
    email = models.EmailField("e-mail", max_length=80, blank=True)
    home_page = models.CharField(max_length=80, blank=True)
    vat_registration_no = models.CharField("VAT registration no.", max_length=20, blank=True)
    local_currency_code = models.CharField(
        "local currency", max_length=3, blank=True, validators=[validate_currency_code],
        help_text="ISO 4217 code, e.g. EUR: the currency of documents that have none of their own.")
    bank_name = models.CharField(max_length=100, blank=True)
    iban = models.CharField("IBAN", max_length=50, blank=True, validators=[validate_iban])
    swift_code = models.CharField("SWIFT code", max_length=20, blank=True, validators=[validate_bic])

    class Meta(SingletonModel.Meta):
        verbose_name = "company information"
        verbose_name_plural = "company information"

    def __str__(self):
        return "Company Information"

    @classmethod
    def current(cls) -> "CompanyInformation":
        """The saved row, else a blank one (not saved: printing or previewing a document writes nothing)."""
        return cls.objects.filter(pk=1).first() or cls()

    def save(self, **kwargs):
        self.vat_registration_no = self.vat_registration_no.upper()
        self.iban = self.iban.replace(" ", "").upper()
        self.swift_code = self.swift_code.replace(" ", "").upper()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "vat_registration_no", "iban", "swift_code"}
        super().save(**kwargs)

    @property
    def address_lines(self) -> list[str]:
        """Name and postal address, one line each, blank parts left out."""
        return [self.name, *self.postal_lines] if self.name else self.postal_lines

    @property
    def postal_lines(self) -> list[str]:
        """The postal address without the name, one line each, blank parts left out."""
        place = " ".join(part for part in (self.post_code, self.city) if part)
        return [line for line in (self.address, self.address_2, place, self.country_code) if line]

    @property
    def contact_lines(self) -> list[str]:
        """Phone, e-mail, home page and VAT registration no., labelled, blank ones left out."""
        return [f"{label} {value}" for label, value in (
            ("Phone", self.phone_no), ("E-mail", self.email), ("Web", self.home_page),
            ("VAT reg. no.", self.vat_registration_no)) if value]

    @property
    def bank_line(self) -> str:
        """The bank to pay to, e.g. ``Commerzbank · IBAN DE89… · SWIFT COBADEFFXXX``; blank without IBAN or bank."""
        return " · ".join(part for part in (self.bank_name, self.iban and f"IBAN {self.iban}",
                                            self.swift_code and f"SWIFT {self.swift_code}") if part)


class Status(models.TextChoices):
    OPEN = "open", "Open"
    RELEASED = "released", "Released"


def keep_open_documents(collector, field, sub_objs, using):
    """``on_delete`` of a document's contact fields: deleting a contact that an open document names is
    refused (``ProtectedError``, which the admin shows as protected objects; ``contacts.services.delete_contact``
    refuses with the reason before it gets here); a released document keeps the name and address copied
    onto it and loses only the reference (as ``SET_NULL``)."""
    open_documents = list(sub_objs.filter(status=Status.OPEN))
    if open_documents:
        raise ProtectedError(f"Open documents would lose their contact: {', '.join(map(str, open_documents))}.",
                             open_documents)
    models.SET_NULL(collector, field, sub_objs, using)


class DocumentQuerySet(models.QuerySet):
    def with_totals(self):
        """Fetch each document's total (the sum of its line amounts) in the same query: see ``total_amount``."""
        return self.annotate(lines_total=Sum("lines__amount", default=Decimal("0")))


# ---------------------------------------------------------------------------------------------
# The printed document: what the PDF (documents/pdf.py) and the HTML preview both show
# ---------------------------------------------------------------------------------------------


def currency_decimals(currency_code: str) -> int:
    """The number of decimals the currency's amounts are shown with (JPY 0, EUR 2, KWD 3), as CLDR has them
    (through babel); 2 when there is no currency."""
    return get_currency_precision(currency_code) if currency_code else 2


def round_amount(value, decimals: int) -> Decimal:
    """``value`` rounded half up to ``decimals`` places."""
    return Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_amount(value, decimals: int) -> str:
    """``value`` rounded half up to ``decimals`` places, with thousands separators: ``1,234.50``, ``1,235``."""
    return f"{round_amount(value, decimals):,.{decimals}f}"


def format_price(value, decimals: int) -> str:
    """A unit price: at least the currency's decimals, more where the price has them (JPY ``1,234.5``)."""
    value = Decimal(value)
    places = max(decimals, -min(0, value.normalize().as_tuple().exponent))
    return f"{value:,.{places}f}"


def format_number(value) -> str:
    """A quantity or percentage as stored, without trailing zeros: ``1,000``, ``2.5``, ``12.125``."""
    return f"{Decimal(value).normalize():,f}"


@dataclass(frozen=True)
class PrintedLine:
    description: str
    quantity: str
    unit_price: str
    discount: str
    amount: str


@dataclass(frozen=True)
class Printout:
    """A document as printed: our company, the addressee, the facts (label, value), the lines and total, all
    as text. ``DocumentHeader.printout()`` makes it; the PDF and the preview show the same one."""

    title: str
    company: "CompanyInformation"
    addressee: list[str]
    facts: list[tuple[str, str]]
    lines: list[PrintedLine]
    currency_code: str
    total: str

    @property
    def total_label(self) -> str:
        return f"Total {self.currency_code}".strip()

    def texts(self) -> list[str]:
        """Every text printed, e.g. to choose the fonts that cover them."""
        company = self.company
        return [self.title, *company.address_lines, *company.contact_lines, company.bank_line, *self.addressee,
                *(text for fact in self.facts for text in fact), self.total_label, self.total,
                *(text for line in self.lines for text in vars(line).values())]

    @property
    def footer(self) -> str:
        """Our name, address and bank on one line, for the foot of every page."""
        return " · ".join(part for part in (*self.company.address_lines, self.company.bank_line) if part)


class DocumentHeader(TimestampedModel):
    """What sales and purchase headers share: number, dates, status, the copied address."""

    series_fields: dict[str, str] = {}  # document_type → DocumentSetup field naming its number series
    interaction_kinds: dict[str, str] = {}  # document_type → InteractionTemplateSetup field it is logged under

    no = models.CharField("no.", max_length=20, blank=True)
    order_date = models.DateField(default=timezone.localdate)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    external_document_no = models.CharField("external document no.", max_length=35, blank=True)
    email = models.EmailField("e-mail", max_length=80, blank=True)
    phone_no = models.CharField("phone no.", max_length=30, blank=True)
    # Name and address of the party the document is for, copied when the party is chosen.
    name = models.CharField(max_length=100, blank=True)
    name_2 = models.CharField(max_length=50, blank=True)
    address = models.CharField(max_length=100, blank=True)
    address_2 = models.CharField(max_length=50, blank=True)
    city = models.CharField(max_length=30, blank=True)
    post_code = models.CharField(max_length=20, blank=True)
    country_code = models.CharField("country", max_length=2, blank=True)
    contact_name = models.CharField("contact", max_length=100, blank=True,
                                    help_text="The person the document is addressed to.")
    currency_code = models.CharField("currency", max_length=3, blank=True)
    quote_valid_until = models.DateField(
        "quote valid until", null=True, blank=True,
        help_text="Quotes only: the last day the offer holds (BC's Quote Valid Until Date).")
    # Optimistic concurrency: bumped on every save; the card's form carries the version it was shown with.
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.get_document_type_display()} {self.no}".strip()

    @property
    def title(self) -> str:
        return str(self)

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def interaction_kind(self) -> str:
        return self.interaction_kinds[self.document_type]

    @property
    def log_document_type(self) -> str:
        """The document type written on interaction log entries, e.g. ``sales_quote``."""
        return f"{self.side}_{self.document_type}"

    def save(self, **kwargs):
        if not self.no:
            self.no = next_number_from_setup(DocumentSetup.load(), self.series_fields[self.document_type],
                                             type(self))
        self.version = (self.version or 0) + 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        super().save(**kwargs)

    @property
    def total_amount(self) -> Decimal:
        """The sum of the line amounts: from ``with_totals()`` when the document was fetched so, else one query."""
        total = self.__dict__.get("lines_total")
        if total is None:
            total = self.lines.aggregate(total=Sum("amount", default=Decimal("0")))["total"]
        return total

    def get_total_amount(self) -> Decimal:
        return self.total_amount

    # What a printed document shows: ``printout()`` puts it together from these.
    party_field = ""  # the customer or vendor
    contact_field = ""  # the contact the document is for
    people_field = ""  # our salesperson or purchaser
    people_label = ""

    @property
    def party(self):
        """The customer or vendor the document is for (None on a quote for a prospect)."""
        return getattr(self, self.party_field)

    @property
    def party_vat_registration_no(self) -> str:
        """The customer's or vendor's VAT registration no.; for a prospect's quote, its contact's (or the
        contact's company's)."""
        if self.party is not None:
            return self.party.vat_registration_no
        contact = getattr(self, self.contact_field)
        if contact is None:
            return ""
        return contact.vat_registration_no or (contact.company.vat_registration_no if contact.company_id else "")

    def addressee_lines(self) -> list[str]:
        """Name and address copied onto the document, with the contact person when another than the name."""
        place = " ".join(part for part in (self.post_code, self.city) if part)
        lines = [self.name, self.name_2, self.address, self.address_2, place, self.country_code]
        if self.contact_name and self.contact_name != self.name:
            lines.insert(1, f"Attn. {self.contact_name}")
        return [line for line in lines if line]

    def printout(self, company: "CompanyInformation | None" = None) -> Printout:
        """The document as printed (PDF) and previewed (HTML): one query for Company Information unless given,
        and the lines (none when they were prefetched).

        Amounts take the currency's decimals (the document's currency, else our local currency): each line
        amount is rounded to them and the total is the sum of the rounded amounts, as BC rounds every line.
        """
        company = company if company is not None else CompanyInformation.current()
        currency_code = self.currency_code or company.local_currency_code
        decimals = currency_decimals(currency_code)
        lines, total = [], Decimal(0)
        for line in self.lines.all():
            amount = round_amount(line.amount, decimals)
            total += amount
            lines.append(PrintedLine(line.description, format_number(line.quantity),
                                     format_price(line.unit_price, decimals), format_number(line.line_discount_pct),
                                     format_amount(amount, decimals)))
        party, party_model = self.party, self._meta.get_field(self.party_field).related_model
        people = getattr(self, self.people_field)
        facts = [
            (f"{party_model._meta.verbose_name.capitalize()} no.", party.no if party is not None else ""),
            ("Your VAT registration no.", self.party_vat_registration_no),
            ("Contact", self.contact_name),
            (self.people_label, ", ".join(part for part in (people.name or people.code, people.email) if part)
             if people is not None else ""),
            ("Date", self.order_date.isoformat()),
            ("Valid until", self.quote_valid_until.isoformat()
             if self.document_type == "quote" and self.quote_valid_until else ""),
            ("Your reference", self.external_document_no),
            ("Currency", currency_code),
        ]
        return Printout(title=self.title, company=company, addressee=self.addressee_lines(),
                        facts=[(label, value) for label, value in facts if value], lines=lines,
                        currency_code=currency_code, total=format_amount(total, decimals))


class SalesHeader(DocumentHeader):
    class DocumentType(models.TextChoices):
        QUOTE = "quote", "Sales Quote"
        ORDER = "order", "Sales Order"
        BLANKET_ORDER = "blanket_order", "Blanket Sales Order"

    side = "sales"
    series_fields = {"quote": "sales_quote_nos", "order": "sales_order_nos",
                     "blanket_order": "sales_blanket_order_nos"}
    interaction_kinds = {"quote": "sales_quotes", "order": "sales_order_confirmations",
                         "blanket_order": "sales_blanket_orders"}

    party_field, contact_field, people_field, people_label = (
        "sell_to_customer", "sell_to_contact", "salesperson", "Salesperson")

    document_type = models.CharField(max_length=20, choices=DocumentType.choices)
    sell_to_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="sales_documents",
        help_text="Blank only on a quote for a contact that is not a customer yet.")
    sell_to_contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=keep_open_documents,
                                        related_name="sales_documents")
    bill_to_contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=keep_open_documents,
                                        related_name="sales_documents_billed")
    salesperson = models.ForeignKey(SalespersonPurchaser, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="sales_documents")
    customer_template = models.ForeignKey(
        CustomerTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="For a quote without a customer: the template the customer is created from when the "
                  "quote becomes an order.")
    quote = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders",
                              limit_choices_to={"document_type": "quote"},
                              help_text="The quote this order was made from.")

    class Meta:
        ordering = ["document_type", "-no"]
        verbose_name = "sales document"
        constraints = [
            models.UniqueConstraint(fields=["document_type", "no"], name="salesheader_no_unique_per_type"),
            models.CheckConstraint(condition=~Q(no=""), name="salesheader_no_set"),
            models.CheckConstraint(condition=Q(document_type__in=["quote", "order", "blanket_order"]),
                                   name="salesheader_document_type_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="salesheader_status_valid"),
            models.CheckConstraint(condition=Q(document_type="quote") | Q(sell_to_customer__isnull=False),
                                   name="salesheader_customer_unless_quote"),
        ]
        indexes = [models.Index(fields=["sell_to_contact", "document_type"], name="salesheader_contact_idx")]

    def get_absolute_url(self):
        return reverse("documents:sales-detail", args=[self.pk])

    @property
    def interaction_contact(self):
        """The contact printing/e-mailing this document is logged against: bill-to, else sell-to."""
        return self.bill_to_contact or self.sell_to_contact


class PurchaseHeader(DocumentHeader):
    class DocumentType(models.TextChoices):
        QUOTE = "quote", "Purchase Quote"
        ORDER = "order", "Purchase Order"

    side = "purchase"
    series_fields = {"quote": "purchase_quote_nos", "order": "purchase_order_nos"}
    interaction_kinds = {"quote": "purchase_quotes", "order": "purchase_orders"}

    party_field, contact_field, people_field, people_label = (
        "buy_from_vendor", "buy_from_contact", "purchaser", "Purchaser")

    document_type = models.CharField(max_length=20, choices=DocumentType.choices)
    buy_from_vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="purchase_documents")
    buy_from_contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=keep_open_documents,
                                         related_name="purchase_documents")
    pay_to_contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=keep_open_documents,
                                       related_name="purchase_documents_paid")
    purchaser = models.ForeignKey(SalespersonPurchaser, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="purchase_documents")
    quote = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders",
                              limit_choices_to={"document_type": "quote"})

    class Meta:
        ordering = ["document_type", "-no"]
        verbose_name = "purchase document"
        constraints = [
            models.UniqueConstraint(fields=["document_type", "no"], name="purchaseheader_no_unique_per_type"),
            models.CheckConstraint(condition=~Q(no=""), name="purchaseheader_no_set"),
            models.CheckConstraint(condition=Q(document_type__in=["quote", "order"]),
                                   name="purchaseheader_document_type_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="purchaseheader_status_valid"),
        ]
        indexes = [models.Index(fields=["buy_from_contact", "document_type"], name="purchaseheader_contact_idx")]

    def get_absolute_url(self):
        return reverse("documents:purchase-detail", args=[self.pk])

    @property
    def interaction_contact(self):
        """The contact printing/e-mailing this document is logged against: pay-to, else buy-from."""
        return self.pay_to_contact or self.buy_from_contact


class DocumentLine(models.Model):
    """A line: quantity × unit price less the line discount; ``amount`` is set on every save."""

    line_no = models.PositiveIntegerField("line no.", blank=True, help_text="Blank: after the last line.")
    description = models.CharField(max_length=100)
    quantity = models.DecimalField(max_digits=18, decimal_places=3, default=Decimal("1"),
                                   validators=[MinValueValidator(Decimal("0"))])
    unit_price = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"),
                                     validators=[MinValueValidator(Decimal("0"))])
    line_discount_pct = models.DecimalField(
        "line discount %", max_digits=5, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    amount = models.DecimalField(max_digits=20, decimal_places=2, default=Decimal("0"), editable=False)
    # Optimistic concurrency, as on the header: bumped on every save; the line's edit form carries the version.
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True
        ordering = ["header", "line_no"]

    def __str__(self):
        return f"{self.line_no} {self.description}"

    @staticmethod
    def compute_amount(quantity, unit_price, line_discount_pct) -> Decimal:
        gross = Decimal(quantity) * Decimal(unit_price)
        return (gross * (1 - Decimal(line_discount_pct) / 100)).quantize(CENT, rounding=ROUND_HALF_UP)

    def save(self, **kwargs):
        if self.line_no is None:
            # A line added without a number goes to the end (steps of 10000, as in BC).
            last = type(self)._default_manager.filter(header_id=self.header_id).aggregate(last=Max("line_no"))
            self.line_no = (last["last"] or 0) + 10000
        self.amount = self.compute_amount(self.quantity, self.unit_price, self.line_discount_pct)
        self.version = (self.version or 0) + 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "amount", "version"}
        super().save(**kwargs)

    @classmethod
    def line_constraints(cls, prefix: str):
        return [
            models.UniqueConstraint(fields=["header", "line_no"], name=f"{prefix}_line_no_unique"),
            models.CheckConstraint(condition=Q(line_no__gte=1), name=f"{prefix}_line_no_positive"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name=f"{prefix}_quantity_not_negative"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name=f"{prefix}_unit_price_not_negative"),
            models.CheckConstraint(condition=Q(line_discount_pct__gte=0, line_discount_pct__lte=100),
                                   name=f"{prefix}_discount_pct_range"),
        ]


class SalesLine(DocumentLine):
    header = models.ForeignKey(SalesHeader, on_delete=models.CASCADE, related_name="lines")

    class Meta(DocumentLine.Meta):
        constraints = DocumentLine.line_constraints("salesline")


class PurchaseLine(DocumentLine):
    header = models.ForeignKey(PurchaseHeader, on_delete=models.CASCADE, related_name="lines")

    class Meta(DocumentLine.Meta):
        constraints = DocumentLine.line_constraints("purchaseline")

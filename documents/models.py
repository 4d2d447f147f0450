"""Sales and purchase documents (quotes, orders, blanket orders) started from contacts.

This app depends on ``contacts`` and ``partners``; neither imports anything from it.
Business rules (which customer a contact buys for, which contact a customer is addressed at, …)
live in ``documents/services.py``; the models hold the data and the database invariants.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Max, ProtectedError, Q, Sum
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from crm.models import SingletonModel, TimestampedModel
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

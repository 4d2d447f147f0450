from django.contrib import admin

from crm.admin import SingletonAdmin

from .models import CompanyInformation, DocumentSetup, PurchaseHeader, PurchaseLine, SalesHeader, SalesLine


@admin.register(DocumentSetup)
class DocumentSetupAdmin(SingletonAdmin):
    fields = ("sales_quote_nos", "sales_order_nos", "sales_blanket_order_nos", "purchase_quote_nos",
              "purchase_order_nos")


@admin.register(CompanyInformation)
class CompanyInformationAdmin(SingletonAdmin):
    """Our name, address, VAT registration no. and bank, as every printed quote and order shows them."""

    fieldsets = (
        (None, {"fields": ("name", "address", "address_2", ("post_code", "city"), "country_code")}),
        ("Communication", {"fields": ("phone_no", "email", "home_page")}),
        ("Invoicing", {"fields": ("vat_registration_no", "local_currency_code")}),
        ("Bank", {"fields": ("bank_name", "iban", "swift_code")}),
    )


class SalesLineInline(admin.TabularInline):
    model = SalesLine
    fields = ("line_no", "description", "quantity", "unit_price", "line_discount_pct", "amount")
    readonly_fields = ("amount",)
    extra = 0


class PurchaseLineInline(SalesLineInline):
    model = PurchaseLine


@admin.register(SalesHeader)
class SalesHeaderAdmin(admin.ModelAdmin):
    list_display = ("no", "document_type", "sell_to_customer", "sell_to_contact", "order_date", "status")
    list_filter = ("document_type", "status")
    list_select_related = ("sell_to_customer", "sell_to_contact")
    search_fields = ("no", "name", "sell_to_customer__no", "sell_to_contact__no")
    raw_id_fields = ("sell_to_customer", "sell_to_contact", "bill_to_contact", "quote")
    inlines = [SalesLineInline]


@admin.register(PurchaseHeader)
class PurchaseHeaderAdmin(admin.ModelAdmin):
    list_display = ("no", "document_type", "buy_from_vendor", "buy_from_contact", "order_date", "status")
    list_filter = ("document_type", "status")
    list_select_related = ("buy_from_vendor", "buy_from_contact")
    search_fields = ("no", "name", "buy_from_vendor__no", "buy_from_contact__no")
    raw_id_fields = ("buy_from_vendor", "buy_from_contact", "pay_to_contact", "quote")
    inlines = [PurchaseLineInline]

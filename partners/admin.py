from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from crm import csv_io
from crm.admin import CsvImportLinkAdmin, SingletonAdmin

from . import csv_specs
from .models import (
    BankAccount,
    Customer,
    CustomerTemplate,
    NoSeries,
    PartnerSetup,
    SalespersonPurchaser,
    Territory,
    Vendor,
    VendorTemplate,
)

ADDRESS_FIELDSET = ("Address", {"fields": ("address", "address_2", "post_code", "city", "county",
                                           "country_code")})
COMMUNICATION_FIELDSET = ("Communication", {"fields": ("phone_no", "mobile_phone_no", "fax_no", "email",
                                                       "home_page")})


@admin.register(PartnerSetup)
class PartnerSetupAdmin(SingletonAdmin):
    fields = ("customer_nos", "vendor_nos", "bank_account_nos")


@admin.register(NoSeries)
class NoSeriesAdmin(admin.ModelAdmin):
    list_display = ("code", "description", "starting_no", "ending_no", "last_no_used", "increment_by", "manual_nos", "allow_gaps")
    search_fields = ("code", "description")


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(SalespersonPurchaser)
class SalespersonPurchaserAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "email", "user")
    list_select_related = ("user",)
    search_fields = ("code", "name", "email")
    autocomplete_fields = ("user",)


class PartnerAdmin(CsvImportLinkAdmin, SimpleHistoryAdmin):
    search_fields = ("no", "name", "search_name", "city", "email", "phone_no")
    list_filter = ("country_code", "territory", "currency_code")
    list_select_related = ("territory",)
    list_per_page = 50
    autocomplete_fields = ("territory",)
    readonly_fields = ("created_at", "updated_at")
    actions = [csv_io.export_as_csv]  # bulk: CSV export; "Import CSV" button → the import page


@admin.register(Customer)
class CustomerAdmin(PartnerAdmin):
    csv_import_kind = csv_specs.CUSTOMER_CSV.name
    list_display = ("no", "name", "city", "country_code", "phone_no", "email", "salesperson", "blocked")
    list_filter = ("contact_type", "blocked", "salesperson", *PartnerAdmin.list_filter)
    list_select_related = ("territory", "salesperson")
    autocomplete_fields = ("territory", "salesperson")
    fieldsets = (
        (None, {"fields": ("no", "name", "name_2", "search_name", "contact", "contact_type")}),
        ADDRESS_FIELDSET,
        COMMUNICATION_FIELDSET,
        ("Invoicing", {"fields": ("salesperson", "territory", "language_code", "currency_code",
                                  "vat_registration_no", "payment_terms_code", "customer_posting_group",
                                  "gen_bus_posting_group", "vat_bus_posting_group", "credit_limit", "blocked",
                                  "privacy_blocked")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )


@admin.register(Vendor)
class VendorAdmin(PartnerAdmin):
    csv_import_kind = csv_specs.VENDOR_CSV.name
    list_display = ("no", "name", "city", "country_code", "phone_no", "email", "purchaser", "blocked")
    list_filter = ("blocked", "purchaser", *PartnerAdmin.list_filter)
    list_select_related = ("territory", "purchaser")
    autocomplete_fields = ("territory", "purchaser")
    fieldsets = (
        (None, {"fields": ("no", "name", "name_2", "search_name", "contact")}),
        ADDRESS_FIELDSET,
        COMMUNICATION_FIELDSET,
        ("Payments", {"fields": ("purchaser", "territory", "language_code", "currency_code",
                                 "vat_registration_no", "payment_terms_code", "vendor_posting_group",
                                 "gen_bus_posting_group", "vat_bus_posting_group", "blocked", "privacy_blocked")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )


@admin.register(BankAccount)
class BankAccountAdmin(PartnerAdmin):
    csv_import_kind = csv_specs.BANK_ACCOUNT_CSV.name
    list_display = ("no", "name", "bank_account_no", "iban", "swift_code", "currency_code", "our_contact")
    search_fields = (*PartnerAdmin.search_fields, "iban", "bank_account_no", "swift_code")
    list_select_related = ("territory", "our_contact")
    autocomplete_fields = ("territory", "our_contact")
    fieldsets = (
        (None, {"fields": ("no", "name", "name_2", "search_name", "contact")}),
        ADDRESS_FIELDSET,
        COMMUNICATION_FIELDSET,
        ("Bank", {"fields": ("our_contact", "bank_account_no", "iban", "swift_code", "bank_branch_no",
                             "bank_acc_posting_group", "territory", "language_code", "currency_code")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )


class PartnerTemplateAdmin(admin.ModelAdmin):
    list_display = ("code", "description", "contact_type", "country_code", "currency_code", "no_series")
    list_filter = ("contact_type",)
    list_select_related = ("no_series",)
    search_fields = ("code", "description")


@admin.register(CustomerTemplate)
class CustomerTemplateAdmin(PartnerTemplateAdmin):
    pass


@admin.register(VendorTemplate)
class VendorTemplateAdmin(PartnerTemplateAdmin):
    pass

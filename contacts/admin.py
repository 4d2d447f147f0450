from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from crm import csv_io
from crm.admin import CsvImportLinkAdmin, SingletonAdmin

from . import csv_specs  # noqa: F401 - registers the CSV columns
from . import services

from .models import (
    BusinessRelation,
    Contact,
    ContactBusinessRelation,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateSetup,
    MarketingSetup,
)


@admin.register(MarketingSetup)
class MarketingSetupAdmin(SingletonAdmin):
    autocomplete_fields = ("default_territory", "default_salesperson")
    fieldsets = (
        ("Synchronization", {
            "description": "Nothing of a partner type synchronizes until its business relation code is set.",
            "fields": ("bus_rel_code_for_customers", "bus_rel_code_for_vendors", "bus_rel_code_for_bank_accounts",
                       "contact_nos"),
        }),
        ("Inheritance from company to persons", {
            "fields": ("inherit_salesperson_code", "inherit_territory_code", "inherit_country_code",
                       "inherit_language_code", "inherit_address_details", "inherit_communication_details"),
        }),
        ("Defaults for new contacts", {
            "fields": ("default_territory", "default_country_code", "default_language_code", "default_salesperson"),
        }),
        ("Duplicates", {"fields": ("maintain_dupl_search_strings", "autosearch_for_duplicates", "search_hit_pct")}),
    )


@admin.register(InteractionTemplateSetup)
class InteractionTemplateSetupAdmin(SingletonAdmin):
    fields = InteractionTemplateSetup.KINDS


@admin.register(BusinessRelation)
class BusinessRelationAdmin(admin.ModelAdmin):
    list_display = ("code", "description")
    search_fields = ("code", "description")


def save_business_relation(link, changed_data):
    """Save a business relation row edited in the admin (``ContactBusinessRelation.clean`` has checked it).

    A new primary contact goes through ``services.set_primary_contact``, as on the partner card, so the
    partner's contact text follows the chosen person.
    """
    if "primary_contact" not in changed_data or link.partner is None:
        link.save()
        return
    new_primary = link.primary_contact
    link.primary_contact_id = (ContactBusinessRelation.objects.filter(pk=link.pk)
                               .values_list("primary_contact_id", flat=True).first() if link.pk else None)
    link.save()
    services.set_primary_contact(link.partner, new_primary)
    link.refresh_from_db()


class ContactBusinessRelationInline(admin.TabularInline):
    model = ContactBusinessRelation
    fk_name = "contact"
    extra = 0
    autocomplete_fields = ("business_relation", "customer", "vendor", "bank_account", "primary_contact")


@admin.register(Contact)
class ContactAdmin(CsvImportLinkAdmin, SimpleHistoryAdmin):
    csv_import_kind = "contact"
    list_display = ("no", "name", "type", "company_name", "city", "country_code", "phone_no", "email",
                    "contact_business_relation", "salesperson")
    list_filter = ("type", "contact_business_relation", "salesperson", "territory", "country_code",
                   "privacy_blocked")
    list_select_related = ("salesperson",)
    search_fields = ("no", "name", "search_name", "company_name", "email", "phone_no", "city")
    actions = [csv_io.export_as_csv]  # bulk: CSV export; "Import CSV" button → the import page
    list_per_page = 50
    autocomplete_fields = ("company", "territory", "salesperson")
    readonly_fields = ("contact_business_relation", "created_at", "updated_at")
    inlines = [ContactBusinessRelationInline]
    fieldsets = (
        (None, {"fields": ("no", "type", "name", "name_2", "search_name", "company", "company_name",
                           "contact_business_relation")}),
        ("Person", {"fields": ("first_name", "middle_name", "surname", "initials", "job_title")}),
        ("Address", {"fields": ("address", "address_2", "post_code", "city", "county", "country_code")}),
        ("Communication", {"fields": ("phone_no", "mobile_phone_no", "fax_no", "email", "home_page")}),
        ("Segmentation", {"fields": ("salesperson", "territory", "language_code", "currency_code",
                                     "vat_registration_no")}),
        ("Privacy", {"fields": ("privacy_blocked", "minor", "parental_consent_received")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )

    def save_formset(self, request, form, formset, change):
        if formset.model is not ContactBusinessRelation:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for link in formset.deleted_objects:
            link.delete()
        for row in formset.forms:
            if row in formset.deleted_forms or not row.has_changed():
                continue
            save_business_relation(row.instance, row.changed_data)
        return None


@admin.register(ContactBusinessRelation)
class ContactBusinessRelationAdmin(admin.ModelAdmin):
    list_display = ("contact", "business_relation", "link_to_table", "customer", "vendor", "bank_account",
                    "primary_contact")
    list_filter = ("business_relation", "link_to_table")
    list_select_related = ("contact", "business_relation", "customer", "vendor", "bank_account", "primary_contact")
    search_fields = ("contact__no", "contact__name", "customer__no", "vendor__no", "bank_account__no")
    autocomplete_fields = ("contact", "business_relation", "customer", "vendor", "bank_account", "primary_contact")

    def save_model(self, request, obj, form, change):
        save_business_relation(obj, form.changed_data)


@admin.register(InteractionTemplate)
class InteractionTemplateAdmin(admin.ModelAdmin):
    list_display = ("code", "description")
    search_fields = ("code", "description")


@admin.register(InteractionLogEntry)
class InteractionLogEntryAdmin(admin.ModelAdmin):
    list_display = ("logged_at", "contact", "template", "description", "document_type", "document_no", "user")
    list_filter = ("template", "document_type")
    list_select_related = ("contact", "template", "user")
    search_fields = ("contact__no", "contact__name", "document_no", "description")
    date_hierarchy = "logged_at"

"""Admin building blocks shared by the apps."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse


class SingletonAdmin(admin.ModelAdmin):
    """One page for a one-row setup table: the list goes straight to the row; no add, no delete."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        obj = self.model.load()
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))


class CsvImportLinkAdmin(admin.ModelAdmin):
    """An "Import CSV" button on the change list, leading to the list screens' existing import page.

    ``csv_import_kind`` names the CSV spec of the ``csv:import`` screen (contact, customer, vendor, bank_account);
    the button shows only to users allowed to add and change the records, as the import page requires.
    """

    csv_import_kind = None
    change_list_template = "admin/csv_import_change_list.html"

    def changelist_view(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        if (self.csv_import_kind and self.has_add_permission(request)
                and self.has_change_permission(request)):
            extra_context["csv_import_url"] = reverse("csv:import", args=[self.csv_import_kind])
        return super().changelist_view(request, extra_context=extra_context)

"""API keys in the admin: a new key's secret is shown once, on the page after saving; revoke by the action or
the checkbox. (Stored idempotent responses are the API's own bookkeeping: not in the admin.)"""

from django.contrib import admin, messages

from api.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "scope", "expires_at", "revoked", "created_at", "last_used_at"]
    list_filter = ["scope", "revoked"]
    search_fields = ["prefix", "user__username", "name"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    fields = ["user", "name", "scope", "expires_at", "revoked", "prefix", "created_at", "last_used_at"]
    autocomplete_fields = []
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        key, secret = ApiKey.issue(obj.user, scope=obj.scope, expires_at=obj.expires_at, name=obj.name)
        obj.pk, obj.prefix, obj.hashed_key, obj.created_at = key.pk, key.prefix, key.hashed_key, key.created_at
        obj._state.adding = False
        messages.warning(request, f"The new key is {secret} — copy it now: it is shown only this once.")

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        count = queryset.update(revoked=True)
        messages.success(request, f"{count} key(s) revoked.")

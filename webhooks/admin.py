"""Subscriptions in the admin (a new one's secret is shown once, after saving) and the delivery log with
manual re-delivery."""

from django import forms
from django.contrib import admin, messages

from webhooks import services
from webhooks.models import Delivery, EventType, Subscription


class SubscriptionForm(forms.ModelForm):
    event_types = forms.MultipleChoiceField(choices=EventType.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Subscription
        fields = ["owner", "name", "target_url", "event_types", "active"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["__str__", "target_url", "owner", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "target_url", "owner__username"]
    fields = ["owner", "name", "target_url", "event_types", "active", "created_at", "updated_at"]
    readonly_fields = ["created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
        if not change:
            messages.warning(request, f"The signing secret is {obj.secret} — copy it now: it is shown only this once.")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "subscription", "attempt", "status_code", "error", "duration_ms",
                    "next_retry_at"]
    list_filter = ["status_code", "subscription"]
    list_select_related = ["event", "subscription"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["redeliver"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Deliver the selected events again", permissions=["redeliver"])
    def redeliver(self, request, queryset):
        count = 0
        for delivery in queryset:
            services.redeliver(delivery)
            count += 1
        messages.success(request, f"{count} re-delivery task(s) enqueued.")

    def has_redeliver_permission(self, request):
        return request.user.has_perm("webhooks.change_delivery")

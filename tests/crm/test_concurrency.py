"""crm.concurrency: the three-way merge of a stale edit, independent of any screen."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django import forms
from django.utils import timezone

from crm import concurrency
from crm.forms import VersionedForm
from partners.models import Customer
from tests import factories


class CustomerForm(VersionedForm):
    class Meta:
        model = Customer
        fields = ["name", "phone_no", "credit_limit", "privacy_blocked", "blocked"]


def rendered(instance) -> dict:
    """What the browser posts for an untouched form of ``instance`` (the original values included)."""
    form = CustomerForm(instance=instance)
    data = {name: values[0] for name, values in concurrency.posted_values(form).items() if values}
    return {**data, "version": str(instance.version), "original": form["original"].value()}


def stale_merge(customer, mine: dict, theirs: dict):
    data = rendered(customer)
    stored = Customer.objects.get(pk=customer.pk)
    for field, value in theirs.items():
        setattr(stored, field, value)
    stored.save()
    form = CustomerForm({**data, **mine}, instance=customer)
    assert form.is_valid(), form.errors
    return concurrency.three_way_merge(form, Customer.objects.get(pk=customer.pk),
                                       lambda data, current: CustomerForm(data, instance=current))


@pytest.fixture
def customer(db):
    return factories.CustomerFactory(name="Northwind", phone_no="+47 555 0100", credit_limit=Decimal("1000"))


def test_fields_changed_on_one_side_only_take_that_sides_value(customer):
    merge = stale_merge(customer, {"name": "Northwind Ltd."}, {"phone_no": "+47 555 0777"})
    assert not merge.conflicts and merge.mine == ["Name"] and merge.theirs == ["Phone no."]
    assert merge.form.is_valid()
    assert (merge.form.cleaned_data["name"], merge.form.cleaned_data["phone_no"]) == ("Northwind Ltd.", "+47 555 0777")
    assert merge.form.cleaned_data["version"] == Customer.objects.get(pk=customer.pk).version


def test_a_field_both_sides_changed_differently_is_a_conflict_with_both_values(customer):
    merge = stale_merge(customer, {"credit_limit": "2500"}, {"credit_limit": Decimal("5000")})
    conflict = merge.conflicts["credit_limit"]
    assert (conflict.mine, conflict.theirs) == ("2500", "5000.00")
    assert merge.form["credit_limit"].value() == "2500"


def test_the_same_change_on_both_sides_and_other_spellings_of_a_value_are_no_conflict(customer):
    merge = stale_merge(customer, {"phone_no": "+47 555 0777", "credit_limit": "1000.0"},
                        {"phone_no": "+47 555 0777"})
    assert not merge.conflicts and not merge.mine and not merge.theirs


def test_checkboxes_and_choices_merge_and_show_in_words(customer):
    data_mine = {"blocked": "all"}
    merge = stale_merge(customer, data_mine, {"blocked": "ship", "privacy_blocked": True})
    assert merge.theirs == ["Privacy blocked"] and merge.form["privacy_blocked"].value() is True
    conflict = merge.conflicts["blocked"]
    assert (conflict.mine, conflict.theirs) == (dict(Customer.Blocked.choices)["all"],
                                                dict(Customer.Blocked.choices)["ship"])


def test_taking_theirs_puts_back_the_value_the_conflict_form_was_shown_with(customer):
    merge = stale_merge(customer, {"phone_no": "+47 555 0199"}, {"phone_no": "+47 555 0777"})
    data = merge.form.data.copy()
    data["resolve-phone_no"] = concurrency.THEIRS
    form = CustomerForm(data, instance=Customer.objects.get(pk=customer.pk))
    assert form.is_valid() and form.cleaned_data["phone_no"] == "+47 555 0777"


@pytest.mark.parametrize("text", [None, "", "not json", "[1, 2]", '{"name": "x"}'])
def test_missing_or_garbled_original_values_are_no_base(text):
    assert concurrency.decode(text) is None


def test_who_changed_it_is_named_from_the_history(customer):
    sally = factories.UserFactory(username="sally", first_name="Sally")
    now = timezone.now()
    assert str(concurrency.ChangedBy("Sally", "", now)) == f"Sally changed it at {timezone.localtime(now):%H:%M}"
    synced = concurrency.ChangedBy("Sally", "Synchronized from contact CT000001", now - timedelta(days=400))
    assert str(synced).startswith("synchronized from contact CT000001 at ")
    assert str(synced).endswith("(changed there by Sally)")
    version = customer.version
    stored = Customer.objects.get(pk=customer.pk)
    stored._history_user = sally
    stored.save()
    assert [(c.who, c.source) for c in concurrency.changed_since(stored, version)] == [("Sally", "")]


class PlainForm(forms.Form):
    amount = forms.DecimalField()


def test_comparable_values_ignore_spelling():
    form = PlainForm()
    assert concurrency.comparable(form, "amount", ["12.5"]) == concurrency.comparable(form, "amount", ["12.50"])

"""Comparison levels of the matcher: each field's agreement reads as one of a few levels, unknown when missing."""

import pytest

from contacts.matching import model
from contacts.matching.records import person_parts, split_address

from .helpers import compared, customer, person

LEVEL = {c: {text: k for k, text in enumerate(spec[1])} for c, spec in model.COMPARISONS.items()}


@pytest.mark.parametrize("given, other, level", [
    ("michaela", "michaela", "agrees"),
    ("michaela", "micheala", "similar"),  # a transposition: Jaro–Winkler ≥ 0.92
    ("steven", "stephen", "sounds alike"),
    ("j", "john", "initial agrees"),
    ("john", "peter", "differs"),
])
def test_given_name_levels(given, other, level):
    levels, _, _ = compared(customer(name=f"{given} smith"), person(given=other, surname="smith"))
    assert levels["given"] == LEVEL["given"][level]
    assert levels["surname"] == LEVEL["surname"]["agrees"]


def test_swapped_given_name_and_surname_are_compared_crosswise():
    levels, swapped, _ = compared(customer(name="neumann michaela"), person(given="michaela", surname="neumann"))
    assert swapped
    assert levels["given"] == LEVEL["given"]["agrees"] and levels["surname"] == LEVEL["surname"]["agrees"]


def test_a_single_name_word_is_compared_with_the_part_it_resembles():
    levels, _, _ = compared(customer(name="michaela"), person(given="michaela", surname="neumann"))
    assert levels["surname"] == LEVEL["surname"]["agrees"]  # it is her given name; the surname is unknown
    assert levels["given"] == model.NULL


def test_missing_values_are_unknown_not_different():
    levels, _, _ = compared(customer(name="Fabrikam", city="Berlin"), customer(pk=2, name="Fabrikam"))
    assert levels["city"] == model.NULL and levels["post_code"] == model.NULL and levels["vat"] == model.NULL
    assert levels["given"] == model.NULL  # a company pair: name parts are not compared
    assert levels["name"] == LEVEL["name"]["agrees"]


@pytest.mark.parametrize("address, other, level", [
    ("3 Wylly Pl.", "3 wylly place", "agrees"),
    ("Hauptstraße 5a", "Hauptstr. 5a", "agrees"),
    ("3 wylly place", "3 wyly place", "number and street nearly agree"),
    ("3 wylly place", "9 wylly place", "street similar, number differs"),
    ("3 wylly place", "3 kent road", "differs"),
])
def test_street_and_house_number_levels(address, other, level):
    levels, _, _ = compared(customer(address=address), customer(pk=2, address=other))
    assert levels["address"] == LEVEL["address"][level]


def test_post_code_one_character_off_is_its_own_level():
    levels, _, _ = compared(customer(post_code="4223"), customer(pk=2, post_code="4232"))
    assert levels["post_code"] == LEVEL["post_code"]["differs by one character"]
    levels, _, _ = compared(customer(post_code="10115"), customer(pk=2, post_code="10 115"))
    assert levels["post_code"] == LEVEL["post_code"]["agrees"]


@pytest.mark.parametrize("vat, other, level", [
    ("DE 123 456 789", "123456789", "agrees"),
    ("5304218", "5304219", "differs by one digit"),  # no country, no checksum to ask
    ("DE136695976", "DE136695978", "differs by one digit (one fails its checksum)"),
    ("5304218", "9911223", "differs"),
])
def test_vat_levels_weigh_a_one_digit_difference_by_checksum(vat, other, level):
    levels, _, _ = compared(customer(vat_registration_no=vat), customer(pk=2, vat_registration_no=other))
    assert levels["vat"] == LEVEL["vat"][level]


def test_company_e_mail_domain_and_phone_in_e164():
    levels, _, _ = compared(customer(email="info@fabrikam.test", phone_no="030 1234567", country_code="DE"),
                            customer(pk=2, email="sales@fabrikam.test", phone_no="+49 30 1234567"))
    assert levels["email"] == LEVEL["email"]["same domain"] and levels["phone"] == LEVEL["phone"]["agrees"]
    levels, _, _ = compared(customer(email="a@gmail.com"), customer(pk=2, email="b@gmail.com"))
    assert levels["email"] == LEVEL["email"]["differs"]  # a free-mail domain says nothing


def test_name_parts_and_address_are_read_from_free_text():
    assert person_parts("Neumann, Michaela") == ("michaela", "neumann")
    assert person_parts("Michaela van der Berg") == ("michaela", "van der berg")
    assert person_parts("Müller") == ("", "muller")
    assert split_address("12 Pinkerton Cct") == ("12", "pinkerton circuit")


@pytest.mark.parametrize("left, right, level", [
    ("info@fabrikam.test", "info@contoso.test", "differs"),  # every firm has an info@
    ("Sales2@fabrikam.test", "sales2@contoso.test", "differs"),
    ("purchasing.desk@fabrikam.test", "purchasing.desk@contoso.test", "same local part"),
])
def test_a_shared_mailbox_at_two_firms_says_nothing(left, right, level):
    levels, _, _ = compared(customer(email=left), customer(pk=2, email=right))
    assert levels["email"] == LEVEL["email"][level]


@pytest.mark.parametrize("left, right, level", [
    ("jill.thomas@fabrikam.test", "jill.thomas@contoso.test", "differs"),  # the name again: counted once
    ("jthomas@fabrikam.test", "jthomas@contoso.test", "differs"),
    ("jill.thomas@fabrikam.test", "jill.thomas@fabrikam.test", "agrees"),
    ("moonlight@fabrikam.test", "moonlight@contoso.test", "same local part"),
])
def test_a_persons_local_part_counts_when_it_says_more_than_the_name(left, right, level):
    levels, _, _ = compared(person(given="Jill", surname="Thomas", email=left),
                            person(pk=2, given="Jill", surname="Thomas", email=right))
    assert levels["email"] == LEVEL["email"][level]


def test_a_local_part_spelt_in_ascii_is_read_as_the_name():
    levels, _, _ = compared(person(given="Ludvig", surname="Østergaard", email="ludvig.ostergaard@a.dk"),
                            person(pk=2, given="Ludvig", surname="Østergaard", email="ludvig.ostergaard@b.dk"))
    assert levels["email"] == LEVEL["email"]["differs"]


def test_colleagues_of_one_company_are_not_compared_on_what_they_inherit_from_it():
    office = {"address": "8 Stanley Street", "post_code": "4223", "city": "Winston Hills",
              "phone_no": "+61 7 5555 0100", "company_id": 7}
    levels, _, _ = compared(person(given="Jennifer", surname="Thompson", **office),
                            person(pk=2, given="Jennifer", surname="Garcia", **office))
    assert all(levels[c] == model.NULL for c in ("address", "post_code", "city", "phone"))
    assert levels["surname"] == LEVEL["surname"]["differs"]
    levels, _, _ = compared(person(given="Jennifer", surname="Thompson", **office),
                            person(pk=2, given="Jennifer", surname="Garcia", **{**office, "company_id": 8}))
    assert levels["address"] == LEVEL["address"]["agrees"] and levels["phone"] == LEVEL["phone"]["agrees"]

"""Records: normalized column arrays, and the string a contact's duplicate index row keeps of its record."""

from contacts.matching.records import FIELDS, Records

ROWS = [
    {"pk": 7, "type": "person", "name": "Jill Thomas", "first_name": "Jill", "surname": "Thomas", "company_id": 3,
     "address": "3 Wylly Pl.", "address_2": "Suite 4", "city": "Leeds", "post_code": "ls1 4ap", "county": "",
     "country_code": "GB", "phone_no": "0113 496 0000", "mobile_phone_no": "07700 900123",
     "email": "Jill@Fabrikam.test", "vat_registration_no": ""},
    {"pk": 9, "type": "company", "name": "Müller GmbH", "address": "Hauptstr. 5a", "city": "Köln",
     "post_code": "50667", "country_code": "DE", "phone_no": "0221 123456", "email": "",
     "vat_registration_no": "DE 136 695 976"},
]


def test_a_record_read_back_from_its_stored_string_is_the_record_normalized_from_the_contact():
    records = Records.from_rows(ROWS)
    stored = Records.from_strings(records.pks, records.as_strings())
    assert list(stored.pks) == [7, 9] and list(stored.person) == [True, False]
    for field in FIELDS:
        assert list(stored[field]) == list(records[field]), field
    assert list(stored.vat_raw) == list(records.vat_raw) == ["", "DE 136 695 976"]
    assert list(stored.vat_valid([0, 1])) == list(records.vat_valid([0, 1]))


def test_a_separator_typed_into_a_value_does_not_shift_the_stored_fields():
    records = Records.from_rows([{**ROWS[1], "vat_registration_no": "DE 136\x1f695 976"}])
    stored = Records.from_strings(records.pks, records.as_strings())
    assert stored.vat_raw[0] == "DE 136 695 976" and stored["vat"][0] == records["vat"][0]


def test_no_strings_make_no_records():
    assert len(Records.from_strings([], [])) == 0

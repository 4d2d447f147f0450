"""Records for the probabilistic matcher: the normalized fields of many parties as column arrays.

A ``Records`` holds one NumPy array per field (``""`` where a value is missing), built from plain
row dicts (``.values()``) of contacts or partners:

- ``name``: the organisation name as ``contacts.matching.normalize_name`` reads it;
- ``given`` / ``surname``: a person's name parts: the contact's first name and surname where set,
  else the name split (``"Surname, Given"`` and ``"Given Surname"``; one word is a surname whose given
  name is unknown);
- ``house`` / ``street``: the house number and the street of ``address`` (abbreviations written out,
  "3 Wylly Pl." → ``("3", "wylly place")``); ``address_2``;
- ``post_code`` (letters and digits, upper case), ``city``, ``county``;
- ``vat`` (python-stdnum's compact form) with ``vat_valid`` (True / False / None when no checksum
  can be checked), ``email``, ``phones`` (E.164, several joined by a space);
- ``person``: True for a person contact or a partner whose contact type is person.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from stdnum import exceptions as stdnum_exceptions
from stdnum.eu import vat as eu_vat

from contacts.matching import (name_tokens, normalize_email, normalize_phone, normalize_vat, strip_accents,
                               vat_prefix_country)

FIELDS = ("name", "given", "surname", "house", "street", "address_2", "post_code", "city", "county", "vat",
          "email", "phones")

# The fields read from the database (``.values(*ROW_FIELDS)``; a missing one counts as blank).
ROW_FIELDS = ("pk", "name", "address", "address_2", "city", "post_code", "county", "country_code",
              "phone_no", "mobile_phone_no", "email", "vat_registration_no")
PERSON_ROW_FIELDS = ("first_name", "surname", "type")

_WORDS = re.compile(r"[^0-9a-z]+")
_NUMBER = re.compile(r"^\d+[a-z]?$")
STREET_WORDS = {
    "st": "street", "str": "strasse", "straße": "strasse", "rd": "road", "ave": "avenue", "av": "avenue",
    "pl": "place", "cres": "crescent", "cr": "crescent", "ct": "court", "dr": "drive", "ln": "lane",
    "hwy": "highway", "pde": "parade", "cct": "circuit", "tce": "terrace", "cl": "close", "sq": "square",
    "blvd": "boulevard", "gr": "grove", "mt": "mount", "pkwy": "parkway", "wy": "way", "n": "north",
    "s": "south", "e": "east", "w": "west",
}


@lru_cache(maxsize=200_000)
def words(value: str) -> tuple[str, ...]:
    """Lower-case words without accents and punctuation ("O'Neil" → ("oneil",))."""
    text = strip_accents(value or "").lower().replace("ß", "ss").replace("'", "").replace("’", "")
    return tuple(w for w in _WORDS.split(text) if w)


@lru_cache(maxsize=200_000)
def split_address(address: str) -> tuple[str, str]:
    """(house number, street) of an address line: "3 Wylly Pl." → ("3", "wylly place"),
    "Hauptstr. 5a" → ("5a", "hauptstrasse")."""
    tokens = list(words(address))
    house = ""
    for i, token in enumerate(tokens):
        if _NUMBER.match(token):
            house = token
            del tokens[i]
            break
    street = " ".join(STREET_WORDS.get(t, t + "asse" if t.endswith("str") and len(t) > 4 else t) for t in tokens)
    return house, street.replace(" strasse", "strasse") if street.endswith(" strasse") else street


@lru_cache(maxsize=200_000)
def person_parts(name: str, first_name: str = "", surname: str = "") -> tuple[str, str]:
    """(given name, surname) of a person, normalized."""
    if first_name or surname:
        given = words(first_name)
        return (given[0] if given else ""), " ".join(words(surname))
    if "," in (name or ""):
        last, _, first = name.partition(",")
        given = words(first)
        return (given[0] if given else ""), " ".join(words(last))
    tokens = words(name)
    if not tokens:
        return "", ""
    if len(tokens) == 1:
        return "", tokens[0]
    return tokens[0], " ".join(tokens[1:])


def vat_checksum_valid(compact: str, raw: str) -> bool | None:
    """Whether the VAT registration no. passes its country's checksum; None when no country is known."""
    value = re.sub(r"[^0-9A-Z]", "", (raw or "").upper())
    if not vat_prefix_country(value):
        return None
    try:
        eu_vat.validate(value)
    except stdnum_exceptions.ValidationError:
        return False
    except Exception:  # noqa: BLE001 - a country module stdnum cannot check
        return None
    return True


@dataclass
class Records:
    pks: np.ndarray
    person: np.ndarray
    columns: dict  # field → np.ndarray of str (object)
    vat_valid: np.ndarray  # object array: True / False / None

    def __len__(self):
        return len(self.pks)

    def __getitem__(self, field):
        return self.columns[field]

    @classmethod
    def from_rows(cls, rows, *, person_of=None):
        """Normalize ``rows`` (dicts with ``ROW_FIELDS``, optionally ``first_name``, ``surname``, ``type``
        / ``contact_type``). ``person_of(row)`` says whether a row is a person (default: its type)."""
        cols = {f: [] for f in FIELDS}
        pks, person, valid = [], [], []
        for row in rows:
            get = row.get
            pks.append(row["pk"])
            is_person = person_of(row) if person_of else (get("type") or get("contact_type")) == "person"
            person.append(is_person)
            name = get("name") or ""
            cols["name"].append(" ".join(name_tokens(name)))
            given, surname = person_parts(name, get("first_name") or "", get("surname") or "")
            cols["given"].append(given)
            cols["surname"].append(surname)
            house, street = split_address(get("address") or "")
            cols["house"].append(house)
            cols["street"].append(street)
            cols["address_2"].append(" ".join(words(get("address_2") or "")))
            cols["post_code"].append("".join(words(get("post_code") or "")).upper())
            cols["city"].append(" ".join(words(get("city") or "")))
            cols["county"].append(" ".join(words(get("county") or "")))
            raw_vat = get("vat_registration_no") or ""
            vat = normalize_vat(raw_vat)
            cols["vat"].append(vat)
            valid.append(vat_checksum_valid(vat, raw_vat) if vat else None)
            cols["email"].append(normalize_email(get("email") or ""))
            country = get("country_code") or ""
            phones = sorted({p for p in (normalize_phone(get("phone_no") or "", country),
                                         normalize_phone(get("mobile_phone_no") or "", country)) if p})
            cols["phones"].append(" ".join(phones))
        return cls(pks=np.array(pks, dtype=np.int64), person=np.array(person, dtype=bool),
                   columns={f: np.array(v, dtype=object) for f, v in cols.items()},
                   vat_valid=np.array(valid, dtype=object))

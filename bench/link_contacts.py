"""link_contacts on N customers vs N contacts with known true matches: time, precision, recall.

    .venv/bin/python bench/link_contacts.py --db sqlite --n 100000

70 % of the customers are the same organisation as one contact, written differently: legal-form
suffix swapped or dropped, case changed, a typo, accents dropped; the phone reformatted (national
instead of international spelling) or replaced; the e-mail the same or another one; the VAT no.
spaced differently. 2 % are namesakes (another firm with the same name, nothing else shared).
Targets at the default match probability (0.9): < 60 s, precision ≥ 0.99, recall ≥ 0.90.
"""

import argparse
import random
import time

from _common import COUNTRIES, SUFFIXES, marketing_setup, party_values, phone_pair, setup_django

ACCENTS = str.maketrans("üöäéèàç", "uoaeeac")


def typo(rng, name):
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    i = rng.choice(letters[1:]) if len(letters) > 1 else letters[0]
    kind = rng.choice(("swap", "drop", "replace"))
    if kind == "swap" and i + 1 < len(name):
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    if kind == "drop":
        return name[:i] + name[i + 1:]
    return name[:i] + rng.choice("aeiourstn") + name[i + 1:]


def variant_name(rng, name):
    words = name.split()
    base = " ".join(w for w in words if w not in SUFFIXES) if words[-1] in SUFFIXES else name
    roll = rng.random()
    if roll < 0.30:
        return name
    if roll < 0.55:
        return f"{base} {rng.choice(SUFFIXES)}".strip()
    if roll < 0.70:
        return name.upper()
    if roll < 0.90:
        return typo(rng, name)
    return name.translate(ACCENTS)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    setup_django(args.db)

    from django.db import transaction

    from contacts.bulk import link as linking
    from contacts.models import Contact, ContactBusinessRelation
    from partners.models import Customer

    rng = random.Random(7)
    print(f"link_contacts — {args.db}, {args.n} customers vs {args.n} contacts")
    start = time.perf_counter()
    truth = {}
    with transaction.atomic():
        contacts, customers = [], []
        for i in range(args.n):
            values = party_values(rng, i)
            country = values["country_code"]
            vat = f"{country}{rng.randint(10**8, 10**9 - 1)}" if rng.random() < 0.4 else ""
            contacts.append(Contact(no=f"CT{i:07d}", type="company", company_name=values["name"],
                                    vat_registration_no=vat, **values))
            roll = rng.random()
            if roll < 0.70:  # the same organisation, written differently
                twin = dict(values, name=variant_name(rng, values["name"]))
                twin["search_name"] = twin["name"].upper()
                p = rng.random()
                if p < 0.60:
                    digits = values["phone_no"].split(" ", 1)[1].replace(" ", "")
                    area = next(a for a, _ in COUNTRIES[country][1] if digits.startswith(a))
                    twin["phone_no"] = COUNTRIES[country][2](area, digits[len(area):])
                elif p < 0.85:
                    twin["phone_no"] = values["phone_no"].replace(" ", "")
                else:
                    twin["phone_no"] = phone_pair(rng, country)[0]
                twin["email"] = values["email"].upper() if rng.random() < 0.5 else f"sales{i}@elsewhere.example"
                twin_vat = ""
                if vat and rng.random() < 0.8:
                    twin_vat = f"{vat[:2]} {vat[2:5]} {vat[5:8]} {vat[8:]}"
                customers.append(Customer(no=f"C{i:07d}", vat_registration_no=twin_vat, **twin))
                truth[f"C{i:07d}"] = f"CT{i:07d}"
            else:
                other = party_values(rng, args.n + i)
                if roll > 0.98:  # a namesake of this contact: same name, nothing else shared
                    other["name"] = values["name"]
                customers.append(Customer(no=f"C{i:07d}", **other))
        Contact.objects.bulk_create(contacts, batch_size=2000)
        Customer.objects.bulk_create(customers, batch_size=2000)
        del contacts, customers
        marketing_setup()
    print(f"  generated in {time.perf_counter() - start:.1f} s (not measured); true matches: {len(truth)}")

    start = time.perf_counter()
    result = linking.link_contacts("customer")
    elapsed = time.perf_counter() - start
    with open("/tmp/link_contacts_report.csv", "w", newline="") as stream:
        linking.write_report(result, stream)
    linked = dict(ContactBusinessRelation.objects.filter(link_to_table="customer")
                  .values_list("customer__no", "contact__no"))
    correct = sum(1 for p, c in linked.items() if truth.get(p) == c)
    precision = correct / len(linked) if linked else 0.0
    recall = correct / len(truth) if truth else 0.0
    print(f"  link_contacts customers: {elapsed:.1f} s (target < 60 s)")
    print(f"  candidate pairs from blocking: {result.candidate_pairs}; reported: {len(result.rows)}; "
          f"to review: {result.review}; linked: {len(linked)}; correct: {correct}")
    print(f"  precision: {precision:.4f} (target ≥ 0.99); recall: {recall:.4f} (target ≥ 0.90)")


if __name__ == "__main__":
    main()

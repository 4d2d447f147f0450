"""Demo data of any size, for trying the app and for benchmarks (``manage.py seed_demo``).

It switches synchronization on (Marketing Setup with the CUST / VEND / BANK business relations and
the Contact Nos. series; Partner Setup with Customer / Vendor / Bank Account Nos.), adds lookups
(territories, salespeople/purchasers), customer and vendor templates, interaction templates, and then
companies, persons under them, stand-alone persons, customers, vendors and bank accounts, linked
exactly as the synchronization engine would have linked them:

- every linked contact and partner agree on each field of the field map in ``contacts.sync``
  (the partner is filled from its contact through ``contact_to_partner_map``);
- a link row (ContactBusinessRelation) with the setup's code for every pair, the partner's ``contact``
  text naming the link's primary contact;
- ``contact_business_relation`` summaries computed by the reference product's rule, persons showing
  their company's;
- persons carry their company's name and the inherited company fields;
- the number series advanced past every number used.

The rows are written by the project's bulk writer, ``crm.bulk_insert`` (``COPY`` on PostgreSQL, one
prepared INSERT run by ``executemany`` on SQLite), and their first change-history rows by
``crm.history.record_written_rows``, in one transaction. Like ``bulk_create`` this sends no
``pre_save``/``post_save`` signals, so the synchronization receivers in ``contacts`` (and
django-simple-history, which records history on ``post_save``) do not run — deliberately: the seeder
builds the state those receivers would have produced (links, summaries, the "created" history entry,
the duplicate index) in bulk, which is what makes 100,000 contacts a matter of seconds rather than an hour.

Modules: ``catalog`` (what the data is drawn from: countries, banks, lookups, templates), ``seeder``
(the plan, the setup, the seeder and ``seed_demo()``, the one entry point), ``logins`` (the demo
logins: a superuser, plus one user per role group when the role groups exist; made sure of even when
no data is added).
"""

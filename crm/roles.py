"""Roles are auth Groups with model permissions; a data migration creates them (and keeps them up to date).

Each role lists ``app_label.model`` → the actions it may perform. Views check these permissions
(``crm.permissions``); a user without the right gets 403. Administrators get every permission; to reach
the Django admin a user also needs ``is_staff``.
"""

ALL = ("view", "add", "change", "delete")

ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    "Sales": {
        "contacts.contact": ALL,
        "contacts.contactbusinessrelation": ALL,
        "contacts.interactionlogentry": ("view", "add"),
        "partners.customer": ALL,
        "documents.salesheader": ALL,  # sales quotes, orders, blanket orders (lines go with their header)
        "partners.customertemplate": ("view",),
        "partners.salespersonpurchaser": ("view",),
        "partners.territory": ("view",),
    },
    "Purchasing": {
        "contacts.contact": ALL,
        "contacts.contactbusinessrelation": ALL,
        "contacts.interactionlogentry": ("view", "add"),
        "partners.vendor": ALL,
        "documents.purchaseheader": ALL,  # purchase quotes and orders
        "partners.vendortemplate": ("view",),
        "partners.salespersonpurchaser": ("view",),
        "partners.territory": ("view",),
    },
    "Finance": {
        "contacts.contact": ("view", "add", "change"),
        "contacts.contactbusinessrelation": ALL,
        "partners.bankaccount": ALL,
        "partners.salespersonpurchaser": ("view",),
        "partners.territory": ("view",),
    },
    # Runs the bulk jobs (create contacts from partners, link, check synchronization, find duplicates, CSV
    # imports) from the Jobs page, and sees the records they work on.
    "Operations": {
        "jobs.job": ("view", "add", "change"),
        "contacts.contact": ("view", "add", "change"),
        "contacts.contactbusinessrelation": ALL,
        "partners.customer": ("view", "add", "change"),
        "partners.vendor": ("view", "add", "change"),
        "partners.bankaccount": ("view", "add", "change"),
    },
    "Administrators": {},  # every permission of every app
}
ADMINISTRATORS = "Administrators"


def create_roles(apps, schema_editor=None):
    """Create (or update) the role groups. Usable from a migration (historical ``apps``) and from tests."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        stub = getattr(app_config, "models_module", None) is None  # historical stubs: create_permissions skips them
        if stub:
            app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        if stub:
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        if name == ADMINISTRATORS:
            group.permissions.set(Permission.objects.all())
            continue
        wanted = []
        for label, actions in grants.items():
            app_label, model = label.split(".")
            wanted += Permission.objects.filter(
                content_type__app_label=app_label, content_type__model=model,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        group.permissions.set(wanted)

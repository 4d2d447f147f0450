"""The demo logins: a superuser ``demo`` and, when the role groups exist, one user per role.

Idempotent: an existing login keeps its password (and is shown as changed when it no longer has
the demo password); the sales and purchasing users are attached to a free demo salesperson and
purchaser.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from partners.models import SalespersonPurchaser

ROLE_USERS = {"Sales": "sales", "Purchasing": "purchasing", "Finance": "finance", "Administrators": "administrator"}
SUPERUSER = "demo"
PASSWORD_CHANGED = "(changed since it was created; not shown)"


@dataclass(frozen=True)
class Login:
    username: str
    password: str  # the demo password, or PASSWORD_CHANGED
    role: str  # the role group's name, or "superuser"


def ensure_logins(password: str) -> list[Login]:
    """Create the demo superuser and, when the role groups exist, one user per role. Idempotent."""
    User = get_user_model()
    logins = []
    wanted = [(SUPERUSER, None)]
    for group in Group.objects.filter(name__in=ROLE_USERS).order_by("name"):
        wanted.append((ROLE_USERS[group.name], group))
    for username, group in wanted:
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.com", "first_name": username.title()}
        )
        if created:
            user.set_password(password)
        if group is None:
            user.is_staff = user.is_superuser = True
        elif group.name == "Administrators":
            user.is_staff = True
        user.save()
        if group is not None:
            user.groups.add(group)
        attach_salesperson(user, group)
        shown = password if created or user.check_password(password) else PASSWORD_CHANGED
        logins.append(Login(username, shown, group.name if group else "superuser"))
    return logins


def attach_salesperson(user, group) -> None:
    """The sales user is a salesperson, the purchasing user a purchaser (when the demo has them)."""
    if group is None or group.name not in ("Sales", "Purchasing"):
        return
    if SalespersonPurchaser.objects.filter(user=user).exists():
        return
    prefix = "SP" if group.name == "Sales" else "PU"
    free = SalespersonPurchaser.objects.filter(code__startswith=prefix, user__isnull=True)
    person = free.order_by("code").first()
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])

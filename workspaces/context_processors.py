from django.utils.functional import SimpleLazyObject

from .models import Membership
from .roles import FISCAL, MANAGE, SELL, may


class Can:
    """`{{ can.invoice_cancel }}`, `{{ can.sell }}`: the role table's answer for the
    request's role (an action's name or a kind of work)."""

    aliases = {"sell": SELL, "fiscal": FISCAL, "manage": MANAGE}

    def __init__(self, role):
        self.role = role

    def __getitem__(self, action):
        try:
            return may(self.role, self.aliases.get(action, action))
        except KeyError:
            return False

    __getattr__ = __getitem__


def workspace(request):
    role = getattr(request, "workspace_role", None)
    user = getattr(request, "user", None)

    def my_memberships():
        if user is None or not user.is_authenticated:
            return []
        return list(Membership.objects.active().filter(user=user)
                    .select_related("workspace").order_by("workspace__name"))

    return {
        "workspace": getattr(request, "workspace", None),
        "membership": getattr(request, "membership", None),
        "my_memberships": SimpleLazyObject(my_memberships),
        "can": Can(role),
    }

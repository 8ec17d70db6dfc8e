from django.utils.functional import SimpleLazyObject

from .models import Membership
from .roles import role_allows


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
        "can": {
            "sell": role_allows(role, "seller"),
            "fiscal": role_allows(role, "accountant"),
            "manage": role_allows(role, "admin"),
        },
    }

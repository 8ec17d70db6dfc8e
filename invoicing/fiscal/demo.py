"""Demo data (`manage.py seed_demo`): the NCF ranges DGII would have authorised to the demo
company, so its fiscal series issue at once. Idempotent: a series that already has a range
keeps it (and the numbers it issued)."""

from __future__ import annotations

from django.utils import timezone

from .models import DocumentSubtype
from .numbering import default_valid_until
from .selectors import max_issued_sequence
from .services import subtype_enter_range

DEMO_RANGES = [
    # NCF type, first, last: a small B01 range (business buyers), a larger B02 one
    # (consumers), credit and debit notes, and the government (the demo sells to MINERD)
    # and special-regime series: every series the demo offers can issue, so the dashboard
    # has no missing range to warn about.
    ("B01", 1, 500),
    ("B02", 1, 2000),
    ("B03", 1, 100),
    ("B04", 1, 200),
    ("B14", 1, 100),
    ("B15", 1, 300),
]


def seed(workspace, user) -> None:
    valid_until = default_valid_until(timezone.localdate())  # 31 December of next year
    for code, first, last in DEMO_RANGES:
        subtype = DocumentSubtype.objects.filter(workspace=workspace, ncf_type=code).first()
        if subtype is None or subtype.range_end is not None:
            continue
        issued = max_issued_sequence(workspace_id=workspace.pk, ncf_type=code, prefix="")
        subtype_enter_range(subtype=subtype, actor=user, range_start=max(first, issued + 1),
                            range_end=max(last, issued + last), valid_until=valid_until)

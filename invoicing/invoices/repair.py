"""Writing the stock movements of issued invoices whose task was lost, one invoice at a
time: an invoice that cannot be brought in line (say its sale would overflow a product's
stock) is reported and skipped, and the others are repaired all the same."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class StockRepairReport:
    invoices: int = 0
    movements: int = 0
    failures: dict[int, str] = field(default_factory=dict)  # invoice id -> why


def repair_stock() -> StockRepairReport:
    from .stock import invoice_stock_sync, invoices_with_stock_pending

    report = StockRepairReport()
    while pending := [pk for pk in invoices_with_stock_pending() if pk not in report.failures]:
        for pk in pending:
            try:
                report.movements += invoice_stock_sync(invoice_id=pk)
            except Exception as error:  # one invoice's fault must not stop the others
                message = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
                log.warning("Stock repair: invoice %s failed: %s", pk, message)
                report.failures[pk] = message
            else:
                report.invoices += 1
    return report

"""ITBIS for a month, the figures a business copies into its IT-1 (API.md "Reports"): taxed
base and ITBIS per rate, the exempt base, propina, ISC and other taxes of every fiscal sales
document and debit note of the month, and credit notes apart — those within 30 days of their
invoice reduce the ITBIS, those after 30 days are shown alone (their ITBIS is not deductible,
Reglamento 293-11). Built on the same rows as the 607, so both always agree."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from invoicing.core.money import ZERO, plain_number

from .documents import month_documents

RATES = ("18.00", "16.00", "0.00")


def itbis_report(workspace, period) -> dict:
    taxed, itbis = defaultdict(Decimal), defaultdict(Decimal)
    sums = dict.fromkeys(("exempt", "tip", "isc", "other"), ZERO)
    notes = {"within": {"base": ZERO, "itbis": ZERO, "count": 0},
             "over": {"base": ZERO, "itbis": ZERO, "count": 0}}
    count = 0
    for row in month_documents(workspace, period):
        if row["repeated"]:
            continue  # its ITBIS was declared in its own month
        if row["sign"] < 0:
            entry = notes["over" if row["over_30_days"] else "within"]
            entry["base"] += row["base"]
            entry["itbis"] += row["itbis"]
            entry["count"] += 1
            continue
        count += 1
        for rate, value in row["taxed_by_rate"].items():
            taxed[rate] += value
        for rate, value in row["itbis_by_rate"].items():
            itbis[rate] += value
        for key in sums:
            sums[key] += row[key]
    rates = [{"rate": rate, "taxed_base": taxed.get(rate, ZERO), "itbis": itbis.get(rate, ZERO)}
             for rate in sorted(set(RATES) | set(taxed), key=Decimal, reverse=True)]
    itbis_total = sum((entry["itbis"] for entry in rates), ZERO)
    taxed_total = sum((entry["taxed_base"] for entry in rates), ZERO)
    within, over = notes["within"], notes["over"]
    report = {
        "period": period.code, "count": count, "rates": rates,
        "taxed_base": taxed_total, "exempt_base": sums["exempt"],
        "sales_total": taxed_total + sums["exempt"], "itbis": itbis_total,
        "propina": sums["tip"], "isc": sums["isc"], "other_taxes": sums["other"],
        "credit_notes_within_30_days": within, "credit_notes_over_30_days": over,
        "itbis_net": itbis_total - within["itbis"],
    }
    report["lines"] = it1_lines(report)
    return report


def it1_lines(report: dict) -> list[dict]:
    """The report as the IT-1 reads: income, then ITBIS by rate, then what reduces it."""
    lines = [
        {"code": "II.1", "label": _("Total operations (taxed and exempt)"),
         "amount": report["sales_total"]},
        {"code": "II.2", "label": _("Exempt operations"), "amount": report["exempt_base"]},
    ]
    for index, entry in enumerate(report["rates"], start=3):
        lines.append({"code": f"II.{index}",
                      "label": _("Operations taxed at %(rate)s%%")
                      % {"rate": plain_number(entry["rate"])},
                      "amount": entry["taxed_base"]})
    for entry in report["rates"]:
        lines.append({"code": "III", "label": _("ITBIS charged at %(rate)s%%")
                      % {"rate": plain_number(entry["rate"])}, "amount": entry["itbis"]})
    lines += [
        {"code": "III.A", "label": _("ITBIS of credit notes within 30 days (deducted)"),
         "amount": -report["credit_notes_within_30_days"]["itbis"]},
        {"code": "III.T", "label": _("ITBIS charged, net"), "amount": report["itbis_net"]},
        {"code": "—", "label": _("ITBIS of credit notes over 30 days (not deductible)"),
         "amount": report["credit_notes_over_30_days"]["itbis"]},
        {"code": "—", "label": _("Propina legal"), "amount": report["propina"]},
        {"code": "—", "label": _("ISC"), "amount": report["isc"]},
        {"code": "—", "label": _("Other taxes"), "amount": report["other_taxes"]},
    ]
    return lines

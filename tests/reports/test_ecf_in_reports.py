"""e-CF in the reports (API.md "Electronic documents", DOMAIN.md "DGII web services"): only
documents of DGII's production environment (`ecf`) count; one issued in `testecf` or
`certecf` never does; a rejected e-CF has no fiscal validity (not in the 607, nor in the 608
once a reissue cancels it), and the document that replaces it is reported. Issued through
the API and sent to the fake DGII, which answers for real."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoicing.ecf import services
from tests.ecf.certs import PASSWORD, p12_for
from tests.ecf.issued import body, prepare_issuer
from tests.ecf.sending_helpers import settle
from tests.fakes.dgii_scenarios import Scenario
from tests.reports.parsing import parse

pytestmark = pytest.mark.django_db


def _issue(api, workspace) -> dict:
    _kind, data = body(workspace, "E31")
    response = api.post("/api/v1/invoices", data, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _environment(api, name: str) -> None:
    assert api.patch("/api/v1/ecf/settings", {"environment": name},
                     format="json").status_code == 200


def test_only_production_ecf_that_dgii_did_not_reject_are_reported(api, workspace, owner,
                                                                  fake_dgii, settings):
    settings.ECF_BACKOFF_SECONDS = (0.05,)
    prepare_issuer(workspace)
    services.ecf_certificate_install(workspace=workspace, actor=owner,
                                     p12_bytes=p12_for(workspace.rnc, workspace.name),
                                     password=PASSWORD)
    _environment(api, "testecf")
    in_test = _issue(api, workspace)
    _environment(api, "certecf")
    in_certification = _issue(api, workspace)
    _environment(api, "ecf")
    accepted = _issue(api, workspace)
    fake_dgii.set_scenario(Scenario.reject(), encf="E310000000004")
    rejected = _issue(api, workspace)
    assert rejected["document_number"] == "E310000000004"
    settle()
    assert api.get(f"/api/v1/invoices/{rejected['id']}").json()["ecf"]["status"] == "rejected"
    assert api.get(f"/api/v1/invoices/{accepted['id']}").json()["ecf"]["status"] == "accepted"
    assert api.get(f"/api/v1/invoices/{in_test['id']}").json()["ecf"]["environment"] == "testecf"

    code = accepted["issue_date"][:7].replace("-", "")

    def reported() -> list[str]:
        _head, rows = parse(api.get("/api/v1/reports/dgii-607", {"period": code}).content,
                            "607")
        return [row["ncf"] for row in rows]

    assert reported() == [accepted["document_number"]]
    summary = api.get("/api/v1/reports/dgii-607/summary", {"period": code}).json()
    assert summary["file"]["count"] == 1
    assert Decimal(summary["file"]["total"]) == Decimal(accepted["total_amount"])
    sales = api.get("/api/v1/reports/sales", {"date_from": accepted["issue_date"],
                                              "date_to": accepted["issue_date"]}).json()
    assert sales["totals"]["count"] == 1
    assert sales["totals"]["total_amount"] == accepted["total_amount"]
    aging = api.get("/api/v1/reports/receivables").json()
    assert aging["totals"]["total"] == accepted["total_amount"]
    itbis = api.get("/api/v1/reports/itbis", {"period": code}).json()
    # The E31's ITBIS alone: 2 × 15,000 × 18% + 12 × 85.50 × 16% + 3 × 650 × 18%.
    assert Decimal(itbis["itbis"]) == Decimal("5400.00") + Decimal("164.16") + Decimal("351.00")

    # The rejected one is issued again: the new document is reported, the rejected one is
    # cancelled but never was valid, so the 608 does not list it.
    again = api.post(f"/api/v1/invoices/{rejected['id']}/reissue")
    assert again.status_code == 201, again.content
    settle()
    assert sorted(reported()) == sorted([accepted["document_number"],
                                         again.json()["document_number"]])
    _head, voided = parse(api.get("/api/v1/reports/dgii-608", {"period": code}).content, "608")
    assert voided == []
    assert in_certification["document_number"] not in reported()

"""Existing workspaces get what new ones start with since issue 12 (fiscal migration 0003):
ITBIS 0%, the E series without a range, and their current range as the first entry of the
range history. Run here on a workspace made to look like one from before the migration."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps

from invoicing.fiscal.models import DocumentSubtype, NcfRange, Tax
from invoicing.fiscal.services import DEFAULT_FISCAL_SUBTYPES

pytestmark = pytest.mark.django_db

migration = importlib.import_module("invoicing.fiscal.migrations.0003_ecf_series_itbis_0_ranges")
E_SERIES = ["E31", "E32", "E33", "E34", "E44", "E45", "E46"]


def test_an_older_workspace_gets_the_new_defaults_and_its_range_history(workspace):
    DocumentSubtype.objects.filter(workspace=workspace, ncf_type__in=E_SERIES).delete()
    Tax.objects.filter(workspace=workspace, name="ITBIS 0%").delete()
    until = datetime.date(2027, 12, 31)
    DocumentSubtype.objects.filter(workspace=workspace, ncf_type="B01").update(
        range_start=1, next_number=40, range_end=500, valid_until=until)

    migration.provision(apps, None)
    migration.provision(apps, None)  # safe to run again

    zero = Tax.objects.get(workspace=workspace, name="ITBIS 0%")
    assert (zero.kind, zero.rate) == ("itbis", 0)
    series = {s.ncf_type: s for s in DocumentSubtype.objects.filter(
        workspace=workspace, ncf_type__in=E_SERIES)}
    assert sorted(series) == E_SERIES
    assert all(s.padding == 10 and s.range_end is None for s in series.values())
    assert {s.ncf_type: s.document_type for s in series.values()} == {
        code: kind for code, _name, kind in DEFAULT_FISCAL_SUBTYPES if code in E_SERIES}
    [history] = NcfRange.objects.filter(subtype__workspace=workspace)
    assert (history.subtype.ncf_type, history.range_start, history.range_end,
            history.valid_until) == ("B01", 1, 500, until)


def test_the_migration_and_new_workspaces_agree():
    assert [code for code, _n, _k in migration.E_SERIES] == E_SERIES
    assert {(code, kind) for code, _n, kind in migration.E_SERIES} <= {
        (code, kind) for code, _n, kind in DEFAULT_FISCAL_SUBTYPES}

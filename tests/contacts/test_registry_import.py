"""`manage.py import_dgii_rnc`: DGII's registry from the TXT or its ZIP (Windows-1252, 11
fields), upserted, with what was skipped and why (tests/contacts/data/README.md)."""

from __future__ import annotations

import datetime
import json
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from invoicing.contacts import registry
from invoicing.contacts.models import RncImport, RncRegistryEntry
from invoicing.contacts.services import rnc_registry_import

SAMPLE = Path(__file__).resolve().parent / "data" / "DGII_RNC.TXT"

pytestmark = pytest.mark.django_db


def zipped(tmp_path: Path, member: str = "TMP/DGII_RNC.TXT", source: Path = SAMPLE) -> Path:
    archive = tmp_path / "DGII_RNC.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as out:
        out.write(source, arcname=member)
    return archive


@pytest.fixture(params=["txt", "zip"])
def sample(request, tmp_path) -> Path:
    return SAMPLE if request.param == "txt" else zipped(tmp_path)


def run_command(path: Path, *args: str) -> dict:
    out = StringIO()
    call_command("import_dgii_rnc", str(path), "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_sample_is_windows_1252_with_accents():
    raw = SAMPLE.read_bytes()
    assert "BISONÓ".encode("cp1252") in raw and b"\r\n" in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_import_reads_accents_dates_and_statuses(sample):
    counts = run_command(sample)
    bisono = RncRegistryEntry.objects.get(pk="131246796")
    assert bisono.name == "CONSTRUCTORA BISONÓ, SRL"
    assert bisono.trade_name == "BISONÓ CONSTRUCCIONES"
    assert bisono.activity == "CONSTRUCCIÓN DE EDIFICIOS"
    assert bisono.started_on == datetime.date(2006, 3, 14)
    assert (bisono.status, bisono.payment_regime, bisono.is_active) == ("ACTIVO", "NORMAL", True)
    juan = RncRegistryEntry.objects.get(pk="00113918205")  # a cédula
    assert juan.name == "JUAN PÉREZ RODRÍGUEZ" and juan.status == "DADO DE BAJA"
    assert not juan.is_active
    # An id written with dashes is stored as digits; stdnum's whitelist lets it in.
    ochoa = RncRegistryEntry.objects.get(pk="101581601")
    assert ochoa.status == "SUSPENDIDO" and ochoa.trade_name == "FERRETERÍA OCHOA"
    assert counts["read"] == 7  # the blank line is not a line of the registry
    assert counts["created"] == 4 and counts["updated"] == 0


def test_a_repeated_id_takes_its_last_line_and_00_00_0000_is_no_date(sample):
    counts = run_command(sample)
    farmacia = RncRegistryEntry.objects.get(pk="101850043")
    assert farmacia.name == "FARMACIA LOS HIDALGOS DEL ESTE, SRL"  # the later of its 2 lines
    assert farmacia.started_on == datetime.date(1989, 8, 2)
    assert counts["skipped"]["repeated"] == 1
    assert registry.parse_date("00/00/0000") is None
    assert registry.parse_date("31/02/2020") is None


def test_malformed_lines_and_invalid_ids_are_skipped_and_counted(sample):
    counts = run_command(sample)
    assert counts["skipped"] == {"wrong_field_count": 1, "invalid_id": 1, "missing_name": 0,
                                 "repeated": 1}
    assert not RncRegistryEntry.objects.filter(pk__in=["401506254", "123456789"]).exists()
    assert RncRegistryEntry.objects.count() == 4
    assert counts["read"] == counts["created"] + counts["updated"] + sum(
        counts["skipped"].values())


def test_a_repeat_in_a_later_batch_also_takes_the_last_line():
    run = rnc_registry_import(path=SAMPLE, batch_size=1)
    assert RncRegistryEntry.objects.get(pk="101850043").name.endswith("DEL ESTE, SRL")
    assert run.counts["skipped"]["repeated"] == 1
    assert (run.counts["created"], run.counts["updated"]) == (4, 0)


def test_importing_again_updates_and_keeps_what_the_new_file_lacks(tmp_path):
    run_command(SAMPLE)
    RncRegistryEntry.objects.create(tax_id="401506254", name="HOTEL VIEJO", status="ACTIVO")
    changed = tmp_path / "DGII_RNC.TXT"
    changed.write_bytes(SAMPLE.read_bytes().replace(b"|14/03/2006|ACTIVO|",
                                                    b"|14/03/2006|SUSPENDIDO|"))
    counts = run_command(changed)
    assert (counts["created"], counts["updated"], counts["stale"]) == (0, 4, 1)
    assert RncRegistryEntry.objects.get(pk="131246796").status == "SUSPENDIDO"
    assert RncRegistryEntry.objects.filter(pk="401506254").exists()

    pruned = run_command(changed, "--prune")
    assert pruned["deleted"] == 1
    assert not RncRegistryEntry.objects.filter(pk="401506254").exists()


def test_the_zip_member_may_have_another_name_when_it_is_the_only_text(tmp_path):
    counts = run_command(zipped(tmp_path, member="registro.txt"))
    assert counts["created"] == 4


def test_a_file_that_is_not_the_registry_changes_nothing(tmp_path):
    run_command(SAMPLE)
    page = tmp_path / "DGII_RNC.zip"
    page.write_text("<html><body>Servicio no disponible</body></html>\n")
    with pytest.raises(CommandError, match="No line of this file is a taxpayer"):
        call_command("import_dgii_rnc", str(page), stdout=StringIO())
    assert RncRegistryEntry.objects.count() == 4
    assert RncImport.objects.count() == 1

    empty_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(empty_zip, "w") as out:
        out.writestr("a.csv", "x")
        out.writestr("b.csv", "y")
    with pytest.raises(CommandError, match=r"DGII_RNC\.TXT"):
        call_command("import_dgii_rnc", str(empty_zip), stdout=StringIO())
    with pytest.raises(CommandError, match="is not a file"):
        call_command("import_dgii_rnc", str(tmp_path / "missing.zip"), stdout=StringIO())


def test_the_command_reports_in_sentences():
    out = StringIO()
    call_command("import_dgii_rnc", str(SAMPLE), stdout=out)
    text = out.getvalue()
    assert "Read 7 lines from DGII_RNC.TXT: 4 taxpayers imported (4 new, 0 updated)." in text
    assert "1 with a number of fields other than 11" in text
    assert "1 whose RNC/cédula is not valid" in text
    assert "1 repeated" in text and "the last wins" in text
    run = RncImport.objects.get()
    assert run.finished_at is not None and run.counts["created"] == 4


def test_undefined_windows_1252_bytes_do_not_stop_the_import(tmp_path):
    odd = tmp_path / "DGII_RNC.TXT"
    odd.write_bytes(b"131246796|CAF\x81 RARO, SRL||||||||ACTIVO|NORMAL\r\n")
    run_command(odd)
    assert RncRegistryEntry.objects.get(pk="131246796").name == "CAF\ufffd RARO, SRL"

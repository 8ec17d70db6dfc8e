from invoicing.contacts import demo
from invoicing.contacts.identity import is_valid_cedula, is_valid_rnc
from invoicing.contacts.models import Contact


def test_demo_contacts_are_valid_and_seeding_twice_adds_nothing(workspace, owner):
    demo.seed(workspace, owner)
    contacts = list(Contact.objects.filter(workspace=workspace))
    assert len(contacts) == len(demo.CONTACTS) >= 12
    for contact in contacts:
        if contact.tax_id_type == "rnc":
            assert is_valid_rnc(contact.tax_id), contact
        elif contact.tax_id_type == "cedula":
            assert is_valid_cedula(contact.tax_id), contact
    kinds = {contact.kind for contact in contacts}
    assert kinds == {"customer", "supplier", "both"}
    assert any(c.tax_id_type == "none" and "Consumidor final" in c.name for c in contacts)
    demo.seed(workspace, owner)
    assert Contact.objects.filter(workspace=workspace).count() == len(contacts)


def test_the_demo_registry_is_invented_windows_1252_and_never_overwrites_a_real_one(
        workspace, owner, tmp_path):
    from invoicing.contacts.models import RncImport, RncRegistryEntry
    from invoicing.contacts.registry import open_registry, parse_line
    from invoicing.contacts.services import rnc_registry_import

    raw = demo.REGISTRY_FILE.read_bytes()
    assert "Ñ".encode("cp1252") in raw and b"\r\n" in raw
    with open_registry(demo.REGISTRY_FILE) as text:
        lines = [parse_line(line) for line in text]
    assert 20 <= len(lines) <= 60 and all(not isinstance(line, str) for line in lines)
    assert {line.status for line in lines} > {"ACTIVO", "SUSPENDIDO"}
    # Every demo contact with an RNC or cédula is in it, so the form fills its name.
    listed = {line.tax_id for line in lines}
    assert {c[3] for c in demo.CONTACTS if c[2] in ("rnc", "cedula")} <= listed

    demo.seed(workspace, owner)
    assert RncRegistryEntry.objects.count() == len(lines)
    assert RncRegistryEntry.objects.get(pk="101581601").status == "SUSPENDIDO"

    real = tmp_path / "DGII_RNC.TXT"
    real.write_bytes("101581601|FERRETERÍA OCHOA, SA||||||||ACTIVO|NORMAL\r\n".encode("cp1252"))
    rnc_registry_import(path=real, source="DGII_RNC.zip")
    demo.seed(workspace, owner)
    assert RncRegistryEntry.objects.get(pk="101581601").status == "ACTIVO"
    assert RncImport.objects.filter(source=demo.REGISTRY_SOURCE).count() == 1

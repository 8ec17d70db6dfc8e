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

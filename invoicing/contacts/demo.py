"""Demo contacts: Dominican customers and suppliers (`manage.py seed_demo`), and a small
RNC registry invented for the demo (`demo_data/DGII_RNC.TXT`). Idempotent: a contact is
added only when none of that name exists in the workspace."""

from __future__ import annotations

from pathlib import Path

from .models import Contact, ContactKind, RncImport, TaxIdType
from .services import contact_create, rnc_registry_import

REGISTRY_FILE = Path(__file__).resolve().parent / "demo_data" / "DGII_RNC.TXT"
REGISTRY_SOURCE = "demo_data/DGII_RNC.TXT"

CONTACTS = [
    # name, kind, id type, id, email, phone, address, payment terms (days)
    ("Constructora Bisonó SRL", ContactKind.CUSTOMER, TaxIdType.RNC, "131246796",
     "compras@bisono.com.do", "809-562-1010",
     "Av. 27 de Febrero 495, Ensanche Quisqueya, Santo Domingo", 30),
    ("Farmacia Los Hidalgos SRL", ContactKind.CUSTOMER, TaxIdType.RNC, "101850043",
     "cuentas@loshidalgos.do", "809-541-2222",
     "Av. Máximo Gómez 56, Gazcue, Santo Domingo", 15),
    ("Hotel Playa Dorada Resort", ContactKind.CUSTOMER, TaxIdType.RNC, "401506254",
     "contabilidad@playadorada.do", "809-320-3988",
     "Complejo Turístico Playa Dorada, Puerto Plata", 45),
    ("Ferretería Ochoa SA", ContactKind.BOTH, TaxIdType.RNC, "101581601",
     "ventas@ferreteriaochoa.com.do", "809-582-4121",
     "Calle del Sol 102, Santiago de los Caballeros", 30),
    ("Distribuidora del Cibao SRL", ContactKind.SUPPLIER, TaxIdType.RNC, "101595422",
     "facturas@discibao.do", "809-575-8800",
     "Autopista Duarte km 3½, Santiago de los Caballeros", 30),
    ("Juan Pérez Rodríguez", ContactKind.CUSTOMER, TaxIdType.CEDULA, "00113918205",
     "juan.perez@gmail.com", "829-555-0142", "Calle Las Mercedes 12, Zona Colonial", None),
    ("María Altagracia Fernández", ContactKind.CUSTOMER, TaxIdType.CEDULA, "22400022111",
     "maria.fernandez@hotmail.com", "849-555-0177", "Av. España 210, Boca Chica", None),
    ("Consumidor final", ContactKind.CUSTOMER, TaxIdType.NONE, "", "", "", "", None),
    ("Colmado La Esquina", ContactKind.CUSTOMER, TaxIdType.NONE, "", "",
     "809-555-0199", "Calle Duarte 45, San Cristóbal", None),
    ("Café Santo Domingo SRL", ContactKind.SUPPLIER, TaxIdType.RNC, "101582245",
     "pedidos@cafesantodomingo.do", "809-533-4040",
     "Av. John F. Kennedy km 6, Santo Domingo", 15),
    ("Ministerio de Educación (MINERD)", ContactKind.CUSTOMER, TaxIdType.RNC, "401007374",
     "compras@minerd.gob.do", "809-688-9700",
     "Av. Máximo Gómez esq. Santiago, Gazcue, Santo Domingo", 60),
    ("John Smith (turista)", ContactKind.CUSTOMER, TaxIdType.PASSPORT, "P12345678",
     "jsmith@example.com", "", "Bávaro, Punta Cana", None),
]


def seed(workspace, user) -> None:
    seed_registry()
    existing = set(Contact.objects.filter(workspace=workspace).values_list("name", flat=True))
    for name, kind, id_type, tax_id, email, phone, address, terms in CONTACTS:
        if name in existing:
            continue
        contact_create(workspace=workspace, actor=user, name=name, kind=kind,
                       tax_id_type=id_type, tax_id=tax_id, email=email, phone=phone,
                       address=address, payment_terms_days=terms)


def seed_registry() -> None:
    """The demo registry, unless a real one was imported (it must not overwrite DGII's)."""
    if RncImport.objects.exclude(source=REGISTRY_SOURCE).exists():
        return
    rnc_registry_import(path=REGISTRY_FILE, source=REGISTRY_SOURCE)

"""Demo products (`manage.py seed_demo`): services without stock, goods with an opening
purchase, ITBIS 18%, ITBIS 16% foods, exempt staples and a restaurant item with propina
legal. Idempotent: products are keyed by SKU, and each opening purchase by its source key."""

from __future__ import annotations

from decimal import Decimal

from invoicing.fiscal.models import Tax, TaxKind

from .models import MovementKind, Product
from .services import product_create
from .stock import stock_movement_record

# sku, name, unit, price, cost, taxes, opening stock (None: no inventory)
PRODUCTS = [
    ("SRV-CONS-HR", "Consultoría contable (hora)", "hora", "2500.00", "0.00", ["itbis18"], None),
    ("SRV-MANT-PC", "Mantenimiento de computadoras", "servicio", "1800.00", "0.00",
     ["itbis18"], None),
    ("SRV-INST-RED", "Instalación de red local", "servicio", "12500.00", "4000.00",
     ["itbis18"], None),
    ("SRV-TRANS", "Transporte y entrega en Santo Domingo", "viaje", "950.00", "400.00",
     ["itbis18"], None),
    ("FER-CEM-42", "Cemento gris Cibao 42.5 kg", "funda", "495.00", "410.00", ["itbis18"], 200),
    ("FER-VAR-38", "Varilla corrugada 3/8\" x 20'", "unidad", "310.00", "255.00",
     ["itbis18"], 500),
    ("FER-PINT-GAL", "Pintura acrílica blanca (galón)", "galón", "1150.00", "820.00",
     ["itbis18"], 40),
    ("TEC-LAP-14", "Laptop 14\" Core i5 16 GB", "unidad", "42500.00", "35000.00",
     ["itbis18"], 6),
    ("TEC-TONER-85", "Tóner HP 85A", "unidad", "3200.00", "2300.00", ["itbis18"], 2),
    ("ALI-CAFE-454", "Café Santo Domingo 454 g", "paquete", "385.00", "300.00",
     ["itbis16"], 120),
    ("ALI-YOG-1L", "Yogur natural 1 L", "unidad", "210.00", "150.00", ["itbis16"], 48),
    ("ALI-ARROZ-10", "Arroz selecto 10 lb", "saco", "375.00", "320.00", ["exempt"], 80),
    ("ALI-HUEVOS-30", "Huevos (cartón de 30)", "cartón", "290.00", "240.00", ["exempt"], 0),
    ("MED-ACET-500", "Acetaminofén 500 mg (caja 100)", "caja", "450.00", "310.00",
     ["exempt"], 25),
    ("RES-BANDERA", "Plato del día: la bandera dominicana", "plato", "450.00", "180.00",
     ["itbis18", "tip"], None),
]


def _taxes(workspace) -> dict[str, Tax]:
    taxes = list(Tax.objects.filter(workspace=workspace, is_active=True))

    def first(kind, rate=None):
        return next((t for t in taxes if t.kind == kind
                     and (rate is None or t.rate == Decimal(rate))), None)

    found = {"itbis18": first(TaxKind.ITBIS, "18"), "itbis16": first(TaxKind.ITBIS, "16"),
             "exempt": first(TaxKind.EXEMPT), "tip": first(TaxKind.TIP)}
    return {key: tax for key, tax in found.items() if tax is not None}


def seed(workspace, user) -> None:
    taxes = _taxes(workspace)
    existing = {p.sku: p for p in Product.objects.filter(workspace=workspace)}
    for sku, name, unit, price, cost, tax_keys, opening in PRODUCTS:
        product = existing.get(sku)
        if product is None:
            product = product_create(
                workspace=workspace, actor=user, sku=sku, name=name, unit=unit,
                unit_price=Decimal(price), cost=Decimal(cost),
                taxes=[taxes[key] for key in tax_keys if key in taxes],
                tracks_inventory=opening is not None,
            )
        if opening:
            # Exactly-once by source key: running the seed again adds nothing.
            stock_movement_record(
                workspace=workspace, product=product, quantity=Decimal(opening),
                kind=MovementKind.PURCHASE, note="Inventario inicial", actor=user,
                source_key=f"demo:opening:{sku}",
            )
    eggs = Product.objects.filter(workspace=workspace, sku="ALI-HUEVOS-30").first()
    if eggs is not None and eggs.tracks_inventory:
        # Breakage booked before the next delivery: negative stock, shown in red.
        stock_movement_record(
            workspace=workspace, product=eggs, quantity=Decimal("-3"),
            kind=MovementKind.ADJUSTMENT, note="Cartones rotos en el almacén", actor=user,
            source_key="demo:breakage:ALI-HUEVOS-30",
        )

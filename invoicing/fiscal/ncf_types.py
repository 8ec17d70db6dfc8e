"""DGII fiscal receipt types (DOMAIN.md): their names and whether the buyer must be
identified. B-series sequences have 8 digits, E-series (e-CF) 10."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Purchase-side types (B code and its e-CF twin) and the e-CF types without a sequence expiry.
PURCHASE_CODES = frozenset({"11", "13", "17", "41", "43", "47"})
NO_EXPIRY_CODES = frozenset({"E32", "E34"})


@dataclass(frozen=True)
class NcfType:
    code: str  # "B01", "E31"
    name: str
    document_type: str  # the kind of document this type numbers
    buyer_id: str  # "always", "threshold" (B02/E32 from RD$250,000), "never", "invoice"

    @property
    def series(self) -> str:
        return self.code[0]

    @property
    def sequence_digits(self) -> int:
        return 8 if self.series == "B" else 10

    @property
    def is_sales(self) -> bool:
        """Whether a business issues it for what it sells. B11/E41, B13/E43 and B17/E47 are
        issued by the buyer for its own purchases (DOMAIN.md): known, so NCFs of those types
        validate, but never offered as sales series."""
        return self.code[1:] not in PURCHASE_CODES

    @property
    def has_expiry(self) -> bool:
        """Whether its ranges expire: E32 and E34 carry no FechaVencimientoSecuencia
        (DOMAIN.md, e-CF `IdDoc`), so their authorised ranges have no `valid_until`."""
        return self.code not in NO_EXPIRY_CODES


_TYPES = [
    ("01", _("Factura de Crédito Fiscal"), "invoice", "always"),
    ("02", _("Factura de Consumo"), "invoice", "threshold"),
    ("03", _("Nota de Débito"), "debit_note", "invoice"),  # follows the original
    ("04", _("Nota de Crédito"), "credit_note", "invoice"),
    ("11", _("Comprobante de Compras"), "invoice", "always"),
    ("12", _("Registro Único de Ingresos"), "invoice", "never"),
    ("13", _("Comprobante para Gastos Menores"), "invoice", "never"),
    ("14", _("Comprobante para Regímenes Especiales"), "invoice", "always"),
    ("15", _("Comprobante Gubernamental"), "invoice", "always"),
    ("16", _("Comprobante para Exportaciones"), "invoice", "always"),
    ("17", _("Comprobante para Pagos al Exterior"), "invoice", "never"),
]
# e-CF codes are the B code + 30: E31 ≡ B01 … E47 ≡ B17 (no E42 for B12).
_E_CODES = {"01": "31", "02": "32", "03": "33", "04": "34", "11": "41", "13": "43", "14": "44",
            "15": "45", "16": "46", "17": "47"}

NCF_TYPES: dict[str, NcfType] = {}
for _code, _name, _doc, _buyer in _TYPES:
    NCF_TYPES["B" + _code] = NcfType("B" + _code, _name, _doc, _buyer)
    if _code in _E_CODES:
        NCF_TYPES["E" + _E_CODES[_code]] = NcfType("E" + _E_CODES[_code], _name, _doc, _buyer)

NCF_TYPE_CHOICES = [(code, f"{code} – {t.name}") for code, t in sorted(NCF_TYPES.items())]
# The purchase-side types by code, for querysets that leave them out of sales series.
PURCHASE_NCF_TYPES = frozenset(code for code, t in NCF_TYPES.items() if not t.is_sales)
# What a workspace may number its own documents with (the settings form offers these).
SALES_NCF_TYPE_CHOICES = [(code, label) for code, label in NCF_TYPE_CHOICES
                          if NCF_TYPES[code].is_sales]


def ncf_type(code: str | None) -> NcfType | None:
    return NCF_TYPES.get(code or "")

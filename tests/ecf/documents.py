"""Small, schema-valid unsigned documents for the DGII client and fake DGII tests.

Test data only: the product builds its documents in `invoicing/ecf/`; these exist so the
transport can be tested on its own.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree


def _el(parent, tag, text=None):
    child = etree.SubElement(parent, tag)
    if text is not None:
        child.text = str(text)
    return child


def ecf(*, rnc: str = "131246796", encf: str = "E310000000001", total: Decimal = Decimal("118.00"),
        buyer_rnc: str = "101850043") -> bytes:
    """An E31 (or E32 when `encf` starts with E32) with one line taxed at 18%."""
    kind = encf[1:3]
    base = (total / Decimal("1.18")).quantize(Decimal("0.01"))
    itbis = total - base
    root = etree.Element("ECF")
    header = _el(root, "Encabezado")
    _el(header, "Version", "1.0")
    id_doc = _el(header, "IdDoc")
    _el(id_doc, "TipoeCF", kind)
    _el(id_doc, "eNCF", encf)
    if kind not in ("32", "34"):
        _el(id_doc, "FechaVencimientoSecuencia", "31-12-2030")
    _el(id_doc, "TipoIngresos", "01")
    _el(id_doc, "TipoPago", "1")
    issuer = _el(header, "Emisor")
    _el(issuer, "RNCEmisor", rnc)
    _el(issuer, "RazonSocialEmisor", "Acme SRL")
    _el(issuer, "DireccionEmisor", "Calle Primera 1, Santo Domingo")
    _el(issuer, "FechaEmision", "01-10-2026")
    buyer = _el(header, "Comprador")
    if buyer_rnc:
        _el(buyer, "RNCComprador", buyer_rnc)
        _el(buyer, "RazonSocialComprador", "Cliente SRL")
    totals = _el(header, "Totales")
    _el(totals, "MontoGravadoTotal", base)
    _el(totals, "MontoGravadoI1", base)
    _el(totals, "ITBIS1", "18")
    _el(totals, "TotalITBIS", itbis)
    _el(totals, "TotalITBIS1", itbis)
    _el(totals, "MontoTotal", total)
    items = _el(root, "DetallesItems")
    item = _el(items, "Item")
    _el(item, "NumeroLinea", "1")
    _el(item, "IndicadorFacturacion", "1")
    _el(item, "NombreItem", "Servicio")
    _el(item, "IndicadorBienoServicio", "2")
    _el(item, "CantidadItem", "1")
    _el(item, "PrecioUnitarioItem", base)
    _el(item, "MontoItem", base)
    _el(root, "FechaHoraFirma", "01-10-2026 10:00:00")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def rfce(*, rnc: str = "131246796", encf: str = "E320000000001", total: Decimal = Decimal("118.00"),
         security_code: str = "ABC123") -> bytes:
    base = (total / Decimal("1.18")).quantize(Decimal("0.01"))
    itbis = total - base
    root = etree.Element("RFCE")
    header = _el(root, "Encabezado")
    _el(header, "Version", "1.0")
    id_doc = _el(header, "IdDoc")
    _el(id_doc, "TipoeCF", "32")
    _el(id_doc, "eNCF", encf)
    _el(id_doc, "TipoIngresos", "01")
    _el(id_doc, "TipoPago", "1")
    issuer = _el(header, "Emisor")
    _el(issuer, "RNCEmisor", rnc)
    _el(issuer, "RazonSocialEmisor", "Acme SRL")
    _el(issuer, "FechaEmision", "01-10-2026")
    _el(header, "Comprador")
    totals = _el(header, "Totales")
    _el(totals, "MontoGravadoTotal", base)
    _el(totals, "MontoGravadoI1", base)
    _el(totals, "TotalITBIS", itbis)
    _el(totals, "TotalITBIS1", itbis)
    _el(totals, "MontoTotal", total)
    _el(header, "CodigoSeguridadeCF", security_code)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def anecf(*, rnc: str = "131246796", kind: str = "31",
          ranges: tuple[tuple[str, str], ...] = (("E310000000005", "E310000000007"),)) -> bytes:
    def count(first, last):
        return int(last[3:]) - int(first[3:]) + 1

    total = sum(count(first, last) for first, last in ranges)
    root = etree.Element("ANECF")
    header = _el(root, "Encabezado")
    _el(header, "Version", "1.0")
    _el(header, "RncEmisor", rnc)
    _el(header, "CantidadeNCFAnulados", total)
    _el(header, "FechaHoraAnulacioneNCF", "01-10-2026 10:00:00")
    detail = _el(root, "DetalleAnulacion")
    line = _el(detail, "Anulacion")
    _el(line, "NoLinea", "1")
    _el(line, "TipoeCF", kind)
    table = _el(line, "TablaRangoSecuenciasAnuladaseNCF")
    for first, last in ranges:
        seq = _el(table, "Secuencias")
        _el(seq, "SecuenciaeNCFDesde", first)
        _el(seq, "SecuenciaeNCFHasta", last)
    _el(line, "CantidadeNCFAnulados", total)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

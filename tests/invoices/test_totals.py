"""The pure totals module: hand-checked cases and Hypothesis properties."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invoicing.documents import totals

D = Decimal
ITBIS18 = totals.TaxInput(id=1, name="ITBIS 18%", kind="itbis", rate=D("18"))
ITBIS16 = totals.TaxInput(id=2, name="ITBIS 16%", kind="itbis", rate=D("16"))
EXEMPT = totals.TaxInput(id=3, name="Exento", kind="exempt", rate=D("0"))
TIP = totals.TaxInput(id=4, name="Propina legal 10%", kind="tip", rate=D("10"))
ISC = totals.TaxInput(id=5, name="ISC 7.5%", kind="isc", rate=D("7.5"))


def test_each_line_rounds_half_up_on_its_own():
    # 0.125 per line: rounded per line (0.13 × 2 = 0.26), not on the sum (0.25).
    line = totals.LineInput(quantity=D("1"), unit_price=D("0.125"))
    result = totals.compute_totals([line, line])
    assert [item.subtotal for item in result.lines] == [D("0.13"), D("0.13")]
    assert result.subtotal == D("0.26")


def test_half_up_not_half_even():
    line = totals.compute_line(totals.LineInput(quantity=D("1"), unit_price=D("10.00"),
                                                taxes=[totals.TaxInput(1, "x", "other",
                                                                       D("0.25"))]))
    assert line.tax_amount == D("0.03")  # 0.025 → 0.03 (half-even would give 0.02)


def test_breakdown_per_rate_and_exempt():
    result = totals.compute_totals([
        totals.LineInput(quantity=D("2"), unit_price=D("100"), taxes=[ITBIS18, TIP]),
        totals.LineInput(quantity=D("1"), unit_price=D("50"), taxes=[ITBIS16]),
        totals.LineInput(quantity=D("1"), unit_price=D("30"), taxes=[EXEMPT]),
        totals.LineInput(quantity=D("1"), unit_price=D("20")),
    ])
    rows = {(row.kind, row.rate): (row.base, row.amount) for row in result.breakdown}
    assert rows[("itbis", D("18"))] == (D("200.00"), D("36.00"))
    assert rows[("itbis", D("16"))] == (D("50.00"), D("8.00"))
    assert rows[("tip", D("10"))] == (D("200.00"), D("20.00"))
    assert result.exempt_amount == D("50.00")
    assert result.itbis_amount == D("44.00")
    assert result.total == D("364.00")


@pytest.mark.parametrize("line, field", [
    (totals.LineInput(quantity=D("0"), unit_price=D("1")), "quantity"),
    (totals.LineInput(quantity=D("1"), unit_price=D("-1")), "unit_price"),
    (totals.LineInput(quantity=D("1"), unit_price=D("10"), discount=D("10.01")), "discount"),
    (totals.LineInput(quantity=D("1"), unit_price=D("10"), discount=D("101"),
                      discount_type="percentage"), "discount"),
    (totals.LineInput(quantity=D("1"), unit_price=D("10"), discount=D("-1")), "discount"),
    (totals.LineInput(quantity=D("1"), unit_price=D("10"), discount_type="gift"),
     "discount_type"),
])
def test_line_errors_name_the_field(line, field):
    with pytest.raises(totals.LineError) as error:
        totals.compute_line(line)
    assert error.value.field == field


money = st.decimals(min_value=D("0"), max_value=D("99999.99"), places=2)
quantities = st.decimals(min_value=D("0.0001"), max_value=D("9999"), places=4)
tax_sets = st.sampled_from([(), (ITBIS18,), (ITBIS16,), (EXEMPT,), (ITBIS18, TIP),
                            (ITBIS18, ISC, TIP), (ISC,)])


@st.composite
def lines(draw):
    quantity, price = draw(quantities), draw(money)
    gross = (quantity * price).quantize(D("0.01"))
    if draw(st.booleans()):
        discount, kind = draw(st.decimals(min_value=0, max_value=100, places=2)), "percentage"
    else:
        discount = draw(st.decimals(min_value=0, max_value=gross, places=2)) if gross else D(0)
        kind = "amount"
    return totals.LineInput(quantity=quantity, unit_price=price, discount=discount,
                            discount_type=kind, taxes=draw(tax_sets))


@settings(max_examples=300, deadline=None)
@given(st.lists(lines(), min_size=1, max_size=12))
def test_properties(items):
    result = totals.compute_totals(items)
    cent = D("0.01")
    figures = [result.subtotal, result.discount, result.tax, result.total,
               result.exempt_amount]
    for line in result.lines:
        figures += [line.subtotal, line.discount_amount, line.net, line.tax_amount, line.total]
        figures += [tax.amount for tax in line.taxes]
        # A discount never exceeds its line.
        assert D(0) <= line.discount_amount <= line.subtotal
        assert line.total == line.net + line.tax_amount
        assert line.tax_amount == sum((t.amount for t in line.taxes), D(0))
    # Every figure is quantized to 2 decimals.
    assert all(value == value.quantize(cent) for value in figures)
    # The document figures are the sums of the line figures.
    assert result.subtotal == sum(line.subtotal for line in result.lines)
    assert result.discount == sum(line.discount_amount for line in result.lines)
    assert result.tax == sum(line.tax_amount for line in result.lines)
    # total = subtotal − discount + tax, and the breakdown adds up to the tax.
    assert result.total == result.subtotal - result.discount + result.tax
    assert sum((row.amount for row in result.breakdown), D(0)) == result.tax

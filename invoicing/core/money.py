"""Decimal rounding rules (DOMAIN.md "Money"). Never float, never round() (it is half-even)."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
QUANTITY_STEP = Decimal("0.0001")
RATE_STEP = Decimal("0.0001")
ZERO = Decimal("0.00")


def to_decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money is never a float; pass a Decimal or a string")
    return value if isinstance(value, Decimal) else Decimal(value)


def quantize_money(value: Decimal | int | str) -> Decimal:
    """Round half-up to 2 decimals: how every stored amount is rounded."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def quantize_quantity(value: Decimal | int | str) -> Decimal:
    return to_decimal(value).quantize(QUANTITY_STEP, rounding=ROUND_HALF_UP)


def quantize_rate(value: Decimal | int | str) -> Decimal:
    return to_decimal(value).quantize(RATE_STEP, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal, symbol: str = "RD$") -> str:
    """`RD$1,234.56`; negative amounts as `-RD$1,234.56`."""
    amount = quantize_money(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(amount):,.2f}"


def plain_number(value: Decimal | int | str) -> str:
    """`10`, `2.5`, `0.3333`: a quantity as people write it, never `1E+1`."""
    text = format(to_decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"

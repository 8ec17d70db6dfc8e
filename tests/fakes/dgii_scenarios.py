"""How the fake DGII answers (scenarios) and what it counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

ACCEPT, ACCEPT_CONDITIONAL, REJECT = "accept", "accept_conditional", "reject"
FOREVER = -1

# (codigo, estado) as DGII writes them
STATES = {
    ACCEPT: (1, "Aceptado"),
    ACCEPT_CONDITIONAL: (4, "Aceptado Condicional"),
    REJECT: (2, "Rechazado"),
}
IN_PROCESS = (3, "En Proceso")
NOT_FOUND = (0, "No encontrado")


@dataclass(frozen=True)
class Scenario:
    """DGII's behaviour for a document. Build one with the class methods; `then=` chains a
    delay or a fault before a verdict, e.g. `Scenario.in_process(2, then=Scenario.reject())`.
    """

    verdict: str = ACCEPT
    sequence_used: bool = True
    messages: tuple[tuple[str, str], ...] = ()  # (codigo, valor)
    polls_in_process: int = 0  # status polls answered "En Proceso" before the verdict
    hang_after_receipt: bool = False  # the first reception is recorded, then never answered
    server_errors: int = 0  # 500s (nothing received) before DGII takes it; FOREVER for always

    @classmethod
    def accept(cls) -> Scenario:
        return cls()

    @classmethod
    def accept_conditional(cls, messages: tuple[tuple[str, str], ...] = (
            ("1385", "El campo RNCComprador del área Comprador de la sección Encabezado no es "
                     "válido."),)) -> Scenario:
        return cls(verdict=ACCEPT_CONDITIONAL, messages=messages)

    @classmethod
    def reject(cls, *, sequence_used: bool = True, messages: tuple[tuple[str, str], ...] = (
            ("64", "El valor del campo MontoTotal no corresponde a la suma de los montos."),),
    ) -> Scenario:
        return cls(verdict=REJECT, sequence_used=sequence_used, messages=messages)

    @classmethod
    def in_process(cls, polls: int, *, then: Scenario | None = None) -> Scenario:
        return replace(then or cls(), polls_in_process=polls)

    @classmethod
    def timeout_after_receipt(cls, *, then: Scenario | None = None) -> Scenario:
        return replace(then or cls(), hang_after_receipt=True)

    @classmethod
    def server_error(cls, times: int | None = 1, *, then: Scenario | None = None) -> Scenario:
        return replace(then or cls(), server_errors=FOREVER if times is None else times)


@dataclass
class Received:
    """One document the fake DGII took (an e-CF reception, an RFCE or an ANECF)."""

    kind: str  # "ecf" | "rfce" | "anecf"
    environment: str
    rnc: str
    encf: str
    filename: str
    xml: bytes
    errors: list[str]
    verdict: str = ACCEPT
    sequence_used: bool = True
    messages: tuple[tuple[str, str], ...] = ()
    track_id: str = ""
    security_code: str = ""
    polls_left: int = 0
    received_at: str = ""

    @property
    def state(self) -> tuple[int, str]:
        return IN_PROCESS if self.polls_left > 0 else STATES[self.verdict]

    @property
    def uses_number(self) -> bool:
        """Whether DGII now counts the e-NCF as used (it can no longer be voided)."""
        return self.verdict != REJECT or self.sequence_used


@dataclass
class Counts:
    """Everything the fake DGII saw. Counters are keyed as their comments say."""

    seeds: int = 0
    tokens: Counter = field(default_factory=Counter)  # by certificate holder (serial number)
    unauthorized: int = 0  # requests answered 401
    receptions: Counter = field(default_factory=Counter)  # e-CF taken (trackId issued), by e-NCF
    status_polls: Counter = field(default_factory=Counter)  # by trackId
    track_id_queries: Counter = field(default_factory=Counter)  # by e-NCF
    rfces: Counter = field(default_factory=Counter)  # RFCE taken, by e-NCF
    rfce_queries: Counter = field(default_factory=Counter)  # by e-NCF
    anecfs: int = 0  # ANECF received
    anecfs_valid: int = 0  # ANECF that passed every check and voided its numbers
    refused: Counter = field(default_factory=Counter)  # 4xx other than 401, by endpoint
    server_errors: Counter = field(default_factory=Counter)  # 500s answered, by endpoint

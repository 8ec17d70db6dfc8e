"""A fake DGII on loopback: the e-CF web services of DOMAIN.md, "DGII web services".

`ecf_url` and `fc_url` stand for https://ecf.dgii.gov.do and https://fc.dgii.gov.do (paths
`/ecf/{env}/…` and `/fc/{env}/…`, matched case-insensitively as DGII's are). It checks what
it receives as DGII does (tests/fakes/dgii_checks.py, plus the seed it handed out, the Bearer
token it issued and the file name), answers by scenario (tests/fakes/dgii_scenarios.py) and
counts everything (`counts`, `received`).

    fake_dgii.set_scenario(Scenario.reject(sequence_used=False), encf="E310000000001")
    fake_dgii.set_scenario(Scenario.in_process(2))          # every other document
    with fake_dgii.down(): ...                               # connection refused meanwhile
    assert fake_dgii.counts.receptions["E310000000001"] == 1
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
import secrets
import threading
import time
import uuid
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.fakes.dgii_checks import check
from tests.fakes.dgii_http import Answer, Server, messages, stamp, upload
from tests.fakes.dgii_scenarios import FOREVER, NOT_FOUND, REJECT, Counts, Received, Scenario

ENVIRONMENTS = ("testecf", "certecf", "ecf")
RFCE_LIMIT = Decimal("250000")
ROUTES = {
    ("ecf", "GET", "autenticacion/api/autenticacion/semilla"): "seed",
    ("ecf", "POST", "autenticacion/api/autenticacion/validarsemilla"): "token",
    ("ecf", "POST", "recepcion/api/facturaselectronicas"): "reception",
    ("ecf", "GET", "consultaresultado/api/consultas/estado"): "status",
    ("ecf", "GET", "consultatrackids/api/trackids/consulta"): "track_ids",
    ("fc", "POST", "recepcionfc/api/recepcion/ecf"): "rfce",
    ("fc", "GET", "consultarfce/api/consultas/consulta"): "rfce_status",
    ("ecf", "POST", "anulacionrangos/api/operaciones/anularrango"): "void",
}


class FakeDgii:
    def __init__(self, *, token_ttl: float = 3600, seed_ttl: float = 120,
                 hang_seconds: float = 5.0) -> None:
        self.token_ttl, self.seed_ttl, self.hang_seconds = token_ttl, seed_ttl, hang_seconds
        self.delays: tuple[float, float] | None = None  # random answer delay (seconds)
        self.random = random.Random(15)
        self.counts = Counts()
        self.received: list[Received] = []
        self.voided: set[tuple[str, str]] = set()  # (rnc, e-NCF)
        self.port = 0
        self._lock = threading.RLock()
        self._default = Scenario.accept()
        self._scenarios: dict[str, Scenario] = {}
        self._errors_served: dict[str, int] = {}
        self._failures: dict[str, list[int]] = {}
        self._seeds: dict[str, tuple[str, float]] = {}  # valor -> (env, issued)
        self._tokens: dict[str, tuple[str, str, float]] = {}  # token -> (env, holder, expires)
        self._stopping = threading.Event()
        self._server: Server | None = None

    # --- control from a test -----------------------------------------------------------------

    @property
    def ecf_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/ecf"

    @property
    def fc_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/fc"

    def set_scenario(self, scenario: Scenario, *, encf: str | None = None) -> None:
        """For one e-NCF, or (without `encf`) for every document without its own."""
        with self._lock:
            if encf is None:
                self._default = scenario
            else:
                self._scenarios[encf] = scenario

    def fail(self, endpoint: str, status: int = 500, times: int = 1) -> None:
        """Answer the next `times` calls to an endpoint (a ROUTES name) with `status`."""
        with self._lock:
            self._failures.setdefault(endpoint, []).extend([status] * times)

    def revoke_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def receptions_of(self, encf: str, kind: str = "ecf") -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.encf == encf and r.kind == kind]

    def start(self) -> None:
        self._stopping.clear()
        server = Server(("127.0.0.1", self.port), self.handle)
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers that hang after a receipt
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @contextlib.contextmanager
    def down(self):
        """DGII unreachable (connection refused) inside the block; same port afterwards."""
        self.stop()
        try:
            yield self
        finally:
            self.start()

    # --- dispatch ----------------------------------------------------------------------------

    def handle(self, method: str, raw_path: str, headers, body: bytes) -> tuple[int, str, bytes]:
        if self.delays:
            time.sleep(self.random.uniform(*self.delays))
        url = urlsplit(raw_path)
        parts = url.path.strip("/").split("/", 2)
        if len(parts) < 3 or parts[1].lower() not in ENVIRONMENTS:
            return 404, "application/json", b"{}"
        host, env, rest = parts[0].lower(), parts[1].lower(), parts[2].lower().rstrip("/")
        endpoint = ROUTES.get((host, method, rest))
        if endpoint is None:
            return 404, "application/json", b"{}"
        query = {key.lower(): value for key, value in parse_qsl(url.query)}
        try:
            with self._lock:
                failures = self._failures.get(endpoint)
                if failures:
                    raise Answer(failures.pop(0), {"error": "Falla simulada"})
            if endpoint not in ("seed", "token"):
                self._authorize(env, headers.get("Authorization", ""))
            result = getattr(self, f"_{endpoint}")(env, query, headers, body)
        except Answer as answer:
            with self._lock:
                if answer.status == 401:
                    self.counts.unauthorized += 1
                elif answer.status >= 500:
                    self.counts.server_errors[endpoint] += 1
                elif answer.status >= 400:
                    self.counts.refused[endpoint] += 1
            payload = b"" if answer.body is None else json.dumps(answer.body).encode()
            return answer.status, "application/json", payload
        if isinstance(result, bytes):
            return 200, "application/xml; charset=utf-8", result
        return 200, "application/json; charset=utf-8", json.dumps(result).encode()

    def _authorize(self, env: str, header: str) -> None:
        scheme, _, value = header.partition(" ")
        with self._lock:
            issued = self._tokens.get(value.strip()) if scheme.lower() == "bearer" else None
            if issued is None or issued[0] != env or issued[2] < time.time():
                raise Answer(401)

    def _scenario_for(self, encf: str) -> Scenario:
        with self._lock:
            return self._scenarios.get(encf, self._default)

    def _server_error_due(self, encf: str, scenario: Scenario) -> bool:
        with self._lock:
            served = self._errors_served.get(encf, 0)
            if scenario.server_errors == FOREVER or served < scenario.server_errors:
                self._errors_served[encf] = served + 1
                return True
            return False

    def _hang(self) -> None:
        self._stopping.wait(self.hang_seconds)

    # --- authentication ------------------------------------------------------------------------

    def _seed(self, env, query, headers, body) -> bytes:
        value = secrets.token_urlsafe(48)
        now = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=-4)))
        with self._lock:
            self._seeds[value] = (env, time.time())
            self.counts.seeds += 1
        return (
            '<?xml version="1.0" encoding="utf-8"?><SemillaModel xmlns:xsi="http://www.w3.org/'
            '2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><valor>'
            f"{value}</valor><fecha>{now.isoformat()}</fecha></SemillaModel>"
        ).encode()

    def _token(self, env, query, headers, body) -> dict:
        _filename, document = upload(headers, body)
        checked = check(document, expected_root=("SemillaModel",))
        value = checked.text("valor")
        with self._lock:
            seed = self._seeds.pop(value, None) if checked.ok else None
            if not checked.ok or seed is None or seed[0] != env:
                errors = checked.errors or ["La semilla no fue emitida por este servicio o ya "
                                            "fue utilizada"]
                raise Answer(400, {"error": "; ".join(errors)})
            if seed[1] + self.seed_ttl < time.time():
                raise Answer(400, {"error": "La semilla ha expirado"})
            token = secrets.token_hex(32)
            now = time.time()
            self._tokens[token] = (env, checked.holder_id, now + self.token_ttl)
            self.counts.tokens[checked.holder_id] += 1

        def iso(seconds):
            return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

        return {"token": token, "expira": iso(now + self.token_ttl), "expedido": iso(now)}

    # --- e-CF ----------------------------------------------------------------------------------

    def _take(self, env, headers, body, *, kind: str, root: str) -> tuple[Received, Scenario]:
        """The checks every reception shares; then records what was received (deciding its
        verdict under the lock, so two receptions of one e-NCF never both pass)."""
        filename, document = upload(headers, body)
        checked = check(document, expected_root=(root,))
        if checked.root is None or checked.root.tag != root:
            raise Answer(400, {"trackId": None, "error": "; ".join(checked.errors),
                               "mensaje": None})
        rnc = checked.text("Encabezado/Emisor/RNCEmisor")
        encf = checked.text("Encabezado/IdDoc/eNCF")
        if filename != f"{rnc}{encf}.xml":
            raise Answer(400, {"trackId": None, "mensaje": None, "error":
                               f"El nombre del archivo {filename!r} no corresponde a RNCEmisor "
                               "más eNCF"})
        try:
            total = Decimal(checked.text("Encabezado/Totales/MontoTotal") or "0")
        except InvalidOperation:
            total = Decimal(0)
        if kind == "ecf" and encf.startswith("E32") and checked.ok and total < RFCE_LIMIT:
            raise Answer(400, {"trackId": None, "mensaje": None, "error":
                               "Las facturas de consumo menores a RD$250,000.00 se envían "
                               "como resumen (RFCE)"})
        scenario = self._scenario_for(encf)
        if self._server_error_due(encf, scenario):
            raise Answer(500, {"trackId": None, "error": "Error interno", "mensaje": None})
        received = Received(kind=kind, environment=env, rnc=rnc, encf=encf, filename=filename,
                            xml=document, errors=checked.errors,
                            received_at=stamp(dt.datetime.now()),
                            security_code=checked.text("Encabezado/CodigoSeguridadeCF"),
                            track_id=str(uuid.uuid4()) if kind == "ecf" else "")
        with self._lock:
            first = not any(r.encf == encf and r.kind == kind for r in self.received)
            self._decide(received, scenario, total)
            self.received.append(received)
            (self.counts.receptions if kind == "ecf" else self.counts.rfces)[encf] += 1
        if scenario.hang_after_receipt and first:
            self._hang()
        return received, scenario

    def _decide(self, received: Received, scenario: Scenario, total: Decimal) -> None:
        earlier = [r for r in self.received
                   if r.encf == received.encf and r.rnc == received.rnc and r.uses_number]
        if received.errors:
            # DGII's list of rejections that leave the number free: certificate or signature
            # invalid, XML structure invalid, …
            received.verdict, received.sequence_used = REJECT, False
            received.messages = tuple(("0", error) for error in received.errors)
        elif earlier or (received.rnc, received.encf) in self.voided:
            received.verdict, received.sequence_used = REJECT, True
            received.messages = (("2", f"El eNCF {received.encf} ya fue utilizado"),)
        elif received.kind == "rfce" and total >= RFCE_LIMIT:
            received.verdict, received.sequence_used = REJECT, False
            received.messages = (("3", "Un resumen solo corresponde a montos menores a "
                                       "RD$250,000.00"),)
        else:
            received.verdict, received.sequence_used = scenario.verdict, scenario.sequence_used
            received.messages = scenario.messages
            received.polls_left = scenario.polls_in_process if received.kind == "ecf" else 0

    def _reception(self, env, query, headers, body) -> dict:
        received, _scenario = self._take(env, headers, body, kind="ecf", root="ECF")
        return {"trackId": received.track_id, "error": None, "mensaje": None}

    def _status(self, env, query, headers, body) -> dict:
        track_id = query.get("trackid", "")
        with self._lock:
            self.counts.status_polls[track_id] += 1
            found = next((r for r in self.received if r.track_id == track_id
                          and r.environment == env), None)
            if found is None:
                code, state = NOT_FOUND
                return {"trackId": track_id, "codigo": str(code), "estado": state,
                        "mensajes": []}
            code, state = found.state
            if found.polls_left > 0:
                found.polls_left -= 1
            final = code != 3
        return {
            "trackId": track_id, "codigo": str(code), "estado": state, "rnc": found.rnc,
            "eNCF": found.encf, "secuenciaUtilizada": found.sequence_used if final else True,
            "fechaRecepcion": found.received_at,
            "mensajes": messages(found.messages) if final else [],
        }

    def _track_ids(self, env, query, headers, body) -> list:
        encf = query.get("encf", "")
        with self._lock:
            self.counts.track_id_queries[encf] += 1
            return [{"trackId": r.track_id, "estado": r.state[1], "fechaRecepcion": r.received_at}
                    for r in self.received if r.kind == "ecf" and r.environment == env
                    and r.rnc == query.get("rncemisor") and r.encf == encf]

    # --- consumer invoices under RD$250,000 ----------------------------------------------------

    def _rfce(self, env, query, headers, body) -> dict:
        received, _scenario = self._take(env, headers, body, kind="rfce", root="RFCE")
        return self._rfce_answer(received, code_type=str)

    def _rfce_answer(self, received: Received, code_type=str) -> dict:
        code, state = received.state
        return {"codigo": code, "estado": state, "encf": received.encf, "rnc": received.rnc,
                "secuenciaUtilizada": received.sequence_used,
                "mensajes": messages(received.messages, code_type)}

    def _rfce_status(self, env, query, headers, body) -> dict:
        encf = query.get("encf", "")
        with self._lock:
            self.counts.rfce_queries[encf] += 1
            found = [r for r in self.received if r.kind == "rfce" and r.environment == env
                     and r.rnc == query.get("rnc_emisor") and r.encf == encf
                     and r.security_code == query.get("cod_seguridad_ecf")]
        if not found:
            code, state = NOT_FOUND
            return {"codigo": code, "estado": state, "encf": encf,
                    "rnc": query.get("rnc_emisor", ""), "mensajes": []}
        return self._rfce_answer(found[-1], code_type=int)

    # --- unused numbers ------------------------------------------------------------------------

    def _void(self, env, query, headers, body) -> dict:
        _filename, document = upload(headers, body)
        with self._lock:
            self.counts.anecfs += 1
        checked = check(document, expected_root=("ANECF",))
        rnc = checked.text("Encabezado/RncEmisor")
        errors = list(checked.errors)
        numbers = []
        if checked.root is not None and not errors:
            for seq in checked.root.iterfind("DetalleAnulacion/Anulacion/"
                                             "TablaRangoSecuenciasAnuladaseNCF/Secuencias"):
                first, last = seq.findtext("SecuenciaeNCFDesde"), seq.findtext("SecuenciaeNCFHasta")
                if first[:3] != last[:3] or int(first[3:]) > int(last[3:]):
                    errors.append(f"Rango inválido {first}-{last}")
                    continue
                numbers += [f"{first[:3]}{n:010d}"
                            for n in range(int(first[3:]), int(last[3:]) + 1)]
            if str(len(numbers)) != checked.text("Encabezado/CantidadeNCFAnulados"):
                errors.append("CantidadeNCFAnulados no corresponde a los rangos")
        with self._lock:
            used = sorted({r.encf for r in self.received if r.rnc == rnc and r.uses_number}
                          & set(numbers))
            if used:
                errors.append(f"Secuencias ya utilizadas: {', '.join(used)}")
            if errors:
                raise Answer(400, {"rnc": rnc, "codigo": "2", "nombre": "Rechazado",
                                   "mensajes": errors})
            self.voided |= {(rnc, number) for number in numbers}
            self.counts.anecfs_valid += 1
            self.received.append(Received(kind="anecf", environment=env, rnc=rnc, encf="",
                                          filename=_filename, xml=document, errors=[]))
        return {"rnc": rnc, "codigo": "1", "nombre": "Aceptado",
                "mensajes": [f"{len(numbers)} secuencias anuladas"]}


@pytest.fixture
def fake_dgii(settings):
    """A running fake DGII; settings point the product's client at it."""
    fake = FakeDgii()
    fake.start()
    settings.DGII_ECF_URL = fake.ecf_url
    settings.DGII_FC_URL = fake.fc_url
    settings.DGII_TIMEOUT = (2.0, 3.0)
    settings.ECF_SEND_TO_DGII = True
    try:
        yield fake
    finally:
        fake.stop()

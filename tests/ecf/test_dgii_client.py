"""The DGII client against the fake DGII: every endpoint, every scenario, the shared token."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import socket
import threading
import time
from decimal import Decimal

import pytest
import requests
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from invoicing.ecf.dgii import (
    DgiiClient,
    DgiiOutcomeUnknown,
    DgiiRejected,
    DgiiUnavailable,
    ecf_filename,
)
from invoicing.ecf.dgii_answers import Code, Token
from invoicing.ecf.dgii_tokens import TokenStore
from invoicing.ecf.pipeline import build_and_sign
from tests.ecf import dgii_documents as documents
from tests.ecf import documents as samples
from tests.ecf.signing_helpers import make_certificate, seed_signer, signer
from tests.fakes.dgii_scenarios import Scenario

RNC = "131246796"
OTHER_RNC = "101850043"
ENCF = "E310000000001"


@pytest.fixture(scope="module")
def certificates():
    return {RNC: make_certificate(RNC), OTHER_RNC: make_certificate(OTHER_RNC)}


@pytest.fixture
def make_client(fake_dgii, certificates):
    clients = []

    def make(workspace_id=1, environment="testecf", rnc=RNC, **kwargs):
        client = DgiiClient(workspace_id=workspace_id, environment=environment,
                            sign=seed_signer(certificates[rnc]), **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client):
    return make_client()


@pytest.fixture
def sign(certificates):
    return signer(certificates[RNC])


def send(client, sign, encf=ENCF, **kwargs) -> str:
    return client.send_ecf(ecf_filename(RNC, encf), sign(documents.ecf(encf=encf, **kwargs)))


# --- the token ----------------------------------------------------------------------------------

def test_the_token_comes_from_a_signed_seed(client, fake_dgii):
    token = client.token()
    assert token.value and token.expires_at > token.issued_at
    assert fake_dgii.counts.seeds == 1 and fake_dgii.counts.tokens == {RNC: 1}


def test_the_token_is_fetched_once_for_many_calls(client, sign, fake_dgii):
    for n in range(1, 4):
        send(client, sign, encf=f"E31000000000{n}")
    assert fake_dgii.counts.tokens[RNC] == 1


def test_two_clients_of_one_workspace_share_the_token(make_client, sign, fake_dgii):
    send(make_client(), sign, encf="E310000000001")
    send(make_client(), sign, encf="E310000000002")
    assert fake_dgii.counts.tokens[RNC] == 1


def test_each_workspace_and_environment_has_its_own_token(make_client, fake_dgii):
    make_client(workspace_id=1).token()
    make_client(workspace_id=1, environment="certecf").token()
    make_client(workspace_id=2, rnc=OTHER_RNC).token()
    make_client(workspace_id=1).token()
    assert fake_dgii.counts.tokens == {RNC: 2, OTHER_RNC: 1}


def test_threads_racing_for_the_token_fetch_it_once(make_client, fake_dgii):
    fake_dgii.delays = (0.05, 0.2)  # widen the window in which a second fetch would start
    clients = [make_client() for _ in range(6)]
    barrier = threading.Barrier(len(clients))
    values = []

    def run(client):
        barrier.wait()
        values.append(client.token().value)

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert len(values) == 6 and len(set(values)) == 1
    assert fake_dgii.counts.tokens[RNC] == 1 and fake_dgii.counts.seeds == 1


def _token_in_child(sign, barrier, queue):
    client = DgiiClient(workspace_id=7, environment="testecf", sign=sign)
    barrier.wait(10)
    queue.put(client.token().value)


def test_processes_racing_for_the_token_fetch_it_once(certificates, fake_dgii):
    if not isinstance(caches["default"], RedisCache):
        pytest.skip("sharing between processes needs the Redis cache (make test sets REDIS_URL)")
    fake_dgii.delays = (0.05, 0.2)
    context = multiprocessing.get_context("fork")
    barrier, queue = context.Barrier(4), context.Queue()
    children = [context.Process(target=_token_in_child,
                                args=(seed_signer(certificates[RNC]), barrier, queue))
                for _ in range(4)]
    for child in children:
        child.start()
    values = {queue.get(timeout=30) for _ in children}
    for child in children:
        child.join(10)
    assert len(values) == 1
    assert fake_dgii.counts.tokens[RNC] == 1


def test_a_401_fetches_a_new_token_and_retries_once(client, sign, fake_dgii):
    first = client.token()
    fake_dgii.revoke_tokens()
    track_id = send(client, sign)
    assert track_id and client.token().value != first.value
    assert fake_dgii.counts.unauthorized == 1 and fake_dgii.counts.tokens[RNC] == 2
    assert fake_dgii.counts.receptions[ENCF] == 1


def test_a_second_401_is_a_refusal_not_a_loop(client, sign, fake_dgii):
    fake_dgii.fail("reception", status=401, times=2)
    with pytest.raises(DgiiRejected) as refused:
        send(client, sign)
    assert refused.value.status_code == 401
    assert fake_dgii.counts.tokens[RNC] == 2 and not fake_dgii.counts.receptions


def test_an_expired_token_is_replaced_before_it_is_used(client, fake_dgii):
    fake_dgii.token_ttl = 3.0
    first = client.token()
    assert client.token() == first
    time.sleep(3.0)
    assert client.token().value != first.value
    assert fake_dgii.counts.tokens[RNC] == 2 and fake_dgii.counts.unauthorized == 0


def test_a_refused_seed_signature_is_a_refusal(make_client, fake_dgii, certificates):
    def bad_sign(xml):
        return signer(certificates[RNC])(xml).replace(b"<valor>", b"<valor>x", 1)

    client = DgiiClient(workspace_id=1, environment="testecf", sign=bad_sign)
    with pytest.raises(DgiiRejected) as refused:
        client.token()
    assert refused.value.status_code == 400 and "Firma" in refused.value.messages[0].text


# --- reception and status -------------------------------------------------------------------------

def test_an_accepted_ecf(client, sign):
    verdict = client.status(send(client, sign))
    assert (verdict.code, verdict.state, verdict.encf, verdict.rnc) == (
        Code.ACCEPTED, "Aceptado", ENCF, RNC)
    assert verdict.is_final and verdict.is_accepted and verdict.sequence_used is True


def test_an_ecf_accepted_with_conditions_carries_dgii_messages(client, sign, fake_dgii):
    fake_dgii.set_scenario(Scenario.accept_conditional(), encf=ENCF)
    verdict = client.status(send(client, sign))
    assert verdict.code is Code.ACCEPTED_CONDITIONAL and verdict.is_accepted
    assert verdict.messages[0].code == "1385" and "RNCComprador" in verdict.messages[0].text


@pytest.mark.parametrize("sequence_used", [True, False])
def test_a_rejected_ecf_says_whether_its_number_was_used(client, sign, fake_dgii, sequence_used):
    fake_dgii.set_scenario(Scenario.reject(sequence_used=sequence_used), encf=ENCF)
    verdict = client.status(send(client, sign))
    assert verdict.code is Code.REJECTED and not verdict.is_accepted
    assert verdict.sequence_used is sequence_used and verdict.messages


def test_in_process_until_the_verdict(client, sign, fake_dgii):
    fake_dgii.set_scenario(Scenario.in_process(2, then=Scenario.accept_conditional()))
    track_id = send(client, sign)
    codes = [client.status(track_id).code for _ in range(3)]
    assert codes == [Code.IN_PROCESS, Code.IN_PROCESS, Code.ACCEPTED_CONDITIONAL]


def test_an_unknown_track_id_is_not_found(client):
    verdict = client.status("00000000-0000-0000-0000-000000000000")
    assert verdict.code is Code.NOT_FOUND and not verdict.is_final


def test_a_document_dgii_finds_invalid_is_rejected_with_its_number_free(client, sign):
    unsigned = documents.ecf()
    verdict = client.status(client.send_ecf(ecf_filename(RNC, ENCF), unsigned))
    assert verdict.code is Code.REJECTED and verdict.sequence_used is False


def test_a_wrong_file_name_is_refused_at_reception(client, sign, fake_dgii):
    with pytest.raises(DgiiRejected) as refused:
        client.send_ecf("factura.xml", sign(documents.ecf()))
    assert refused.value.status_code == 400
    assert "nombre del archivo" in refused.value.messages[0].text
    assert not fake_dgii.counts.receptions


def test_a_time_out_after_reception_is_an_unknown_outcome_that_track_ids_resolves(
        make_client, sign, fake_dgii):
    patient = make_client()  # the token and the follow-up queries: no rush
    patient.token()
    client = make_client(timeout=(2.0, 1.0))  # shares the cached token
    fake_dgii.hang_seconds = 3.0
    fake_dgii.set_scenario(Scenario.timeout_after_receipt(), encf=ENCF)
    with pytest.raises(DgiiOutcomeUnknown):
        send(client, sign)
    entries = patient.track_ids(RNC, ENCF)
    assert len(entries) == 1 and entries[0].code is Code.ACCEPTED
    assert patient.status(entries[0].track_id).is_accepted
    assert fake_dgii.counts.receptions[ENCF] == 1


def test_track_ids_of_a_number_dgii_never_saw_is_empty(client):
    assert client.track_ids(RNC, "E310000000099") == []


def test_a_500_is_unavailable_and_nothing_was_received(client, sign, fake_dgii):
    fake_dgii.set_scenario(Scenario.server_error(times=1), encf=ENCF)
    with pytest.raises(DgiiUnavailable) as unavailable:
        send(client, sign)
    assert unavailable.value.status_code == 500
    assert client.track_ids(RNC, ENCF) == []
    assert client.status(send(client, sign)).is_accepted
    assert fake_dgii.counts.receptions[ENCF] == 1


def test_dgii_down_is_unavailable_even_for_a_reception(client, sign, fake_dgii):
    client.token()
    with fake_dgii.down():
        with pytest.raises(DgiiUnavailable):
            send(client, sign)
        with pytest.raises(DgiiUnavailable):
            client.status("x")
    assert client.status(send(client, sign)).is_accepted


@pytest.fixture
def hang_up_server():
    """A server that reads each request and closes the connection without answering."""
    listener = socket.create_server(("127.0.0.1", 0))
    seen = []

    def serve():
        while True:
            try:
                connection, _address = listener.accept()
            except OSError:
                return
            with connection:
                seen.append(connection.recv(65536))

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", seen
    listener.close()


def test_a_connection_lost_after_sending_is_an_unknown_outcome(hang_up_server, sign, certificates):
    base, seen = hang_up_server
    client = DgiiClient(workspace_id=3, environment="testecf", sign=seed_signer(certificates[RNC]),
                        ecf_url=base, fc_url=base, timeout=(1.0, 1.0))
    now = dt.datetime.now(dt.UTC)
    TokenStore(3, "testecf", lock_seconds=1).write(
        Token(value="vigente", issued_at=now, expires_at=now + dt.timedelta(hours=1)))
    with pytest.raises(DgiiOutcomeUnknown):
        send(client, sign)
    with pytest.raises(DgiiOutcomeUnknown):
        send_rfce(client, sign)
    with pytest.raises(DgiiUnavailable):
        client.status("x")
    assert len(seen) == 3 and b"Bearer vigente" in seen[0]


def test_a_slow_answer_to_a_query_is_unavailable(make_client, fake_dgii):
    make_client().token()  # fetched without a rush; the quick client shares it
    client = make_client(timeout=(2.0, 0.5))
    fake_dgii.delays = (1.5, 1.5)
    with pytest.raises(DgiiUnavailable):
        client.status("x")


def test_a_redirect_is_not_followed(client, sign, fake_dgii):
    fake_dgii.fail("status", status=302)
    with pytest.raises(DgiiUnavailable) as unavailable:
        client.status("x")
    assert unavailable.value.status_code == 302


def test_a_consumer_invoice_from_250k_goes_as_an_ecf(client, sign):
    encf = "E320000000001"
    signed = sign(documents.ecf(encf=encf, total=Decimal("250000.00")))
    assert client.status(client.send_ecf(ecf_filename(RNC, encf), signed)).is_accepted


SAMPLES = {
    "E31": samples.e31, "E31 en USD": samples.e31_usd, "E32 desde RD$250,000": samples.e32_over,
    "E33": samples.e33, "E34": lambda: samples.e34(code=3, days=10), "E44": samples.e44,
    "E45": samples.e45, "E46": samples.e46,
}


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_e_type_built_by_the_product_is_accepted(name, client, certificates,
                                                              fake_dgii):
    signed = build_and_sign(SAMPLES[name](), credentials=certificates[RNC],
                            environment="testecf")
    assert signed.summary_xml is None
    verdict = client.status(client.send_ecf(signed.file_name, signed.xml))
    assert verdict.code is Code.ACCEPTED, fake_dgii.received[-1].errors


def test_a_consumer_invoice_under_250k_built_by_the_product_goes_as_its_rfce(
        client, certificates, fake_dgii):
    signed = build_and_sign(samples.e32_under(), credentials=certificates[RNC],
                            environment="testecf")
    verdict = client.send_rfce(signed.file_name, signed.summary_xml)
    assert verdict.code is Code.ACCEPTED, fake_dgii.received[-1].errors
    assert client.rfce_status(RNC, verdict.encf, signed.security_code).is_accepted
    with pytest.raises(DgiiRejected):  # the full e-CF is not DGII's to receive
        client.send_ecf(signed.file_name, signed.xml)


# --- consumer summaries ---------------------------------------------------------------------------

def send_rfce(client, sign, encf="E320000000001", code="ABC123"):
    return client.send_rfce(ecf_filename(RNC, encf),
                            sign(documents.rfce(encf=encf, security_code=code)))


def test_an_rfce_is_answered_at_once(client, sign, fake_dgii):
    verdict = send_rfce(client, sign)
    assert (verdict.code, verdict.encf, verdict.sequence_used) == (Code.ACCEPTED,
                                                                   "E320000000001", True)
    assert fake_dgii.counts.rfces["E320000000001"] == 1 and not fake_dgii.counts.receptions


def test_a_rejected_rfce_carries_dgii_messages(client, sign, fake_dgii):
    fake_dgii.set_scenario(Scenario.reject(sequence_used=False), encf="E320000000001")
    verdict = send_rfce(client, sign)
    assert verdict.code is Code.REJECTED and verdict.sequence_used is False
    assert verdict.messages[0].code == "64"


def test_an_rfce_whose_answer_was_lost_is_found_by_its_security_code(make_client, sign,
                                                                        fake_dgii):
    client = make_client(timeout=(1.0, 1.0))
    client.token()
    fake_dgii.hang_seconds = 2.5
    fake_dgii.set_scenario(Scenario.timeout_after_receipt(), encf="E320000000001")
    with pytest.raises(DgiiOutcomeUnknown):
        send_rfce(client, sign)
    assert client.rfce_status(RNC, "E320000000001", "ABC123").is_accepted
    assert client.rfce_status(RNC, "E320000000001", "ZZZ999").code is Code.NOT_FOUND
    assert fake_dgii.counts.rfces["E320000000001"] == 1


# --- voiding unused numbers -----------------------------------------------------------------------

def test_unused_numbers_are_voided(client, sign, fake_dgii):
    answer = client.void_range(sign(documents.anecf()))
    assert (answer.rnc, answer.code) == (RNC, "1")
    assert fake_dgii.counts.anecfs_valid == 1 and (RNC, "E310000000006") in fake_dgii.voided


def test_a_received_number_cannot_be_voided(client, sign, fake_dgii):
    send(client, sign, encf="E310000000006")
    with pytest.raises(DgiiRejected) as refused:
        client.void_range(sign(documents.anecf()))
    assert "E310000000006" in refused.value.messages[0].text
    assert fake_dgii.counts.anecfs == 1 and fake_dgii.counts.anecfs_valid == 0


def test_a_voided_number_sent_later_is_rejected_as_used(client, sign):
    client.void_range(sign(documents.anecf()))
    verdict = client.status(send(client, sign, encf="E310000000005"))
    assert verdict.code is Code.REJECTED and verdict.sequence_used is True


def test_every_call_uses_the_session_without_redirects(fake_dgii, certificates):
    calls = []

    class Recording(requests.Session):
        def request(self, method, url, **kwargs):
            calls.append((method, kwargs.get("allow_redirects"), kwargs.get("timeout")))
            return super().request(method, url, **kwargs)

    client = DgiiClient(workspace_id=1, environment="testecf",
                        sign=seed_signer(certificates[RNC]), session=Recording(),
                        timeout=(1.5, 2.5))
    client.track_ids(RNC, ENCF)
    assert calls == [("GET", False, (1.5, 2.5)), ("POST", False, (1.5, 2.5)),
                     ("GET", False, (1.5, 2.5))]


# --- a workspace's client -------------------------------------------------------------------------

def install_certificate(workspace, owner, credentials):
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    from invoicing.ecf.services import ecf_certificate_install

    p12 = pkcs12.serialize_key_and_certificates(
        b"prueba", credentials.private_key, credentials.certificate, None,
        BestAvailableEncryption(b"clave"))
    ecf_certificate_install(workspace=workspace, actor=owner, p12_bytes=p12, password="clave")


def test_a_workspace_client_signs_with_its_certificate_in_its_environment(
        workspace, owner, certificates, fake_dgii):
    from invoicing.ecf.dgii import client_for, forget_tokens
    from invoicing.ecf.services import ecf_settings_update

    install_certificate(workspace, owner, certificates[RNC])
    ecf_settings_update(workspace=workspace, actor=owner, environment="certecf")
    with client_for(workspace) as client:
        assert client.environment == "certecf"
        assert client.track_ids(RNC, ENCF) == []
    with client_for(workspace) as client:
        client.token()
    assert fake_dgii.counts.tokens == {RNC: 1}
    forget_tokens(workspace.pk)
    with client_for(workspace) as client:
        client.token()
    assert fake_dgii.counts.tokens == {RNC: 2}


def test_a_workspace_without_certificate_cannot_fetch_a_token(workspace, fake_dgii):
    from invoicing.ecf.dgii import client_for
    from invoicing.ecf.errors import CertificateUnusable

    with client_for(workspace) as client, pytest.raises(CertificateUnusable):
        client.token()
    assert fake_dgii.counts.tokens == {}

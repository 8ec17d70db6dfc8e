"""The fake DGII refuses what DGII refuses. Spoken to with plain HTTP, not our client, so a
fault in the client cannot hide a fault in the fake."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
import requests
from lxml import etree

from tests.ecf import dgii_documents as documents
from tests.ecf.signing_helpers import DSIG, make_certificate, prefixed_signer, signer
from tests.fakes.dgii import FakeDgii
from tests.fakes.dgii_scenarios import Scenario

RNC = "131246796"


@pytest.fixture(scope="module")
def sign():
    return signer(make_certificate(RNC))


def url(fake, path, host="ecf", env="testecf"):
    base = fake.ecf_url if host == "ecf" else fake.fc_url
    return f"{base}/{env}/{path}"


def signed_seed(fake, sign, env="testecf") -> bytes:
    seed = requests.get(url(fake, "autenticacion/api/autenticacion/semilla", env=env), timeout=5)
    assert seed.status_code == 200
    return sign(seed.content)


def ask_token(fake, signed: bytes, env="testecf") -> requests.Response:
    return requests.post(url(fake, "autenticacion/api/autenticacion/validarsemilla", env=env),
                         files={"xml": ("semilla.xml", signed, "text/xml")}, timeout=5)


def bearer(fake, sign, env="testecf") -> dict:
    answer = ask_token(fake, signed_seed(fake, sign, env), env)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def send(fake, headers, xml: bytes, filename: str | None = None, env="testecf"):
    root = etree.fromstring(xml)
    name = filename or (root.findtext("Encabezado/Emisor/RNCEmisor")
                        + root.findtext("Encabezado/IdDoc/eNCF") + ".xml")
    return requests.post(url(fake, "recepcion/api/facturaselectronicas", env=env), headers=headers,
                         files={"xml": (name, xml, "text/xml")}, timeout=5)


def status(fake, headers, track_id):
    return requests.get(url(fake, "consultaresultado/api/consultas/estado"), headers=headers,
                        params={"trackid": track_id}, timeout=5).json()


def test_a_signed_seed_buys_a_token_that_opens_the_reception(fake_dgii, sign):
    headers = bearer(fake_dgii, sign)
    answer = send(fake_dgii, headers, sign(documents.ecf()))
    assert answer.status_code == 200
    verdict = status(fake_dgii, headers, answer.json()["trackId"])
    assert (verdict["codigo"], verdict["estado"], verdict["eNCF"]) == ("1", "Aceptado",
                                                                      "E310000000001")
    assert fake_dgii.counts.tokens == {RNC: 1}
    assert fake_dgii.counts.receptions["E310000000001"] == 1


def test_a_document_with_accents_arrives_byte_for_byte(fake_dgii, sign):
    signed = sign(documents.ecf(legal_name="Panadería Ñandú, S.R.L."))
    headers = bearer(fake_dgii, sign)
    verdict = status(fake_dgii, headers, send(fake_dgii, headers, signed).json()["trackId"])
    assert verdict["estado"] == "Aceptado"
    assert fake_dgii.received[-1].xml == signed


def test_the_token_answer_carries_its_expiry(fake_dgii, sign):
    body = ask_token(fake_dgii, signed_seed(fake_dgii, sign)).json()
    expira = dt.datetime.fromisoformat(body["expira"])
    expedido = dt.datetime.fromisoformat(body["expedido"])
    assert expira - expedido == dt.timedelta(hours=1)


def test_a_seed_with_a_broken_signature_is_refused(fake_dgii, sign):
    signed = signed_seed(fake_dgii, sign)
    root = etree.fromstring(signed)
    root.find("fecha").text = "2020-01-01T00:00:00-04:00"
    answer = ask_token(fake_dgii, etree.tostring(root))
    assert answer.status_code == 400
    assert "Firma inválida" in answer.json()["error"]
    assert not fake_dgii.counts.tokens


def test_a_seed_it_never_issued_is_refused(fake_dgii, sign):
    made_up = (b'<SemillaModel><valor>inventada</valor><fecha>2026-10-01T10:00:00-04:00</fecha>'
               b"</SemillaModel>")
    assert ask_token(fake_dgii, sign(made_up)).status_code == 400


def test_a_seed_is_good_for_one_token_only(fake_dgii, sign):
    signed = signed_seed(fake_dgii, sign)
    assert ask_token(fake_dgii, signed).status_code == 200
    assert ask_token(fake_dgii, signed).status_code == 400
    assert fake_dgii.counts.tokens[RNC] == 1


def test_an_expired_seed_is_refused(fake_dgii, sign):
    fake_dgii.seed_ttl = 0.2
    signed = signed_seed(fake_dgii, sign)
    time.sleep(0.3)
    answer = ask_token(fake_dgii, signed)
    assert answer.status_code == 400 and "expirado" in answer.json()["error"]


def test_a_seed_of_another_environment_is_refused(fake_dgii, sign):
    assert ask_token(fake_dgii, signed_seed(fake_dgii, sign, "certecf"), "ecf").status_code == 400


def test_an_unknown_token_gets_401(fake_dgii, sign):
    answer = send(fake_dgii, {"Authorization": "Bearer inventado"}, sign(documents.ecf()))
    assert answer.status_code == 401
    assert fake_dgii.counts.unauthorized == 1 and not fake_dgii.counts.receptions


def test_a_token_is_good_only_in_its_environment_and_until_it_expires(fake_dgii, sign):
    fake_dgii.token_ttl = 2.0
    headers = bearer(fake_dgii, sign, "certecf")
    assert send(fake_dgii, headers, sign(documents.ecf()), env="ecf").status_code == 401
    assert send(fake_dgii, headers, sign(documents.ecf()), env="certecf").status_code == 200
    time.sleep(2.1)
    assert send(fake_dgii, headers, sign(documents.ecf(encf="E310000000002")),
                env="certecf").status_code == 401


def test_a_document_that_breaks_the_schema_is_rejected_and_its_number_stays_free(fake_dgii, sign):
    root = etree.fromstring(documents.ecf())
    root.find("Encabezado/IdDoc/TipoPago").text = "9"
    headers = bearer(fake_dgii, sign)
    answer = send(fake_dgii, headers, sign(etree.tostring(root)))
    verdict = status(fake_dgii, headers, answer.json()["trackId"])
    assert verdict["estado"] == "Rechazado" and verdict["secuenciaUtilizada"] is False
    assert "XSD e-CF 31" in verdict["mensajes"][0]["valor"]


def test_a_document_changed_after_signing_is_rejected(fake_dgii, sign):
    signed = sign(documents.ecf())
    tampered = signed.replace(b"<MontoTotal>118.00<", b"<MontoTotal>11.80<")
    headers = bearer(fake_dgii, sign)
    verdict = status(fake_dgii, headers, send(fake_dgii, headers, tampered).json()["trackId"])
    assert verdict["estado"] == "Rechazado" and verdict["secuenciaUtilizada"] is False
    assert any("Firma inválida" in m["valor"] for m in verdict["mensajes"])


def test_a_prefixed_signature_is_rejected(fake_dgii, sign):
    prefixed = prefixed_signer(make_certificate(RNC))(documents.ecf())
    assert f'<ds:Signature xmlns:ds="{DSIG}">'.encode() in prefixed
    headers = bearer(fake_dgii, sign)
    verdict = status(fake_dgii, headers, send(fake_dgii, headers, prefixed).json()["trackId"])
    assert verdict["estado"] == "Rechazado"
    # the signature itself verifies: the namespace alone is refused
    assert fake_dgii.received[-1].errors == [
        "Firma inválida: la firma debe estar en el espacio de nombres por defecto"]


def test_a_document_signed_with_an_expired_certificate_is_rejected(fake_dgii, sign):
    old = make_certificate(RNC, days=30, not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    headers = bearer(fake_dgii, sign)
    answer = send(fake_dgii, headers, signer(old)(documents.ecf()))
    verdict = status(fake_dgii, headers, answer.json()["trackId"])
    assert any("vigencia" in m["valor"] for m in verdict["mensajes"])


def test_a_file_name_other_than_rnc_and_encf_is_not_received(fake_dgii, sign):
    answer = send(fake_dgii, bearer(fake_dgii, sign), sign(documents.ecf()), filename="x.xml")
    assert answer.status_code == 400 and answer.json()["trackId"] is None
    assert not fake_dgii.counts.receptions and fake_dgii.counts.refused["reception"] == 1


def test_a_consumer_invoice_under_250k_is_not_received_as_an_ecf(fake_dgii, sign):
    small = sign(documents.ecf(encf="E320000000001", buyer_rnc=""))
    big = sign(documents.ecf(encf="E320000000002", total=Decimal("250000.00")))
    headers = bearer(fake_dgii, sign)
    assert send(fake_dgii, headers, small).status_code == 400
    assert send(fake_dgii, headers, big).status_code == 200


def test_a_second_reception_of_an_accepted_number_is_rejected_as_used(fake_dgii, sign):
    headers = bearer(fake_dgii, sign)
    send(fake_dgii, headers, sign(documents.ecf()))
    again = status(fake_dgii, headers, send(fake_dgii, headers, sign(documents.ecf()))
                   .json()["trackId"])
    assert again["estado"] == "Rechazado" and again["secuenciaUtilizada"] is True
    assert fake_dgii.counts.receptions["E310000000001"] == 2


def test_track_ids_lists_every_reception_of_a_number(fake_dgii, sign):
    headers = bearer(fake_dgii, sign)
    first = send(fake_dgii, headers, sign(documents.ecf())).json()["trackId"]
    answer = requests.get(url(fake_dgii, "consultatrackids/api/trackids/consulta"),
                          params={"rncemisor": RNC, "encf": "E310000000001"}, headers=headers,
                          timeout=5).json()
    assert [(a["trackId"], a["estado"]) for a in answer] == [(first, "Aceptado")]


def test_paths_are_matched_regardless_of_case(fake_dgii, sign):
    headers = bearer(fake_dgii, sign)
    answer = requests.get(f"{fake_dgii.ecf_url}/TesteCF/ConsultaTrackIds/api/TrackIds/Consulta",
                          params={"RncEmisor": RNC, "ENCF": "E310000000001"}, headers=headers,
                          timeout=5)
    assert answer.status_code == 200 and answer.json() == []


def test_in_process_for_two_polls_then_the_verdict(fake_dgii, sign):
    fake_dgii.set_scenario(Scenario.in_process(2, then=Scenario.reject(sequence_used=False)))
    headers = bearer(fake_dgii, sign)
    track_id = send(fake_dgii, headers, sign(documents.ecf())).json()["trackId"]
    states = [status(fake_dgii, headers, track_id)["estado"] for _ in range(3)]
    assert states == ["En Proceso", "En Proceso", "Rechazado"]
    assert fake_dgii.counts.status_polls[track_id] == 3


def test_a_rfce_is_answered_at_once_and_found_by_its_security_code(fake_dgii, sign):
    headers = bearer(fake_dgii, sign)
    upload = (f"{RNC}E320000000001.xml", sign(documents.rfce()), "text/xml")
    answer = requests.post(url(fake_dgii, "recepcionfc/api/recepcion/ecf", host="fc"),
                           headers=headers, timeout=5, files={"xml": upload})
    assert answer.json()["estado"] == "Aceptado"
    lookup = url(fake_dgii, "consultarfce/api/Consultas/Consulta", host="fc")
    params = {"RNC_Emisor": RNC, "ENCF": "E320000000001", "Cod_Seguridad_eCF": "ABC123"}
    assert requests.get(lookup, params=params, headers=headers, timeout=5).json()["codigo"] == 1
    params["Cod_Seguridad_eCF"] = "ZZZ999"
    assert requests.get(lookup, params=params, headers=headers, timeout=5).json()["codigo"] == 0


def post_anecf(fake, headers, xml):
    return requests.post(url(fake, "anulacionrangos/api/operaciones/anularrango"), timeout=5,
                         headers=headers, files={"xml": ("anecf.xml", xml, "text/xml")})


def test_an_anecf_voids_numbers_dgii_never_received(fake_dgii, sign):
    answer = post_anecf(fake_dgii, bearer(fake_dgii, sign), sign(documents.anecf()))
    assert answer.status_code == 200
    assert {(RNC, "E310000000005"), (RNC, "E310000000007")} <= fake_dgii.voided
    assert (fake_dgii.counts.anecfs, fake_dgii.counts.anecfs_valid) == (1, 1)


def test_an_anecf_for_a_number_dgii_received_is_refused(fake_dgii, sign):
    headers = bearer(fake_dgii, sign)
    send(fake_dgii, headers, sign(documents.ecf(encf="E310000000006")))
    answer = post_anecf(fake_dgii, headers, sign(documents.anecf()))
    assert answer.status_code == 400 and "E310000000006" in answer.json()["mensajes"][0]
    assert (fake_dgii.counts.anecfs, fake_dgii.counts.anecfs_valid) == (1, 0)


def test_an_anecf_with_a_wrong_count_or_signature_is_refused(fake_dgii, sign):
    headers = bearer(fake_dgii, sign)
    wrong_count = documents.anecf().replace(b"<CantidadeNCFAnulados>3<",
                                            b"<CantidadeNCFAnulados>4<", 1)
    assert post_anecf(fake_dgii, headers, sign(wrong_count)).status_code == 400
    unsigned = documents.anecf()
    assert post_anecf(fake_dgii, headers, unsigned).status_code == 400
    assert fake_dgii.counts.anecfs_valid == 0


def test_down_refuses_connections_then_comes_back_on_the_same_port(fake_dgii, sign):
    port = fake_dgii.port
    with fake_dgii.down(), pytest.raises(requests.ConnectionError):
        requests.get(url(fake_dgii, "autenticacion/api/autenticacion/semilla"), timeout=2)
    assert fake_dgii.port == port
    assert signed_seed(fake_dgii, sign)


def test_a_server_error_scenario_answers_500_and_receives_nothing():
    fake = FakeDgii()
    fake.start()
    try:
        fake.set_scenario(Scenario.server_error(times=1))
        sign = signer(make_certificate(RNC))
        headers = bearer(fake, sign)
        assert send(fake, headers, sign(documents.ecf())).status_code == 500
        assert not fake.counts.receptions
        assert send(fake, headers, sign(documents.ecf())).status_code == 200
        assert fake.counts.server_errors["reception"] == 1
    finally:
        fake.stop()

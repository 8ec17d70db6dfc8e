"""DGII's answers are read whatever the case of their fields and the type of their codes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from invoicing.ecf.dgii_answers import (
    Code,
    MalformedAnswer,
    Message,
    parse_receipt,
    parse_token,
    parse_track_ids,
    parse_verdict,
    parse_void,
)
from invoicing.environment import env_timeout


def test_a_status_answer_is_read_case_insensitively_with_string_codes():
    verdict = parse_verdict({
        "TrackId": "t-1", "codigo": "4", "estado": "Aceptado Condicional", "rnc": "131246796",
        "eNCF": "E310000000058", "SecuenciaUtilizada": True,
        "fechaRecepcion": "10/8/2026 11:22:49 AM",
        "mensajes": [{"valor": "El campo RNCComprador no es válido.", "codigo": 1385}],
    })
    assert (verdict.code, verdict.encf, verdict.track_id, verdict.sequence_used) == (
        Code.ACCEPTED_CONDITIONAL, "E310000000058", "t-1", True)
    assert verdict.messages == (Message(code="1385", text="El campo RNCComprador no es válido."),)


def test_the_xml_flavoured_encf_key_is_read_too():
    assert parse_verdict({"codigo": 1, "estado": "Aceptado", "encf": "E31"}).encf == "E31"


def test_a_missing_code_is_taken_from_the_state_text():
    assert parse_verdict({"estado": "En Proceso"}).code is Code.IN_PROCESS


def test_an_unknown_state_is_a_malformed_answer():
    with pytest.raises(MalformedAnswer):
        parse_verdict({"codigo": "9", "estado": "Quién sabe"})


@pytest.mark.parametrize("raw, expected", [("false", False), (False, False), ("True", True),
                                           (None, None)])
def test_sequence_used_accepts_booleans_and_strings(raw, expected):
    assert parse_verdict({"codigo": 2, "secuenciaUtilizada": raw}).sequence_used is expected


def test_a_reception_without_track_id_carries_its_error():
    track_id, messages = parse_receipt({"trackId": None, "error": "Nombre inválido",
                                        "mensaje": "detalle"})
    assert track_id == "" and [m.text for m in messages] == ["Nombre inválido", "detalle"]


def test_track_ids_come_as_a_list_or_a_single_object():
    one = {"trackId": "a", "estado": "Aceptado", "fechaRecepcion": "18-08-2026 09:15:03"}
    assert [e.track_id for e in parse_track_ids([one, {**one, "trackId": "b"}])] == ["a", "b"]
    assert parse_track_ids(one)[0].code is Code.ACCEPTED
    assert parse_track_ids(None) == [] and parse_track_ids([]) == []


def test_an_anecf_answer_with_plain_string_messages():
    answer = parse_void({"rnc": "131246796", "codigo": 1, "nombre": "Aceptado",
                         "mensajes": ["3 secuencias anuladas"]})
    assert (answer.code, answer.messages[0].text) == ("1", "3 secuencias anuladas")


def test_the_token_lifetime_is_measured_on_our_clock():
    received = dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.UTC)
    # DGII's clock is 10 minutes ahead: the token still lives one hour from when we got it
    token = parse_token({"token": "t", "expedido": "2026-10-01T12:10:00Z",
                         "expira": "2026-10-01T13:10:00Z"}, received_at=received)
    assert token.expires_at == received + dt.timedelta(hours=1)
    assert token.usable_until() == token.expires_at - dt.timedelta(seconds=60)


def test_a_token_answer_without_token_is_malformed():
    with pytest.raises(MalformedAnswer):
        parse_token({"expira": "2026-10-01T13:10:00Z"})


def test_dgii_timeout_setting_fails_loudly_on_bad_values(monkeypatch):
    monkeypatch.setenv("DGII_TIMEOUT", "3,20")
    assert env_timeout("DGII_TIMEOUT", (5.0, 30.0)) == (3.0, 20.0)
    monkeypatch.setenv("DGII_TIMEOUT", "7")
    assert env_timeout("DGII_TIMEOUT", (5.0, 30.0)) == (7.0, 7.0)
    for bad in ("soon", "0,5", "1,2,3"):
        monkeypatch.setenv("DGII_TIMEOUT", bad)
        with pytest.raises(ImproperlyConfigured):
            env_timeout("DGII_TIMEOUT", (5.0, 30.0))

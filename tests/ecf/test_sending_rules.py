"""Issue 15 rules of the sender not proven elsewhere, in-process against the fake DGII:

- the token is requested once per lifetime (DGII's hour, shortened by the fake) per
  workspace, not per document (the fake counts);
- the back-off is configurable (`ECF_BACKOFF_SECONDS`): status polls and the contingency
  resume are scheduled after its steps, and the resume's steps grow while DGII stays down;
- the dashboard's panel: waiting (how many, since when), rejected, accepted today;
- an RFCE whose answer was lost is found by DGII's consultation (e-NCF and security code),
  never received twice."""

from __future__ import annotations

import datetime
import time

import pytest
from django.utils import timezone

from invoicing.core import outbox
from invoicing.core.models import OutboxMessage
from invoicing.ecf import sending
from invoicing.ecf.models import EcfRecord, EcfStatus
from invoicing.ecf.services import ecf_certificate_install
from tests.conftest import api_client_for
from tests.fakes.dgii_scenarios import Scenario

from .certs import PASSWORD, p12_for
from .issued import issue, prepare_issuer
from .sending_helpers import record_of, settle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("installed_certificate")]
RNC = "131246796"


@pytest.fixture(autouse=True)
def _fast(workspace, settings, fake_dgii):
    prepare_issuer(workspace)
    settings.ECF_BACKOFF_SECONDS = (0.05,)


def test_the_token_is_requested_once_per_lifetime_per_workspace_not_per_document(
        api, workspace, other_workspace, intruder, fake_dgii):
    prepare_issuer(other_workspace)
    ecf_certificate_install(workspace=other_workspace, actor=intruder,
                            p12_bytes=p12_for(other_workspace.rnc, other_workspace.name),
                            password=PASSWORD)
    other_api = api_client_for(other_workspace, intruder)
    fake_dgii.token_ttl = 4.0  # DGII's hour, in seconds
    for _ in range(3):
        issue(api, workspace)
        issue(other_api, other_workspace)
    settle()
    assert fake_dgii.counts.tokens == {RNC: 1, other_workspace.rnc: 1}
    assert sum(fake_dgii.counts.receptions.values()) == 6
    time.sleep(4.0)  # the hour is over: the next document needs a new token, once
    for _ in range(2):
        issue(api, workspace)
    settle()
    assert fake_dgii.counts.tokens == {RNC: 2, other_workspace.rnc: 1}
    assert fake_dgii.counts.unauthorized == 0


def _due_in(message: OutboxMessage) -> float:
    return (message.available_at - timezone.now()).total_seconds()


def test_status_polls_follow_the_configured_back_off(api, workspace, fake_dgii, settings):
    settings.ECF_BACKOFF_SECONDS = (40.0, 90.0, 600.0)
    fake_dgii.set_scenario(Scenario.in_process(5))
    invoice = issue(api, workspace)
    outbox.drain(topics={sending.SEND})
    record = record_of(invoice["id"])
    assert record.status == EcfStatus.SENT and record.polls == 1  # asked once at reception
    poll = OutboxMessage.objects.get(topic=sending.POLL, done_at__isnull=True)
    assert 85 < _due_in(poll) <= 90  # the second step
    OutboxMessage.objects.filter(pk=poll.pk).update(available_at=timezone.now())
    outbox.drain(topics={sending.POLL})
    following = OutboxMessage.objects.get(topic=sending.POLL, done_at__isnull=True)
    assert 595 < _due_in(following) <= 600  # then minutes, and it stays at the last step


def test_the_resume_backs_off_by_the_configured_steps_while_dgii_stays_down(
        api, workspace, fake_dgii, settings):
    settings.ECF_BACKOFF_SECONDS = (30.0, 120.0, 900.0)
    with fake_dgii.down():
        invoice = issue(api, workspace)
        outbox.drain(topics={sending.SEND})
        due = []
        for _ in range(3):
            resume = OutboxMessage.objects.get(topic=sending.RESUME, done_at__isnull=True)
            due.append((resume.payload["attempt"], round(_due_in(resume), -1)))
            OutboxMessage.objects.filter(pk=resume.pk).update(available_at=timezone.now())
            outbox.drain(topics={sending.RESUME})
    assert due == [(0, 30.0), (1, 120.0), (2, 900.0)]
    assert record_of(invoice["id"]).status == EcfStatus.SIGNED
    resume = OutboxMessage.objects.get(topic=sending.RESUME, done_at__isnull=True)
    OutboxMessage.objects.filter(pk=resume.pk).update(available_at=timezone.now())
    settle()
    assert record_of(invoice["id"]).status == EcfStatus.ACCEPTED
    assert fake_dgii.counts.receptions[invoice["document_number"]] == 1


def test_the_dashboard_shows_waiting_since_rejected_and_accepted_today(
        api, workspace, fake_dgii, logged_in_client):
    fake_dgii.set_scenario(Scenario.reject(), encf="E310000000002")
    accepted, rejected = issue(api, workspace), issue(api, workspace)
    yesterday = issue(api, workspace)
    settle()
    EcfRecord.objects.filter(document_id=yesterday["id"]).update(
        answered_at=timezone.now() - datetime.timedelta(days=1))
    with fake_dgii.down():
        waiting = issue(api, workspace)
        outbox.drain(topics={sending.SEND})
    assert record_of(accepted["id"]).status == EcfStatus.ACCEPTED
    assert record_of(rejected["id"]).status == EcfStatus.REJECTED
    signed_at = timezone.localtime(record_of(waiting["id"]).signed_at)
    page = logged_in_client.get("/").content.decode()
    assert 'data-testid="ecf-waiting-count">1<' in page
    assert f"{signed_at:%d/%m/%Y %H:%M}" in page  # since when
    assert 'data-testid="ecf-rejected-count">1<' in page
    assert 'data-testid="ecf-accepted-today">1<' in page  # not yesterday's


def test_an_rfce_whose_answer_was_lost_is_looked_up_never_sent_twice(api, workspace,
                                                                     fake_dgii, settings):
    settings.DGII_TIMEOUT = (2.0, 0.5)
    fake_dgii.hang_seconds = 1.5
    fake_dgii.set_scenario(Scenario.timeout_after_receipt())
    invoice = issue(api, workspace, "E32 under RD$250,000")
    settle()
    encf = invoice["document_number"]
    assert record_of(invoice["id"]).status == EcfStatus.ACCEPTED
    assert fake_dgii.counts.rfces[encf] == 1 and fake_dgii.counts.receptions[encf] == 0
    assert fake_dgii.counts.rfce_queries[encf] >= 2  # asked before sending, and after

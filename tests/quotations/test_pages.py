"""Quotation pages: list with filters and bounded queries, the form (the invoice line editor
and its server-side live totals), the detail page's actions, the dashboard panel."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from invoicing.invoices.models import Invoice
from invoicing.quotations.models import Quotation
from tests.conftest import make_member
from tests.invoices.helpers import customer, fiscal_subtype, plain_subtype, tax
from tests.quotations.helpers import make_quotation, quotation_subtype
from workspaces.models import Currency
from workspaces.roles import Role

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def form_data(workspace, contact, lines, **header):
    data = {
        "contact": contact.pk, "document_subtype": quotation_subtype(workspace).pk,
        "issue_date": TODAY().isoformat(), "valid_until": "",
        "currency": Currency.objects.get(workspace=workspace, is_default=True).pk,
        "payment_term": "", "notes": "",
        "lines-TOTAL_FORMS": str(len(lines)), "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "500",
    }
    data.update(header)
    for index, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{index}-{key}"] = value
    return data


def line(workspace, **values):
    return {"description": "Pintura exterior", "quantity": "2", "unit_price": "1500",
            "taxes": str(tax(workspace, "ITBIS 18%").pk), "discount_type": "amount", **values}


class TestList:
    def test_constant_queries_for_1_and_30_rows(self, logged_in_client, workspace):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        make_quotation(workspace, status="invoiced")
        logged_in_client.get(reverse("quotations:list"))
        with CaptureQueriesContext(connection) as one:
            response = logged_in_client.get(reverse("quotations:list"))
        assert response.status_code == 200
        for index in range(29):
            make_quotation(workspace, status="invoiced" if index % 3 == 0 else "sent")
        with CaptureQueriesContext(connection) as thirty:
            html = logged_in_client.get(reverse("quotations:list") + "?sort=-total_amount") \
                .content.decode()
        assert html.count('href="/quotations/') >= 25  # one page of 25
        assert len(thirty) == len(one), [q["sql"] for q in thirty.captured_queries]

    def test_filters_and_search(self, logged_in_client, workspace):
        alfa = customer(workspace, name="Alfa Comercial")
        make_quotation(workspace, contact=alfa)
        make_quotation(workspace, status="sent")
        make_quotation(workspace, status="accepted",
                       issue_date=TODAY() - datetime.timedelta(days=3))
        url = reverse("quotations:list")

        def numbers(**params):
            html = logged_in_client.get(url, params).content.decode()
            return {n for n in ("COT-0001", "COT-0002", "COT-0003") if f">{n}<" in html}

        assert numbers() == {"COT-0001", "COT-0002", "COT-0003"}
        assert numbers(q="alfa") == {"COT-0001"}
        assert numbers(q="COT-0002") == {"COT-0002"}
        assert numbers(status="accepted") == {"COT-0003"}
        assert numbers(contact=alfa.pk) == {"COT-0001"}
        assert numbers(date_to=(TODAY() - datetime.timedelta(days=1)).isoformat()) == {
            "COT-0003"}
        assert numbers(date_from=TODAY().isoformat()) == {"COT-0001", "COT-0002"}
        # The invoice filter's "overdue" does not exist here.
        assert 'name="overdue"' not in logged_in_client.get(url).content.decode()

    def test_converted_quotation_links_its_invoice(self, logged_in_client, workspace):
        quotation = make_quotation(workspace, status="invoiced")
        html = logged_in_client.get(reverse("quotations:list")).content.decode()
        assert reverse("invoices:detail", args=[quotation.invoice_id]) in html
        assert "INV-0001" in html


class TestForm:
    def test_new_form_uses_the_invoice_line_editor(self, logged_in_client, workspace):
        html = logged_in_client.get(reverse("quotations:new")).content.decode()
        assert 'id="lines"' in html and 'name="lines-TOTAL_FORMS"' in html
        assert f'hx-post="{reverse("documents:preview")}"' in html
        assert f'data-row-url="{reverse("documents:line_row")}"' in html
        assert 'name="valid_until"' in html
        # Only quotation series are offered.
        assert f'<option value="{quotation_subtype(workspace).pk}" selected>' in html
        assert f'<option value="{plain_subtype(workspace).pk}"' not in html

    def test_create_through_the_form(self, logged_in_client, workspace):
        contact = customer(workspace)
        response = logged_in_client.post(reverse("quotations:new"), form_data(
            workspace, contact, [line(workspace), line(workspace, description="Mano de obra",
                                                       quantity="1", unit_price="800",
                                                       discount="10",
                                                       discount_type="percentage")],
            notes="Incluye materiales"))
        quotation = Quotation.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("quotations:detail", args=[quotation.pk])
        assert quotation.document_number == "COT-0001" and quotation.status == "draft"
        assert quotation.valid_until == TODAY() + datetime.timedelta(days=15)
        # 3000 + 540 tax; 800 − 80 = 720 + 129.60 tax
        assert str(quotation.total_amount) == "4389.60"
        assert quotation.notes == "Incluye materiales"

    def test_the_live_preview_prices_quotation_lines(self, logged_in_client, workspace):
        data = form_data(workspace, customer(workspace), [line(workspace)])
        html = logged_in_client.post(reverse("documents:preview"), data).content.decode()
        assert "RD$3,540.00" in html

    def test_errors_are_shown_and_nothing_is_saved(self, logged_in_client, workspace):
        contact = customer(workspace)
        response = logged_in_client.post(reverse("quotations:new"), form_data(
            workspace, contact, [line(workspace, discount="99999")]))
        assert response.status_code == 400
        assert "field-error" in response.content.decode()
        response = logged_in_client.post(reverse("quotations:new"), form_data(
            workspace, contact, [line(workspace)],
            valid_until=(TODAY() - datetime.timedelta(days=1)).isoformat()))
        assert response.status_code == 400
        assert not Quotation.objects.exists()
        assert quotation_subtype(workspace).next_number == 1

    def test_edit_a_sent_quotation(self, logged_in_client, workspace):
        quotation = make_quotation(workspace, status="sent")
        url = reverse("quotations:edit", args=[quotation.pk])
        html = logged_in_client.get(url).content.decode()
        assert 'value="Consultoría"' in html
        response = logged_in_client.post(url, form_data(
            workspace, quotation.contact, [line(workspace, quantity="1")],
            valid_until=(TODAY() + datetime.timedelta(days=40)).isoformat()))
        assert response.status_code == 302
        quotation.refresh_from_db()
        assert quotation.status == "sent" and str(quotation.total_amount) == "1770.00"
        assert quotation.document_number == "COT-0001"
        assert quotation.valid_until == TODAY() + datetime.timedelta(days=40)

    @pytest.mark.parametrize("status", ["accepted", "rejected", "invoiced"])
    def test_closed_quotations_do_not_open_the_form(self, logged_in_client, workspace,
                                                    status):
        quotation = make_quotation(workspace, status=status)
        response = logged_in_client.get(reverse("quotations:edit", args=[quotation.pk]))
        assert response.status_code == 302
        response = logged_in_client.post(reverse("quotations:edit", args=[quotation.pk]),
                                         form_data(workspace, quotation.contact,
                                                   [line(workspace)]))
        quotation.refresh_from_db()
        assert str(quotation.total_amount) == "1180.00"

    def test_duplicate_prefills_a_new_quotation(self, logged_in_client, workspace):
        quotation = make_quotation(workspace, status="rejected", payment_term="Contado")
        html = logged_in_client.get(reverse("quotations:new"),
                                    {"copy": quotation.pk}).content.decode()
        assert 'value="Consultoría"' in html and 'value="Contado"' in html
        assert "Edit COT-0001" not in html


class TestDetailAndActions:
    def test_detail_renders_with_bounded_queries(self, logged_in_client, workspace,
                                                 django_assert_max_num_queries):
        quotation = make_quotation(workspace, status="sent")
        # 16, and three for the outreach panel (its link, its emails, the message template).
        with django_assert_max_num_queries(19):
            response = logged_in_client.get(reverse("quotations:detail", args=[quotation.pk]))
        html = response.content.decode()
        assert response.status_code == 200
        assert "COT-0001" in html and 'data-testid="accept"' in html
        assert 'data-testid="convert"' in html and 'id="reject-form"' in html
        assert html.count("<li><time>") == 2  # the activity log: created, sent

    def test_send_accept_convert(self, logged_in_client, workspace):
        quotation = make_quotation(workspace)
        detail = reverse("quotations:detail", args=[quotation.pk])
        html = logged_in_client.get(detail).content.decode()
        assert 'data-testid="send"' in html and 'data-testid="accept"' not in html
        # "Enviar" is the email form of the outreach panel: sending it makes the draft sent.
        assert f'action="/outreach/quotation/{quotation.pk}/send/"' in html
        logged_in_client.post(f"/outreach/quotation/{quotation.pk}/send/",
                              {"to": quotation.contact.email, "cc": "", "message": ""})
        quotation.refresh_from_db()
        assert quotation.status == "sent"
        html = logged_in_client.get(detail).content.decode()
        assert 'data-testid="accept"' in html
        logged_in_client.post(reverse("quotations:accept", args=[quotation.pk]))
        quotation.refresh_from_db()
        assert quotation.status == "accepted"
        response = logged_in_client.post(reverse("quotations:convert", args=[quotation.pk]),
                                         {"document_subtype": plain_subtype(workspace).pk})
        invoice = Invoice.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("invoices:detail", args=[invoice.pk])
        quotation.refresh_from_db()
        assert quotation.status == "invoiced" and quotation.invoice_id == invoice.pk
        html = logged_in_client.get(detail).content.decode()
        assert 'data-testid="converted"' in html and 'data-testid="convert"' not in html
        assert "INV-0001" in html
        # An invoiced quotation is not sent again: neither "Enviar" nor the form show.
        assert 'data-testid="send"' not in html and 'id="send-form"' not in html

    def test_convert_offers_invoice_types_only(self, logged_in_client, workspace):
        quotation = make_quotation(workspace, status="accepted")
        html = logged_in_client.get(reverse("quotations:detail", args=[quotation.pk])) \
            .content.decode()
        convert = html[html.index('id="convert-form"'):]
        convert = convert[:convert.index("</form>")]
        assert f'value="{plain_subtype(workspace).pk}"' in convert
        assert f'value="{quotation_subtype(workspace).pk}"' not in convert

    def test_a_refused_conversion_stays_on_the_quotation_with_the_reason(self,
                                                                        logged_in_client,
                                                                        workspace):
        quotation = make_quotation(workspace, status="accepted",
                                   contact=customer(workspace, tax_id_type="none", tax_id=""))
        b01 = fiscal_subtype(workspace, "B01")
        response = logged_in_client.post(reverse("quotations:convert", args=[quotation.pk]),
                                         {"document_subtype": b01.pk}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("quotations:detail",
                                                         args=[quotation.pk])
        assert "RNC" in response.content.decode()
        assert not Invoice.objects.exists()

    def test_second_conversion_from_the_page_is_refused(self, logged_in_client, workspace):
        quotation = make_quotation(workspace, status="invoiced")
        response = logged_in_client.post(reverse("quotations:convert", args=[quotation.pk]),
                                         {"document_subtype": plain_subtype(workspace).pk},
                                         follow=True)
        assert response.redirect_chain[-1][0] == reverse("quotations:detail",
                                                         args=[quotation.pk])
        assert 'class="msg msg-error"' in response.content.decode()
        assert Invoice.objects.count() == 1

    def test_reject_with_reason(self, logged_in_client, workspace):
        quotation = make_quotation(workspace, status="sent")
        logged_in_client.post(reverse("quotations:reject", args=[quotation.pk]),
                              {"reason": "Eligió otro proveedor"})
        quotation.refresh_from_db()
        assert quotation.status == "rejected"
        html = logged_in_client.get(reverse("quotations:detail", args=[quotation.pk])) \
            .content.decode()
        assert "Eligió otro proveedor" in html
        assert 'data-testid="convert"' not in html and 'data-testid="edit"' not in html

    def test_lapsed_quotation_offers_no_actions(self, logged_in_client, workspace):
        quotation = make_quotation(workspace, status="sent")
        Quotation.objects.filter(pk=quotation.pk).update(
            issue_date=TODAY() - datetime.timedelta(days=20),
            valid_until=TODAY() - datetime.timedelta(days=2))
        html = logged_in_client.get(reverse("quotations:detail", args=[quotation.pk])) \
            .content.decode()
        for testid in ("accept", "convert", "edit", "reject"):
            assert f'data-testid="{testid}"' not in html
        assert 'data-testid="duplicate"' in html

    def test_delete_draft(self, logged_in_client, workspace):
        draft, sent = make_quotation(workspace), make_quotation(workspace, status="sent")
        assert logged_in_client.post(reverse("quotations:delete", args=[draft.pk])).url == \
            reverse("quotations:list")
        logged_in_client.post(reverse("quotations:delete", args=[sent.pk]))
        assert list(Quotation.objects.values_list("pk", flat=True)) == [sent.pk]

    def test_pdf_preview_and_download(self, logged_in_client, workspace):
        quotation = make_quotation(workspace)
        inline = logged_in_client.get(reverse("quotations:pdf", args=[quotation.pk]))
        assert inline["Content-Type"] == "application/pdf"
        assert inline["Content-Disposition"].startswith("inline")
        download = logged_in_client.get(reverse("quotations:pdf", args=[quotation.pk]),
                                        {"download": "1"})
        assert download["Content-Disposition"].startswith("attachment")
        assert 'COT-0001.pdf' in download["Content-Disposition"]
        assert b"".join(download.streaming_content if download.streaming else
                        [download.content]).startswith(b"%PDF-")

    def test_viewer_reads_but_cannot_act(self, client, workspace):
        quotation = make_quotation(workspace, status="sent")
        client.force_login(make_member(workspace, Role.VIEWER))
        assert client.get(reverse("quotations:list")).status_code == 200
        html = client.get(reverse("quotations:detail", args=[quotation.pk])).content.decode()
        assert 'data-testid="accept"' not in html
        assert client.get(reverse("quotations:new")).status_code == 403
        assert client.post(reverse("quotations:accept", args=[quotation.pk])).status_code == 403
        quotation.refresh_from_db()
        assert quotation.status == "sent"

    def test_other_workspace_quotation_is_404(self, logged_in_client, other_workspace):
        foreign = make_quotation(other_workspace)
        for name in ("detail", "edit", "pdf"):
            assert logged_in_client.get(reverse(f"quotations:{name}",
                                                args=[foreign.pk])).status_code == 404
        for name in ("convert", "delete"):
            assert logged_in_client.post(reverse(f"quotations:{name}",
                                                 args=[foreign.pk])).status_code == 404
        assert logged_in_client.post(f"/outreach/quotation/{foreign.pk}/send/",
                                     {"to": "a@b.do"}).status_code == 404


class TestDashboard:
    def test_panel(self, logged_in_client, workspace):
        html = logged_in_client.get(reverse("dashboard")).content.decode()
        assert 'data-testid="quotations-panel"' not in html
        make_quotation(workspace, status="accepted")
        make_quotation(workspace, status="sent",
                       valid_until=TODAY() + datetime.timedelta(days=1))
        html = logged_in_client.get(reverse("dashboard")).content.decode()
        assert 'data-testid="quotations-panel"' in html
        assert 'data-code="accepted" data-count="1"' in html
        assert 'data-code="sent" data-count="1"' in html
        assert 'data-code="expiring" data-count="1"' in html
        assert 'data-code="drafts"' not in html


def test_convert_form_preselects_a_series_that_can_issue(logged_in_client, workspace):
    quotation = make_quotation(workspace, status="accepted")
    html = logged_in_client.get(reverse("quotations:detail", args=[quotation.pk])) \
        .content.decode()
    form = html[html.index('id="convert-form"'):]
    form = form[:form.index("</form>")]
    b01 = fiscal_subtype(workspace, "B01")  # now with a range
    assert f'<option value="{plain_subtype(workspace).pk}" selected>' in form
    html = logged_in_client.get(reverse("quotations:detail", args=[quotation.pk])) \
        .content.decode()
    form = html[html.index('id="convert-form"'):]
    assert f'<option value="{b01.pk}" selected>' in form[:form.index("</form>")]

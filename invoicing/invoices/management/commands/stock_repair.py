"""Write the stock movements of issued invoices whose background task was lost.

Also scheduled in beat (`invoices.stock_repair`), so a lost message costs nothing.
"""

from django.core.management.base import BaseCommand

from invoicing.invoices.stock import invoice_stock_sync, invoices_with_stock_pending


class Command(BaseCommand):
    help = "Bring the stock ledger in line with every invoice whose movements are missing."

    def handle(self, *args, **options):
        invoices = movements = 0
        while pending := invoices_with_stock_pending():
            for pk in pending:
                movements += invoice_stock_sync(invoice_id=pk)
                invoices += 1
        self.stdout.write(f"{invoices} invoice(s) repaired, {movements} movement(s) written.")

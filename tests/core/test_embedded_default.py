"""`make run`'s embedded default: SQLite and eager tasks. Migrate, load the demo (which
issues, pays and cancels invoices through the services) twice, in a fresh database."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_loads_twice_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(SQLITE_NAME=str(tmp_path / "demo.sqlite3"), MEDIA_ROOT=str(tmp_path / "media"),
               LOG_LEVEL="WARNING")

    def manage(*args):
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
        return result.stdout

    manage("migrate", "--noinput")
    assert "demo@example.com" in manage("seed_demo")
    assert "demo@example.com" in manage("seed_demo")
    counts = manage("shell", "-c", (
        "from invoicing.invoices.models import Invoice; "
        "from invoicing.quotations.models import Quotation; "
        "print(Invoice.objects.count(), Quotation.objects.count(), "
        "Invoice.objects.exclude(status='draft').filter(document_number__isnull=True).count())"
    ))
    invoices, quotations, unnumbered = map(int, counts.strip().splitlines()[-1].split())
    assert invoices >= 20 and quotations >= 5 and unnumbered == 0

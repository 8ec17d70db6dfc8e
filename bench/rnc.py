"""`make bench`, second part (`python -m bench.rnc`): the RNC registry import at DGII's size.

Writes a synthetic `DGII_RNC.TXT` of 740,000 lines (invented taxpayers with valid check
digits, Windows-1252 with accents, CRLF, `00/00/0000` dates, and a few malformed and
repeated lines as the real file has), zips it as DGII publishes it, then runs
`manage.py import_dgii_rnc DGII_RNC.zip --json` twice in a child process on a fresh
database: the first import creates every taxpayer, the second (the weekly refresh) updates
them all. For each it records the wall time, rows per second and the child's peak RSS:
against its RSS before reading (one batch and the code it loads) and against its peak once
the first batch was written. The import streams, so the second must stay near zero
whatever the file's size: reading the rest of the file adds nothing.

    python -m bench.rnc                        # 740,000 lines (about 2–4 minutes)
    python -m bench.rnc --lines 20000 --once --output /tmp/rnc.json   # what `make test` runs
    python -m bench.rnc --database-url sqlite:////tmp/rnc.sqlite3

It writes `bench/rnc_results.json` and prints a short table.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "rnc_results.json"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DGII_LINES = 740_000

# Memory is flat when the import's peak RSS, once the first batch is written, does not grow
# while it reads the rest of the file (allowed: 1 MB of allocator noise + 1% of the file)...
FLAT_AFTER_FIRST_BATCH_MB = 1.0
FLAT_SHARE_OF_FILE = 0.01
# ...and from before reading to the end it stays under a bound no file size changes (one
# batch of model rows, the SQL of one upsert, the driver's buffers, code paths loaded).
FLAT_GROWTH_MB = 32.0

WORDS = ["COMERCIAL", "INVERSIONES", "DISTRIBUIDORA", "FERRETERÍA", "FARMACIA", "CONSTRUCTORA",
         "IMPORTADORA", "SERVICIOS", "AGROPECUARIA", "TRANSPORTE", "PANADERÍA", "CAFÉ",
         "LAVANDERÍA", "CLÍNICA", "MUEBLERÍA", "ÓPTICA", "PAPELERÍA", "REPOSTERÍA"]
NAMES = ["PEÑA", "NÚÑEZ", "BÁEZ", "GÓMEZ", "MARTÍNEZ", "RODRÍGUEZ", "PÉREZ", "FERNÁNDEZ",
         "MONTAÑA", "CAÑAVERAL", "DEL CIBAO", "DEL ESTE", "QUISQUEYA", "ANTAÑO", "LA ESPAÑOLA"]
FORMS = ["SRL", "SA", "EIRL", "SAS", ""]
ACTIVITIES = ["VENTA AL POR MENOR DE ALIMENTOS", "CONSTRUCCIÓN DE EDIFICIOS",
              "SERVICIOS DE CONTABILIDAD Y AUDITORÍA", "TRANSPORTE DE CARGA POR CARRETERA",
              "ELABORACIÓN DE PRODUCTOS DE PANADERÍA", "ACTIVIDADES DE ODONTOLOGÍA",
              "VENTA AL POR MAYOR DE MATERIALES DE CONSTRUCCIÓN", ""]
STATUSES = ["ACTIVO"] * 17 + ["SUSPENDIDO", "DADO DE BAJA", "CESE TEMPORAL"]
REGIMES = ["NORMAL"] * 4 + ["RST"]


def log(message: str) -> None:
    print(message, flush=True)


def _rnc(number: int) -> str:
    from stdnum.do import rnc

    body = f"1{number:07d}"
    return body + rnc.calc_check_digit(body)


def _cedula(number: int) -> str:
    from stdnum import luhn

    body = f"402{number:07d}"
    return body + luhn.calc_check_digit(body)


def generate(path: Path, lines: int, seed: int = 18) -> dict:
    """A DGII_RNC.TXT of `lines` lines; one line in 1,000 has the wrong number of fields and
    one in 2,000 repeats an earlier id. Written line by line (never held whole)."""
    rng = random.Random(seed)
    malformed = repeated = 0
    recent: list[str] = []
    with path.open("w", encoding="cp1252", newline="\r\n") as out:
        for index in range(lines):
            if index % 1000 == 999:
                out.write(f"{_rnc(index)}|LÍNEA CORTADA|ACTIVO\n")
                malformed += 1
                continue
            if index % 2000 == 1998 and recent:
                tax_id = rng.choice(recent)
                repeated += 1
            else:
                tax_id = _cedula(index) if index % 4 == 3 else _rnc(index)
                recent = [*recent[-50:], tax_id]
            name = f"{rng.choice(WORDS)} {rng.choice(NAMES)} {rng.choice(NAMES)}"
            form = rng.choice(FORMS)
            name = f"{name}, {form}" if form else name
            started = ("00/00/0000" if index % 7 == 0 else
                       f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/"
                       f"{rng.randint(1960, 2025)}")
            out.write("|".join([
                tax_id, name, rng.choice(["", name.split(",")[0]]), rng.choice(ACTIVITIES),
                "", "", "", "", started, rng.choice(STATUSES), rng.choice(REGIMES),
            ]) + "\n")
    return {"lines": lines, "bytes": path.stat().st_size, "malformed": malformed,
            "repeated": repeated}


def zip_registry(txt: Path, archive: Path) -> int:
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as out:
        out.write(txt, arcname="TMP/DGII_RNC.TXT")
    return archive.stat().st_size


# --- Database ---------------------------------------------------------------------------------

def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def _admin(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")),
                           autocommit=True)


def recreate_database(url: str, name: str) -> None:
    from psycopg import sql

    with _admin(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str, name: str) -> None:
    from psycopg import sql

    with _admin(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


# --- The run ---------------------------------------------------------------------------------

def child_environment(database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTEST_", "DJANGO_SETTINGS_MODULE"))}
    env.pop("REDIS_URL", None)  # the import queues nothing; keep the child off any broker
    return {**env, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "invoicing.settings",
            "LOG_LEVEL": "WARNING"}


def manage(env: dict[str, str], *args: str, timeout: float = 3600) -> subprocess.CompletedProcess:
    completed = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=timeout)
    if completed.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n"
                           f"{completed.stdout[-2000:]}{completed.stderr[-4000:]}")
    return completed


def timed_import(env: dict[str, str], path: Path) -> dict:
    started = time.monotonic()
    completed = manage(env, "import_dgii_rnc", str(path), "--json")
    seconds = time.monotonic() - started
    counts = json.loads(completed.stdout.strip().splitlines()[-1])
    rows = counts["created"] + counts["updated"]
    growth = (counts["peak_rss_kb"] - counts["peak_rss_kb_before"]) / 1024
    after_first = (counts["peak_rss_kb"] - counts["peak_rss_kb_first_batch"]) / 1024
    return {
        "seconds": round(seconds, 1), "import_seconds": counts["seconds"],
        "rows": rows, "rows_per_s": round(rows / counts["seconds"]) if counts["seconds"] else None,
        "peak_rss_mb": round(counts["peak_rss_kb"] / 1024, 1),
        "rss_before_mb": round(counts["peak_rss_kb_before"] / 1024, 1),
        "rss_growth_mb": round(growth, 1),
        "rss_growth_after_first_batch_mb": round(after_first, 2), "counts": counts,
    }


def run(lines: int, database_url: str, database_name: str, *, keep_db: bool,
        workdir: Path, once: bool = False) -> dict:
    sqlite = database_url.startswith("sqlite")
    target = database_url if sqlite else _with_database(database_url, database_name)
    log(f"Writing a synthetic DGII_RNC.TXT of {lines:,} lines…")
    txt = workdir / "DGII_RNC.TXT"
    t0 = time.monotonic()
    made = generate(txt, lines)
    archive = workdir / "DGII_RNC.zip"
    made["zip_bytes"] = zip_registry(txt, archive)
    made["seconds"] = round(time.monotonic() - t0, 1)
    log(f"  {made['bytes'] / 1e6:.1f} MB ({made['zip_bytes'] / 1e6:.1f} MB zipped) in "
        f"{made['seconds']:.0f} s")
    env = child_environment(target)
    if not sqlite:
        recreate_database(database_url, database_name)
    try:
        manage(env, "migrate", "--noinput", "-v0")
        log("Importing the ZIP into an empty registry…")
        first = timed_import(env, archive)
        again = None
        if not once:
            log("Importing it again (every taxpayer updated, as the weekly refresh does)…")
            again = timed_import(env, archive)
    finally:
        if not sqlite and not keep_db:
            with contextlib.suppress(Exception):
                drop_database(database_url, database_name)
    file_mb = made["bytes"] / 1024 / 1024
    runs = [first, again] if again else [first]
    worst = max(r["rss_growth_mb"] for r in runs)
    worst_later = max(r["rss_growth_after_first_batch_mb"] for r in runs)
    later_limit = FLAT_AFTER_FIRST_BATCH_MB + FLAT_SHARE_OF_FILE * file_mb
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": "make bench" if lines == DGII_LINES else f"python -m bench.rnc --lines {lines}",
        "database": "sqlite" if sqlite else "postgresql",
        "file": made, "first_import": first, "second_import": again,
        "flat_memory": {
            "target": f"peak RSS growth ≤ {FLAT_GROWTH_MB:g} MB, and ≤ {later_limit:.2f} MB "
                      "after the first batch",
            "file_mb": round(file_mb, 1), "worst_growth_mb": worst,
            "worst_growth_after_first_batch_mb": worst_later,
            "ok": worst <= FLAT_GROWTH_MB and worst_later <= later_limit},
    }


def table(result: dict) -> str:
    made = result["file"]
    rows = ["| RNC registry import | lines | seconds | rows/s | peak RSS MB | growth MB "
            "| after 1st batch MB |", "|---|---:|---:|---:|---:|---:|---:|"]
    for key, label in (("first_import", "ZIP into an empty registry"),
                       ("second_import", "same ZIP again (all updates)")):
        r = result[key]
        if r is None:
            continue
        rows.append(f"| {label} | {made['lines']:,} | {r['seconds']:.1f} | {r['rows_per_s']:,} "
                    f"| {r['peak_rss_mb']:.0f} | {r['rss_growth_mb']:.1f} "
                    f"| {r['rss_growth_after_first_batch_mb']:.2f} |")
    flat = result["flat_memory"]
    rows.append("")
    rows.append(f"File {flat['file_mb']:.0f} MB ({made['zip_bytes'] / 1024 / 1024:.0f} MB "
                f"zipped); memory flat ({flat['target']}): {'OK' if flat['ok'] else 'FAILED'}.")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rnc", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=DGII_LINES,
                        help=f"lines of the synthetic file (default {DGII_LINES:,}, DGII's size)")
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL server (default: $DATABASE_URL's, else local), or a "
                        "sqlite:/// URL of a file to use as is")
    parser.add_argument("--database-name", default="invoicing_bench_rnc")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--once", action="store_true",
                        help="import once (skip the second, all-updates import)")
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    url = args.database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith(("postgres://", "postgresql://", "sqlite:")):
        raise SystemExit("bench.rnc needs a postgres:// or sqlite:/// database URL")
    with tempfile.TemporaryDirectory(prefix="bench-rnc-") as workdir:
        result = run(args.lines, url, args.database_name, keep_db=args.keep_db,
                     workdir=Path(workdir), once=args.once)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    log("")
    log(table(result))
    log(f"\nWrote {args.output}.")
    return 0 if result["flat_memory"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

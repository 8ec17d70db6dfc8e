"""`make bench` (`python -m bench.run`): seed a fresh PostgreSQL database, serve the app with
gunicorn on loopback, load it with wrk from a second process, and report every figure as
median/p95/p99 latency and requests per second, plus its ratio to a no-database DRF endpoint
measured in the same run (right before each measurement, so drift from other load on the
machine cancels out).

    python -m bench.run                          # 10,000 invoices, about 5 minutes
    python -m bench.run --invoices 1000000       # the 1M run (compares list p95 with 10k)
    python -m bench.run --tiny --output /tmp/r.json --database-name bench_tiny --drop-db
    python -m bench.run --database-url 'postgres://…/postgres?server_side_binding=true'  # options
    python -m bench.run --reuse-db               # measure again without re-seeding
    python -m bench.run --update-readme          # also write README's "Performance" section

It writes `bench/results.json` (the latest run, and the latest run of each size) and prints
the table. See README "Performance" for what each row measures.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime
import json
import os
import platform
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "load.lua"
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "results.json"
README = ROOT / "README.md"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"

# Targets: ratio of req/s to the no-database endpoint's (issue 8, "Where we want to be").
TARGETS = {
    "list": ("ratio", 0.10),
    "detail": ("ratio", 0.20),
    "create_c4": ("ratio", 0.12),
    "create_c16": ("ratio", 0.12),
    "create_c16_rate": ("min_per_s", 400.0),
    "render_10": ("max_ms", 30.0),
    "render_100": ("max_ms", 250.0),
    "list_1m_p95": ("max_factor", 1.5),
}


def log(message: str) -> None:
    print(message, flush=True)


# --- Configuration ---------------------------------------------------------------------------

@dataclass
class Config:
    invoices: int
    seconds: float
    ref_seconds: float
    warmup_seconds: float
    workers: int
    worker_class: str
    threads: int
    concurrency: int
    database_url: str  # the bench database
    admin_url: str  # the server's maintenance database (to drop/create the bench one)
    database_name: str
    redis_url: str | None  # None: a private redis-server for the run
    cache_prefix: str
    output: Path
    reuse_db: bool
    drop_db: bool
    update_readme: bool
    tiny: bool
    render_runs: tuple[int, int]
    wrk: str
    reports_only: bool = False

    @property
    def scale_key(self) -> str:
        return str(self.invoices)


def _with_database(url: str, name: str, *, options: bool = True) -> str:
    """`url` pointing at database `name`; its query string (Django `OPTIONS` for
    dj-database-url) is kept for the app and dropped for our own maintenance connection."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}",
                       parts.query if options else "", ""))


def parse_args(argv: list[str] | None = None) -> Config:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoices", type=int, default=10_000,
                        help="invoices to seed (default 10,000; 1000000 for the 1M run)")
    parser.add_argument("--million", action="store_true", help="same as --invoices 1000000")
    parser.add_argument("--tiny", action="store_true",
                        help="harness self-test: 50 invoices, about 2 s per measurement")
    parser.add_argument("--seconds", type=float, default=None,
                        help="length of each measurement (default 15; tiny 1)")
    parser.add_argument("--workers", type=int, default=2)
    # sync measured faster than gthread (2 threads) on 2 cores for every endpoint, with lower
    # p95, and it is what the Procfile runs in production.
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=2, help="threads per gthread worker")
    parser.add_argument("--concurrency", type=int, default=4,
                        help="connections for the GET measurements (create runs at 4 and 16)")
    parser.add_argument("--database-url", default=None,
                        help="server to use (default: $DATABASE_URL's server, else local)")
    parser.add_argument("--database-name", default="invoicing_bench")
    parser.add_argument("--redis-url", default=None,
                        help="broker and cache to use (default $BENCH_REDIS_URL, else a private "
                        "redis-server started for the run, so no one else's worker sees its "
                        "messages); the run removes the messages it queued")
    parser.add_argument("--cache-prefix", default="bench")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--reuse-db", action="store_true",
                        help="keep an already seeded bench database (skip drop/seed)")
    parser.add_argument("--drop-db", action="store_true", help="drop the database at the end")
    parser.add_argument("--update-readme", action="store_true",
                        help="write the table into README.md's Performance section")
    parser.add_argument("--wrk", default=shutil.which("wrk") or "wrk")
    parser.add_argument("--reports-only", action="store_true",
                        help="seed (or reuse) the database and measure only the reports "
                             "(bench/reports.py: queries, plans, time against the detail "
                             "GET), in process, without gunicorn or wrk; written to "
                             "bench/reports_results.json")
    args = parser.parse_args(argv)

    invoices = 1_000_000 if args.million else args.invoices
    if args.tiny:
        invoices = min(invoices, 50)
    seconds = args.seconds if args.seconds is not None else (1.0 if args.tiny else 15.0)
    server = args.database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not server.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The bench needs PostgreSQL: set DATABASE_URL=postgres://…")
    redis_url = args.redis_url or os.environ.get("BENCH_REDIS_URL") or None
    return Config(
        invoices=invoices, seconds=seconds,
        ref_seconds=min(5.0, seconds) if not args.tiny else 1.0,
        # Each worker's first request of a kind pays its imports (the Redis client, the
        # e-CF schemas…): warm up before measuring, even in the tiny run.
        warmup_seconds=2.0 if not args.tiny else 1.0,
        workers=args.workers, worker_class=args.worker_class, threads=args.threads,
        concurrency=args.concurrency,
        database_url=_with_database(server, args.database_name),
        admin_url=_with_database(server, "postgres", options=False),
        database_name=args.database_name,
        redis_url=redis_url, cache_prefix=args.cache_prefix, output=args.output,
        reuse_db=args.reuse_db, drop_db=args.drop_db, update_readme=args.update_readme,
        tiny=args.tiny, render_runs=(3, 1) if args.tiny else (15, 5), wrk=args.wrk,
        reports_only=args.reports_only,
    )


def bench_environment(cfg: Config, media_root: str) -> dict[str, str]:
    """Production settings on plain-http loopback: DEBUG off, a real secret, Redis as
    broker (Celery tasks queued on commit go to the broker as in production; no worker runs
    during the measurements, so they cost the request only the enqueue)."""
    return {
        "DJANGO_SETTINGS_MODULE": "invoicing.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        # Production refuses to start without the key that seals e-CF certificates.
        "ECF_KEY_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "ECF_SEND_TO_DGII": "0",  # the E31 creates queue their sending; nothing is sent
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": cfg.database_url,
        "REDIS_URL": cfg.redis_url,
        "CACHE_KEY_PREFIX": cfg.cache_prefix,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "BENCH_ENDPOINTS": "1",
        "MEDIA_ROOT": media_root,
        "LOG_LEVEL": "WARNING",
        "PYTHONHASHSEED": "0",
    }


# --- Database ---------------------------------------------------------------------------------

def _admin_connect(cfg: Config):
    import psycopg

    return psycopg.connect(cfg.admin_url, autocommit=True)


def database_exists(cfg: Config) -> bool:
    with _admin_connect(cfg) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            (cfg.database_name,)).fetchone() is not None


def recreate_database(cfg: Config) -> None:
    from psycopg import sql

    with _admin_connect(cfg) as conn:
        name = sql.Identifier(cfg.database_name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def drop_database(cfg: Config) -> None:
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    with _admin_connect(cfg) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(cfg.database_name)))


SEED_TABLE = "bench_seed"


def store_seed(result) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {SEED_TABLE} (data jsonb NOT NULL)")
        cursor.execute(f"DELETE FROM {SEED_TABLE}")
        cursor.execute(f"INSERT INTO {SEED_TABLE} (data) VALUES (%s)",
                       [json.dumps(asdict(result))])


def load_seed():
    from django.db import connection

    from bench.seed import SeedResult

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [SEED_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT data FROM {SEED_TABLE}")
        row = cursor.fetchone()
    if row is None:
        return None
    data = row[0] if isinstance(row[0], dict) else json.loads(row[0])
    data["render_invoice_ids"] = {int(k): v for k, v in data["render_invoice_ids"].items()}
    return SeedResult(**data)


def vacuum() -> None:
    """What autovacuum keeps true in production: statistics and the visibility map fresh
    (a count reads the index alone only where pages are all-visible)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("invoices_invoice", "invoices_invoiceline", "invoices_payment"):
            cursor.execute(f'VACUUM ANALYZE "{table}"')


# --- Server -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, cfg: Config, env: dict[str, str], log_path: Path):
        self.cfg, self.env, self.log_path = cfg, env, log_path
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        cmd = [sys.executable, "-m", "gunicorn", "invoicing.wsgi:application",
               "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.cfg.workers),
               "--worker-class", self.cfg.worker_class, "--log-level", "warning",
               "--timeout", "120", "--graceful-timeout", "5"]
        if self.cfg.worker_class == "gthread":
            cmd += ["--threads", str(self.cfg.threads)]
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **self.env},
                                        stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.base}/bench/nodb/", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()


# --- Load -------------------------------------------------------------------------------------

@dataclass
class Load:
    name: str
    path: str  # the URL path when `paths` is empty
    method: str = "GET"
    concurrency: int = 4
    paths: list[str] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)
    auth: str = ""
    each_once: bool = False  # take each path at most once (cold PDFs), stop when used up


def run_wrk(cfg: Config, server: Server, load: Load, seconds: float, workdir: Path,
            paths: list[str] | None = None) -> dict:
    """One wrk run; the raw segment (requests, errors, latency quantiles)."""
    paths = load.paths if paths is None else paths
    paths_file = workdir / f"{load.name}.paths"
    bodies_file = workdir / f"{load.name}.bodies"
    out_file = workdir / f"{load.name}.json"
    paths_file.write_text("\n".join(paths) + "\n" if paths else "")
    bodies_file.write_text("\n".join(load.bodies) + "\n" if load.bodies else "")
    out_file.unlink(missing_ok=True)
    env = {
        **os.environ, "BENCH_METHOD": load.method, "BENCH_PATHS": str(paths_file),
        "BENCH_BODIES": str(bodies_file), "BENCH_AUTH": load.auth, "BENCH_OUT": str(out_file),
        "BENCH_THREADS": "1",
    }
    if load.each_once:
        # Stop before any connection could take an id twice (sent ≤ answered + connections).
        env["BENCH_LIMIT"] = str(max(1, len(paths) - load.concurrency - 1))
    cmd = [cfg.wrk, "-t1", f"-c{load.concurrency}", f"-d{max(1, round(seconds))}s",
           "--timeout", "30s", "-s", str(LUA), f"{server.base}{load.path}"]
    completed = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 90)
    if completed.returncode != 0 or not out_file.exists():
        raise RuntimeError(f"wrk failed for {load.name}: {completed.stderr or completed.stdout}")
    raw = json.loads(out_file.read_text())
    return {"seconds": raw["duration_us"] / 1e6, "requests": raw["requests"],
            "errors": raw["errors"], "quantiles": raw["quantiles_us"],
            "max_us": raw["latency_us"]["max"]}


def _merged_percentiles(segments: list[dict], points=(50, 95, 99)) -> dict[int, float]:
    """Percentiles of several runs together: each run's 1000 quantiles stand for its
    requests in equal shares."""
    weighted = sorted((value, seg["requests"] / len(seg["quantiles"]))
                      for seg in segments if seg["requests"] for value in seg["quantiles"])
    total = sum(weight for _value, weight in weighted)
    out = {}
    for point in points:
        threshold, running = total * point / 100, 0.0
        out[point] = float(weighted[-1][0]) if weighted else 0.0
        for value, weight in weighted:
            running += weight
            if running >= threshold - 1e-9:
                out[point] = float(value)
                break
    return out


def summarize(segments: list[dict], concurrency: int) -> dict:
    seconds = sum(seg["seconds"] for seg in segments)
    requests = sum(seg["requests"] for seg in segments)
    errors = {key: sum(seg["errors"][key] for seg in segments)
              for key in ("connect", "read", "write", "status", "timeout")}
    pct = _merged_percentiles(segments)
    return {
        "requests": requests, "seconds": round(seconds, 2),
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "ok_rps": round((requests - errors["status"]) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(pct[50] / 1000, 2), "p95_ms": round(pct[95] / 1000, 2),
        "p99_ms": round(pct[99] / 1000, 2),
        "max_ms": max((seg["max_us"] for seg in segments), default=0) / 1000,
        "errors": errors, "failed": sum(errors.values()), "concurrency": concurrency,
        "segments": len(segments),
    }


# --- Fixtures of the measurements -------------------------------------------------------------

def create_bodies(seed, count: int, rng: random.Random) -> list[str]:
    bodies = []
    for _ in range(count):
        items = [{"product_id": rng.choice(seed.product_ids),
                  "quantity": rng.choice(["1", "2", "3", "1.5", "10"])} for _ in range(5)]
        bodies.append(json.dumps({
            "contact_id": rng.choice(seed.contact_ids_with_id),
            "document_subtype_id": seed.fiscal_subtype_id,
            "payment_term": "Net 30", "notes": "Bench", "items": items,
        }, separators=(",", ":")))
    return bodies


def workspace_invoice_ids(seed) -> list[int]:
    from invoicing.invoices.models import Invoice

    return list(Invoice.objects.filter(workspace_id=seed.workspace_id)
                .values_list("id", flat=True))


def query_counts(seed, detail_id: int, cached_id: int, cold_id: int, body: str) -> dict:
    """Each endpoint once, in-process, against the bench database (after a warm-up request,
    so the API key's once-a-minute `last_used_at` write is not counted)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {seed.api_key}")
    client.get("/api/v1/invoices?per_page=1")
    requests = {
        "nodb": ("get", "/bench/nodb/", None),
        "list": ("get", "/api/v1/invoices?per_page=50", None),
        "detail": ("get", f"/api/v1/invoices/{detail_id}", None),
        "create": ("post", "/api/v1/invoices", body),
        "pdf_cached": ("get", f"/api/v1/invoices/{cached_id}/pdf", None),
        "pdf_cold": ("get", f"/api/v1/invoices/{cold_id}/pdf", None),
    }
    counts = {}
    for name, (method, path, data) in requests.items():
        with CaptureQueriesContext(connection) as queries:
            if method == "post":
                response = client.post(path, data=data, content_type="application/json")
            else:
                response = client.get(path)
        counts[name] = {"queries": len(queries), "status": response.status_code}
    return counts


def render_timings(seed, runs: tuple[int, int]) -> dict:
    """The PDF renderer alone, in-process: HTML from the stored invoice, then xhtml2pdf —
    what a cold request does before storing the file."""
    from invoicing.documents import pdf
    from invoicing.invoices.models import Invoice

    def render(invoice) -> bytes:
        # as `ensure_document_pdf` does
        rendered = pdf.render_document_html(invoice, kind="invoice")
        return pdf.html_to_pdf(rendered.html, estimated_pages=rendered.estimated_pages)

    results = {}
    for lines, invoice_id in sorted(seed.render_invoice_ids.items()):
        n = runs[0] if lines <= 10 else runs[1]
        invoice = (Invoice.objects.select_related("workspace", "contact", "currency",
                                                  "document_subtype").get(pk=invoice_id))
        content = render(invoice)  # warm imports and fonts
        times = []
        for _ in range(n):
            invoice = (Invoice.objects.select_related("workspace", "contact", "currency",
                                                      "document_subtype").get(pk=invoice_id))
            started = time.perf_counter()
            content = render(invoice)
            times.append((time.perf_counter() - started) * 1000)
        results[f"render_{lines}"] = {
            "lines": lines, "runs": n, "median_ms": round(statistics.median(times), 1),
            "min_ms": round(min(times), 1), "max_ms": round(max(times), 1),
            "pages": pdf.pdf_page_count(content), "bytes": len(content),
        }
    return results


GAPLESS_SQL = """
WITH numbered AS (
    SELECT i.document_subtype_id AS subtype_id, i.sequence_number AS seq,
           i.document_number AS number,
           i.sequence_number - LAG(i.sequence_number) OVER (
               PARTITION BY i.document_subtype_id ORDER BY i.sequence_number) AS step
    FROM invoices_invoice i
    WHERE i.workspace_id = %(ws)s AND i.document_number IS NOT NULL
)
SELECT s.id, COALESCE(s.ncf_type, s.prefix), COALESCE(s.range_start, 1), s.next_number,
       COUNT(n.seq), COUNT(DISTINCT n.seq), COUNT(DISTINCT n.number),
       MIN(n.seq), MAX(n.seq), COUNT(*) FILTER (WHERE n.step > 1),
       COALESCE(SUM(n.step - 1) FILTER (WHERE n.step > 1), 0)
FROM fiscal_documentsubtype s
LEFT JOIN numbered n ON n.subtype_id = s.id
WHERE s.workspace_id = %(ws)s AND s.document_type = 'invoice'
GROUP BY s.id
ORDER BY s.id
"""


def gapless_check(seed) -> dict:
    """In SQL: per series, no repeated number, no hole between the first and the last, the
    first is the range start and the counter stands right after the last."""
    from django.db import connection

    series = []
    with connection.cursor() as cursor:
        cursor.execute(GAPLESS_SQL, {"ws": seed.workspace_id})
        for (subtype_id, code, start, next_number, count, distinct_seq, distinct_numbers,
             first, last, holes, missing) in cursor.fetchall():
            duplicates = count - distinct_seq
            ok = (duplicates == 0 and distinct_numbers == count and holes == 0 and
                  (count == 0 or (first == start and last == next_number - 1)))
            series.append({
                "subtype_id": subtype_id, "series": code, "numbers": count,
                "first": first, "last": last, "next_number": next_number,
                "duplicates": duplicates, "duplicate_document_numbers": count - distinct_numbers,
                "gaps": holes, "missing_numbers": int(missing), "ok": ok,
            })
    fiscal = next(s for s in series if s["subtype_id"] == seed.fiscal_subtype_id)
    return {"ok": all(s["ok"] for s in series), "fiscal": fiscal, "series": series}


def purge_broker(redis_url: str, queued_before: int) -> int:
    """Remove the Celery messages this run queued (PDF and stock tasks sent on commit; no
    worker consumes them during the bench). Kombu LPUSHes, so ours are the leftmost."""
    import redis

    client = redis.Redis.from_url(redis_url)
    queued = client.llen("celery") - queued_before
    if queued > 0:
        client.ltrim("celery", queued, -1)
    client.close()
    return max(queued, 0)


def broker_length(redis_url: str) -> int:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        return client.llen("celery")
    finally:
        client.close()


# --- The run ---------------------------------------------------------------------------------

def machine() -> dict:
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ram = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = round(int(line.split()[1]) / 1024 / 1024, 1)
    load = None
    with contextlib.suppress(OSError):
        load = os.getloadavg()[0]
    pg = None
    with contextlib.suppress(Exception):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg = cursor.fetchone()[0]
    return {"cores": os.cpu_count(), "ram_gb": ram, "cpu": model,
            "python": platform.python_version(), "postgresql": pg,
            "load_avg_at_start": load}


ROUNDS = 3


def measure(cfg: Config, server: Server, load: Load, workdir: Path, *,
            reference: bool = True) -> dict:
    """The endpoint in `ROUNDS` slices, each right after a slice of the no-database
    reference, so both see the same background load; the ratio compares their totals."""
    rounds = 1 if cfg.tiny else ROUNDS
    nodb = Load("ref", "/bench/nodb/", concurrency=cfg.concurrency)
    if not load.each_once:  # warm the workers' connections and code paths
        if cfg.warmup_seconds:
            run_wrk(cfg, server, load, cfg.warmup_seconds, workdir)
        chunks = [load.paths] * rounds
    else:  # each slice takes fresh ids from the pool
        size = -(-len(load.paths) // rounds)
        chunks = [load.paths[k * size:(k + 1) * size] for k in range(rounds)]
    refs, segments = [], []
    for chunk in chunks:
        if reference:
            refs.append(run_wrk(cfg, server, nodb, cfg.ref_seconds / rounds, workdir))
        segments.append(run_wrk(cfg, server, load, cfg.seconds / rounds, workdir, paths=chunk))
    result = summarize(segments, load.concurrency)
    if refs:
        ref = summarize(refs, cfg.concurrency)
        result["reference_rps"] = ref["rps"]
        result["ratio"] = round(result["ok_rps"] / ref["rps"], 4) if ref["rps"] else None
    log(f"  {load.name:<11} {result['ok_rps']:>8.1f} req/s  p50 {result['p50_ms']:.1f} ms  "
        f"p95 {result['p95_ms']:.1f} ms  p99 {result['p99_ms']:.1f} ms"
        + (f"  ratio {result['ratio']:.1%} (nodb {result['reference_rps']:.0f}/s)"
           if refs and result["ratio"] is not None else "")
        + (f"  FAILED {result['failed']}" if result["failed"] else ""))
    return result


def fiscal_next_number(seed) -> int:
    from invoicing.fiscal.models import DocumentSubtype

    return DocumentSubtype.objects.get(pk=seed.fiscal_subtype_id).next_number


class PrivateRedis:
    """A throw-away redis-server on a free loopback port: the bench's broker and cache, so
    the tasks it queues never reach a worker of the test suite or of anyone else."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> PrivateRedis:
        server = shutil.which("redis-server")
        if server is None:
            raise SystemExit("redis-server is not installed: install it, or pass --redis-url.")
        self.process = subprocess.Popen(
            [server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the private redis-server did not start") from None
                time.sleep(0.1)
        client.close()
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def run(cfg: Config) -> dict:
    media_root = tempfile.mkdtemp(prefix="bench-media-")
    workdir = Path(tempfile.mkdtemp(prefix="bench-wrk-"))
    with contextlib.ExitStack() as stack:
        if cfg.redis_url is None:
            cfg.redis_url = stack.enter_context(PrivateRedis()).url
        # Everything this run queues (the seed's two service-made invoices included) is
        # removed from the broker at the end, whatever happens.
        queued_before = broker_length(cfg.redis_url)
        try:
            run_data = _run(cfg, media_root, workdir)
        finally:
            queued = purge_broker(cfg.redis_url, queued_before)
            shutil.rmtree(media_root, ignore_errors=True)
            shutil.rmtree(workdir, ignore_errors=True)
    run_data["tasks_queued"] = queued
    return run_data


def _run(cfg: Config, media_root: str, workdir: Path) -> dict:
    started = time.monotonic()
    env = bench_environment(cfg, media_root)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from bench import seed as seeding

    reused = cfg.reuse_db and database_exists(cfg)
    seed = None
    if reused:
        seed = load_seed()
        if seed is None:
            reused = False
    if not reused:
        log(f"Creating database {cfg.database_name}, migrating…")
        recreate_database(cfg)
        t0 = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        log(f"  migrated in {time.monotonic() - t0:.0f} s; seeding {cfg.invoices:,} invoices…")
        seed = seeding.seed(invoices=cfg.invoices, progress=log)
        store_seed(seed)
        log(f"  seeded in {seed.seconds:.0f} s")
    else:
        log(f"Reusing database {cfg.database_name} ({seed.invoices:,} invoices); vacuuming…")
        vacuum()
    info = machine()
    if cfg.reports_only:
        from bench import reports as report_bench

        log("In-process: the reports (queries, plans, time against the detail GET)…")
        return {"date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "invoices": seed.invoices, "machine": info,
                "reports": report_bench.reports_plan(seed, runs=2 if cfg.tiny else 5),
                "elapsed_s": round(time.monotonic() - started, 1)}
    rng = random.Random(8)

    server = Server(cfg, env, workdir / "gunicorn.log")
    log(f"Serving with gunicorn ({cfg.workers} {cfg.worker_class} workers"
        + (f", {cfg.threads} threads" if cfg.worker_class == "gthread" else "")
        + f") on {server.base}; {cfg.seconds:g} s per measurement")
    auth = f"Bearer {seed.api_key}"
    ids = list(range(seed.first_invoice_id, seed.last_invoice_id + 1))
    detail_ids = [rng.choice(ids) for _ in range(min(2000, max(50, len(ids))))]
    bodies = create_bodies(seed, 50, rng)
    next_before = fiscal_next_number(seed)
    results: dict[str, Any] = {}
    server.start()
    try:
        results["nodb"] = measure(cfg, server, Load("nodb", "/bench/nodb/",
                                                    concurrency=cfg.concurrency),
                                  workdir, reference=False)
        results["list"] = measure(cfg, server, Load(
            "list", "/api/v1/invoices?per_page=50", concurrency=cfg.concurrency, auth=auth),
            workdir)
        results["detail"] = measure(cfg, server, Load(
            "detail", "/", concurrency=cfg.concurrency, auth=auth,
            paths=[f"/api/v1/invoices/{pk}" for pk in detail_ids]), workdir)
        for conc in (4, 16):
            before = fiscal_next_number(seed)
            t0 = time.monotonic()
            result = measure(cfg, server, Load(
                f"create_c{conc}", "/api/v1/invoices", method="POST", concurrency=conc,
                auth=auth, bodies=bodies), workdir)
            created = fiscal_next_number(seed) - before
            result["invoices_per_s"] = result["ok_rps"]
            result["numbers_taken"] = created
            result["window_s"] = round(time.monotonic() - t0, 1)
            results[f"create_c{conc}"] = result
        # Issue 14: an E31 is built, validated against DGII's XSD and signed in its issue.
        from bench import extras as bench_extras

        e31_bodies = bench_extras.ecf_setup(seed, 50, rng)
        results["create_e31_c4"] = measure(cfg, server, Load(
            "create_e31_c4", "/api/v1/invoices", method="POST", concurrency=4, auth=auth,
            bodies=e31_bodies), workdir)
        results["create_e31_c4"]["invoices_per_s"] = results["create_e31_c4"]["ok_rps"]

        all_ids = workspace_invoice_ids(seed)
        rng.shuffle(all_ids)
        cached = all_ids[:20]
        for pk in cached:  # render once: these are now stored
            request = urllib.request.Request(f"{server.base}/api/v1/invoices/{pk}/pdf",
                                             headers={"Authorization": auth})
            with contextlib.suppress(urllib.error.HTTPError), \
                    urllib.request.urlopen(request, timeout=60) as response:
                response.read()
        results["pdf_cached"] = measure(cfg, server, Load(
            "pdf_cached", "/", concurrency=cfg.concurrency, auth=auth,
            paths=[f"/api/v1/invoices/{pk}/pdf" for pk in cached]), workdir)
        cold_pool = all_ids[20:]
        cold = Load("pdf_cold", "/", concurrency=cfg.concurrency, auth=auth,
                    paths=[f"/api/v1/invoices/{pk}/pdf" for pk in cold_pool], each_once=True)
        results["pdf_cold"] = measure(cfg, server, cold, workdir)
        results["pdf_cold"]["pool"] = len(cold_pool)
    finally:
        server.stop()

    log("In-process: query counts, PDF render timings, numbering check…")
    # The cold run stops before the last id of its pool: that one is still not rendered.
    results["queries"] = query_counts(seed, detail_ids[0], cached[0], cold_pool[-1], bodies[0])
    results.update(render_timings(seed, cfg.render_runs))
    from bench import extras

    renders = {k: v for k, v in results.items() if k.startswith("render_")}
    results.update(extras.pdf_floor(renders, cfg.render_runs))
    results["lock_window"] = extras.lock_window(seed, bodies, runs=20 if cfg.tiny else 300)
    results["list_plan"] = extras.list_plan(seed)
    from bench import reports as report_bench

    results["reports"] = report_bench.reports_plan(seed, runs=2 if cfg.tiny else 5)
    gapless = gapless_check(seed)
    run_data = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": "make bench" + ("" if cfg.invoices == 10_000 and not cfg.tiny
                                   else f" BENCH_ARGS='{' '.join(sys.argv[1:])}'"),
        "invoices": seed.invoices,
        "lines_per_invoice": seeding.LINES_PER_INVOICE,
        "server": {"workers": cfg.workers, "worker_class": cfg.worker_class,
                   "threads": cfg.threads if cfg.worker_class == "gthread" else 1,
                   "redis_broker": True},
        "load": {"tool": "wrk", "concurrency": cfg.concurrency, "seconds": cfg.seconds,
                 "reference_seconds": cfg.ref_seconds},
        "machine": info,
        "seed_seconds": None if reused else round(seed.seconds, 1),
        "numbers_created": fiscal_next_number(seed) - next_before,
        "tasks_queued": None,  # filled in by run() once the broker is cleaned
        "measurements": results,
        "gapless": gapless,
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    run_data["targets"] = evaluate_targets(run_data, previous_runs(cfg.output))
    return run_data


# --- Targets, table, output ------------------------------------------------------------------

def previous_runs(path: Path) -> dict:
    with contextlib.suppress(OSError, ValueError):
        return json.loads(path.read_text()).get("runs", {})
    return {}


def evaluate_targets(run_data: dict, runs: dict) -> dict:
    m = run_data["measurements"]
    out = {}
    for key in ("list", "detail", "create_c4", "create_c16"):
        out[key] = {"target": f"≥ {TARGETS[key][1]:.0%} of nodb", "value": m[key].get("ratio"),
                    "ok": (m[key].get("ratio") or 0) >= TARGETS[key][1]}
    rate = m["create_c16"]["invoices_per_s"]
    out["create_c16_rate"] = {"target": "≥ 400 invoices/s", "value": rate, "ok": rate >= 400}
    for key in ("render_10", "render_100"):
        value = m[key]["median_ms"]
        out[key] = {"target": f"≤ {TARGETS[key][1]:g} ms", "value": value,
                    "ok": value <= TARGETS[key][1]}
    out["gapless"] = {"target": "no duplicates, no gaps", "value": run_data["gapless"]["ok"],
                      "ok": run_data["gapless"]["ok"]}
    base = runs.get("10000")
    if run_data["invoices"] >= 1_000_000 and base:
        factor = m["list"]["p95_ms"] / base["measurements"]["list"]["p95_ms"]
        out["list_1m_p95"] = {"target": "≤ 1.5× the 10k list p95", "value": round(factor, 2),
                              "ok": factor <= 1.5,
                              "base_p95_ms": base["measurements"]["list"]["p95_ms"],
                              "base_date": base["date"]}
    return out


ROWS = [
    ("nodb", "no-DB DRF endpoint (`/bench/nodb/`)"),
    ("list", "`GET /api/v1/invoices?per_page=50`"),
    ("detail", "`GET /api/v1/invoices/{id}` (ids across the table)"),
    ("create_c4", "`POST /api/v1/invoices` 5 lines, B01, c=4"),
    ("create_c16", "`POST /api/v1/invoices` 5 lines, B01, c=16"),
    ("create_e31_c4", "`POST /api/v1/invoices` 5 lines, E31 (XML built, XSD, signed), c=4"),
    ("pdf_cached", "`GET /api/v1/invoices/{id}/pdf` cached"),
    ("pdf_cold", "`GET /api/v1/invoices/{id}/pdf` cold (not stored yet)"),
]
QUERY_KEYS = {"create_c4": "create", "create_c16": "create"}
# What signing costs an issue: the E31 create's median over the B01 create's, same run.


def table(run_data: dict) -> str:
    m, q = run_data["measurements"], run_data["measurements"]["queries"]
    t = run_data["targets"]
    lines = [
        "| measurement | conc. | req/s | median ms | p95 ms | p99 ms | ratio to no-DB "
        "| queries | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for key, label in ROWS:
        r = m[key]
        ratio = "100%" if key == "nodb" else (f"{r['ratio']:.1%}" if r.get("ratio") is not None
                                             else "–")
        target = ""
        if key in t:
            target = f"{t[key]['target']}: {'✅' if t[key]['ok'] else '❌'}"
        if key == "create_c16":
            rate = t["create_c16_rate"]
            target += f"; {r['invoices_per_s']:.0f} invoices/s {rate['target']}: " \
                      f"{'✅' if rate['ok'] else '❌'}"
        if key in ("create_c4", "create_e31_c4"):
            target += f"; {r['invoices_per_s']:.0f} invoices/s"
        if key == "create_e31_c4":
            target += f"; +{r['p50_ms'] - m['create_c4']['p50_ms']:.1f} ms median over B01"
        if r.get("failed"):
            target += f" ⚠ {r['failed']} failed requests"
        queries = q.get(QUERY_KEYS.get(key, key), {}).get("queries", "–")
        lines.append(f"| {label} | {r['concurrency']} | {r['ok_rps']:,.0f} | {r['p50_ms']:.1f} "
                     f"| {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {ratio} | {queries} | {target} |")
    for key in ("render_10", "render_100"):
        r = m[key]
        lines.append(f"| PDF render alone, {r['lines']} lines ({r['pages']} page"
                     f"{'s' if r['pages'] != 1 else ''}), in-process | 1 | "
                     f"– | {r['median_ms']:.1f} | – | "
                     f"{r['max_ms']:.1f} (max) | – | – | {t[key]['target']}: "
                     f"{'✅' if t[key]['ok'] else '❌'} |")
    return "\n".join(lines)


def summary_lines(run_data: dict) -> list[str]:
    g = run_data["gapless"]
    fiscal = g["fiscal"]
    out = [
        f"Numbering check (SQL, after the create runs): {'OK' if g['ok'] else 'FAILED'} — "
        f"{fiscal['series']}: {fiscal['numbers']:,} numbers {fiscal['first']}…{fiscal['last']}, "
        f"{fiscal['duplicates']} duplicates, {fiscal['gaps']} gaps, next number "
        f"{fiscal['next_number']}; other series: "
        + ", ".join(f"{s['series']} {s['numbers']:,} {'ok' if s['ok'] else 'FAILED'}"
                    for s in g["series"]
                    if s["subtype_id"] != fiscal["subtype_id"] and s["numbers"]),
        f"Invoices created through the API in this run: {run_data['numbers_created']:,}; "
        f"Celery tasks queued on commit (to Redis, no worker running): "
        f"{run_data['tasks_queued']:,}.",
    ]
    m = run_data["measurements"]
    if "lock_window" in m:
        w = m["lock_window"]
        out.append(f"Series lock window (counter UPDATE → end of COMMIT, {w['runs']} API creates "
                   f"in-process): median {w['median_ms']} ms, p95 {w['p95_ms']} ms "
                   f"(goal ≤ {w['goal_median_ms']} ms median: "
                   f"{'OK' if w['median_ms'] <= w['goal_median_ms'] else 'over'}).")
    for key in ("floor_10", "floor_100"):
        if key in m:
            f = m[key]
            out.append(f"PDF engine floor, {f['lines']} lines as a bare table with no CSS: "
                       f"{f['median_ms']} ms; our document {f['ours_ms']} ms = {f['factor']}× "
                       f"(goal ≤ {f['goal_factor']}×: "
                       f"{'OK' if f['factor'] <= f['goal_factor'] else 'over'}).")
    if "list_plan" in m:
        p = m["list_plan"]
        index = "yes" if p["ids_use_index"] else "NO"
        whole = "YES" if p["sort_over_workspace"] else "no"
        out.append(f"List query plan: page ids from an index: {index}; a sort over the whole "
                   f"workspace: {whole}; rows query sorts: {'yes' if p['rows_sort'] else 'no'} "
                   "(plans in results.json).")
    if m.get("reports"):
        from bench import reports as report_bench

        out.extend(report_bench.summary_lines(m["reports"], run_data["invoices"]))
    if "list_1m_p95" in run_data["targets"]:
        r = run_data["targets"]["list_1m_p95"]
        out.append(f"List p95 at {run_data['invoices']:,} invoices: "
                   f"{run_data['measurements']['list']['p95_ms']:.1f} ms = {r['value']}× the "
                   f"10k run's {r['base_p95_ms']:.1f} ms ({r['base_date']}): "
                   f"{'OK' if r['ok'] else 'over target'}")
    return out


def write_results(cfg: Config, run_data: dict) -> None:
    runs = previous_runs(cfg.output)
    runs[str(run_data["invoices"])] = run_data
    cfg.output.parent.mkdir(parents=True, exist_ok=True)
    cfg.output.write_text(json.dumps({"latest": run_data, "runs": runs}, indent=2,
                                     ensure_ascii=False, default=str) + "\n")


README_START = "## Performance"
BLOCK_START = "<!-- bench:results (written by `python -m bench.run --update-readme`) -->"
BLOCK_END = "<!-- bench:end -->"


def _run_block(title: str, run_data: dict) -> list[str]:
    info = run_data["machine"]
    s = run_data["server"]
    return [
        f"### {title} — {run_data['date'][:10]}",
        "",
        f"`{run_data['command']}`; gunicorn {s['workers']} {s['worker_class']} workers"
        + (f" × {s['threads']} threads" if s["worker_class"] == "gthread" else "")
        + f"; wrk, {run_data['load']['seconds']:g} s per measurement in 3 slices, each after "
        f"a slice of the no-DB reference. Machine: {info['cores']} cores, {info['cpu']}, "
        f"{info['ram_gb']} GB RAM; PostgreSQL {info['postgresql']}, Python {info['python']}; "
        f"load average {info['load_avg_at_start']:.1f} when it started (the machine was "
        "shared with other jobs: read the ratios rather than the absolute figures).",
        "",
        table(run_data),
        "",
        *[f"- {line}" for line in summary_lines(run_data)],
        "",
    ]


def readme_block(runs: dict) -> str:
    parts = [BLOCK_START, ""]
    if "10000" in runs:
        parts += _run_block("10,000 invoices", runs["10000"])
    if "1000000" in runs:
        parts += _run_block("1,000,000 invoices", runs["1000000"])
    parts.append(BLOCK_END)
    return "\n".join(parts)


def update_readme(runs: dict, path: Path = README) -> None:
    """Replace the generated block of README's Performance section (the prose around it is
    written by hand); add the section if it is missing."""
    text = path.read_text()
    block = readme_block(runs)
    start, end = text.find(BLOCK_START), text.find(BLOCK_END)
    if start != -1 and end != -1:
        text = text[:start] + block + text[end + len(BLOCK_END):]
    elif f"\n{README_START}\n" in text:
        raise SystemExit("README's Performance section has no bench block markers.")
    else:
        text = text.rstrip("\n") + f"\n\n{README_START}\n\n{block}\n"
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    cfg = parse_args(argv)
    if not shutil.which(cfg.wrk) and not Path(cfg.wrk).exists():
        raise SystemExit("wrk is not installed (Debian/Ubuntu: apt-get install wrk).")
    os.chdir(ROOT)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    try:
        run_data = run(cfg)
    finally:
        if cfg.drop_db:
            with contextlib.suppress(Exception):
                drop_database(cfg)
    if cfg.reports_only:
        from bench import reports as report_bench

        output = (cfg.output if cfg.output != DEFAULT_OUTPUT
                  else DEFAULT_OUTPUT.with_name("reports_results.json"))
        output.write_text(json.dumps(run_data, indent=2, ensure_ascii=False, default=str)
                          + "\n")
        for line in report_bench.summary_lines(run_data["reports"], run_data["invoices"]):
            log(line)
        log(f"\nWrote {output} ({run_data['elapsed_s']:.0f} s).")
        return 0 if report_bench.index_backed(run_data["reports"]) else 1
    write_results(cfg, run_data)
    log("")
    log(table(run_data))
    log("")
    for line in summary_lines(run_data):
        log(line)
    log(f"\nWrote {cfg.output} ({run_data['elapsed_s']:.0f} s).")
    if cfg.update_readme:
        update_readme(previous_runs(cfg.output))
        log(f"Updated the Performance section of {README}.")
    return 0 if run_data["gapless"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

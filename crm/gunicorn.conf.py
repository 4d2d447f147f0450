"""gunicorn's settings for serving the CRM (``./dev serve``; ``gunicorn -c crm/gunicorn.conf.py crm.wsgi``).

Workers from the CPU count, cores + 1, or WEB_CONCURRENCY. Not gunicorn's 2 × cores + 1 (for workers that
mostly wait): a request here is CPU work (templates, the ORM) with short database waits, and in the documented
set-up PostgreSQL and the task workers share the machine. On 2 cores, 100,000 contacts, 20 clients
(bench/load.py): 3 workers 63 requests/s, p95 375 ms; 5 workers 55–60 requests/s, p95 415–458 ms.
Bound to 0.0.0.0:$PORT (8000); access log as one JSON object per line on stdout, like the app's own logs.
"""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then (bounded memory), with jitter so they do not all restart at once
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
access_log_format = ('{"time": "%(t)s", "level": "INFO", "logger": "gunicorn.access", "method": "%(m)s", '
                     '"path": "%(U)s", "query": "%(q)s", "status": %(s)s, "bytes": "%(B)s", '
                     '"duration_ms": %(M)s, "remote": "%(h)s"}')

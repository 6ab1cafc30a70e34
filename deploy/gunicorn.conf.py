"""gunicorn's production settings (docker-compose.yml and the Dockerfile pass --config this file;
`make bench` serves with it too). Each can be overridden from the environment.

- Threaded workers (gthread): a worker serves WEB_THREADS requests at once, so one slow page (an
  export, a first load after a deploy) never holds every worker; Django is thread-safe and each
  thread keeps its own database connection.
- A 60 s timeout (gunicorn's default is 30 s): with threads the timeout only fires when a whole
  worker stops answering, not when one request is slow, and the slowest pages answer well within
  it (bench/results/). A worker is recycled after about 1,000 requests to cap memory growth.
- What a worker loads at start (Django, the apps, the models) is frozen out of the garbage
  collector's sight (gc.freeze): its full collections then walk only what requests made, not
  the ~140,000 objects of the loaded code (~80 ms of CPU each, once every few hundred requests).
"""

import gc
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_WORKERS", "3"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"


def post_worker_init(worker):
    """After the worker has loaded the application (see the module)."""
    gc.freeze()

# newsflow: one image for every role (docker-compose.yml picks the role by its command).
# Alone it runs `newsflow run`: the embedded Redis, workers and the watcher of /inbox.
FROM python:3.11-slim

WORKDIR /app
COPY pyproject.toml README.md ./
COPY requirements ./requirements
COPY scripts/install.sh ./scripts/install.sh
COPY pipelines ./pipelines
COPY workers ./workers
# What .ci/run installs, the same way: scripts/install.sh makes /app/.venv with the
# hash-pinned spaCy model and newsflow. NEWSFLOW_EXTRAS=test adds the test tools.
ARG NEWSFLOW_EXTRAS=""
RUN PIP_NO_CACHE_DIR=1 bash scripts/install.sh "$NEWSFLOW_EXTRAS"

# A user of its own; the folders it writes to are made and given to it before VOLUME,
# so that a fresh volume starts with that owner.
RUN useradd --system --uid 10001 --create-home --home-dir /home/newsflow newsflow \
 && mkdir -p /var/lib/newsflow /inbox \
 && chown newsflow:newsflow /var/lib/newsflow /inbox
# The probes listen on every interface of the container, so a Prometheus beside it can
# scrape them; outside a container the default is loopback only.
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    NEWSFLOW_HOME=/var/lib/newsflow \
    NEWSFLOW_INBOX=/inbox \
    NEWSFLOW_METRICS_PORT=9100 \
    NEWSFLOW_METRICS_HOST=0.0.0.0
VOLUME ["/var/lib/newsflow"]
USER newsflow

# Healthy while the role answers on its metrics port (no curl in the image: urllib, past
# any HTTP_PROXY the container is given for the open web).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; r.build_opener(r.ProxyHandler({})).open('http://127.0.0.1:' + os.environ['NEWSFLOW_METRICS_PORT'] + '/healthz', timeout=4)"]

CMD ["newsflow", "run"]

# syntax=docker/dockerfile:1
#
# Family Fieldwork: one image for every process of the service. The default
# command is the web server; docker-compose.yml runs the same image as the
# migration job, the rq worker and the rq cron scheduler.
#
#   docker build -t family-fieldwork .
#   docker run -e SECRET_KEY=... -e DATABASE_URL=... -e REDIS_URL=... -p 8000:8000 family-fieldwork

# --- build: install the package and its dependencies into a virtualenv -------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

# .dockerignore lets in only pyproject.toml and the package sources.
WORKDIR /src
COPY . .
RUN pip install .

# --- runtime -----------------------------------------------------------------
FROM python:3.11-slim

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    INSTANCE_PATH=/app/instance \
    PWA_DIR=/app/pwa \
    PRODUCTION=1 \
    WEB_CONCURRENCY=3

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app

COPY --from=build /opt/venv /opt/venv

WORKDIR /app
COPY pwa/ pwa/

# The app serves the PWA from PWA_DIR; fail the build if it is missing. The
# instance directory must be writable by the app user.
RUN test -f /app/pwa/index.html \
 && mkdir -p /app/instance \
 && chown app:app /app/instance

USER app

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=4).status != 200)"]

# Workers: WEB_CONCURRENCY (3 by default; about 2 x CPU cores + 1 is usual).
# --timeout kills a worker silent for 60 s; --graceful-timeout is how long a
# stopping worker may finish its requests (keep stop_grace_period above it).
# The heartbeat file goes to /dev/shm, as a container's overlay filesystem can
# stall it; gunicorn's control socket is not needed in a container.
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--timeout", "60", "--graceful-timeout", "30", "--max-requests", "1000", "--max-requests-jitter", "100", "--worker-tmp-dir", "/dev/shm", "--no-control-socket", "--access-logfile", "-", "server:create_app()"]

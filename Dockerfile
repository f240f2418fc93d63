# Raptorflow: one image for every role (web, stream, worker, beat, migrate); the command picks the role.
#   docker build -t raptorflow .
# Both stages must use the same base image: the virtualenv's python is a symlink into it.
ARG PYTHON_IMAGE=python:3.11-slim

# --- builder: install the pinned production requirements into a virtualenv ---------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# Compilers only matter if a pinned package has no wheel for the target platform;
# they stay in this stage.
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
COPY requirements/prod.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt

# --- runtime ----------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}

# Not secrets: fixed facts of the image. STATIC_ROOT must be the same at build time
# (collectstatic writes the manifest there) and at run time (WhiteNoise serves from it).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=raptorflow.settings \
    DJANGO_ENV=production \
    STATIC_ROOT=/app/staticfiles \
    RAPTORFLOW_VAR_DIR=/app/var

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# Code stays owned by root, so the app user cannot modify it.
COPY . .

# The throwaway values below exist only so the production settings load for collectstatic.
# They are set for this one command (env), never with ENV, so they are not in the image's
# environment; the real values come from the runtime environment.
RUN env \
      SECRET_KEY=build-only-collectstatic-dummy-key-never-used-at-runtime-0123456789 \
      RAPTORFLOW_ENCRYPTION_KEYS=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
      RAPTORFLOW_AUDIT_KEYS=build-only-collectstatic-dummy-audit-key-never-used-0123456789 \
      ALLOWED_HOSTS=localhost \
      DATABASE_URL=postgres://x@localhost/x \
      REDIS_URL=redis://localhost:6379/0 \
      CELERY_BROKER_URL=redis://localhost:6379/1 \
    python manage.py collectstatic --noinput \
 && python -m compileall -q /app \
 && install -d -o app -g app -m 0750 /app/var

USER 10001:10001

EXPOSE 8000

# No HEALTHCHECK here: worker, beat and migrate share this image and listen on no port.
# docker-compose.yml defines health checks for the web and stream services.

CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "raptorflow.wsgi:application"]

# Production image of the Samen Nieuw-West portal: gunicorn serving samennw.wsgi, static files by
# WhiteNoise, translations compiled, running as a non-root user. See docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SAMENNW_VAR_DIR=/app/var

# Pango and a full-Latin font for WeasyPrint (PDF reports), gettext for compilemessages (DECISIONS 26).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 samennw \
 && useradd --system --uid 10001 --gid samennw --home-dir /app --shell /usr/sbin/nologin samennw

WORKDIR /app

# Runtime dependencies of pyproject.toml, every version pinned by requirements.lock (no dev tools).
COPY pyproject.toml requirements.lock README.md /tmp/build/
RUN pip install -c /tmp/build/requirements.lock /tmp/build && rm -rf /tmp/build

COPY --chown=samennw:samennw . /app

# Static files (hashed, compressed) and translations are built into the image; the secret used here
# exists only during the build.
RUN SAMENNW_EPHEMERAL_SECRET=true python manage.py collectstatic --noinput -v 0 \
 && if find . -name '*.po' -not -path './node_modules/*' | grep -q .; then \
      SAMENNW_EPHEMERAL_SECRET=true python manage.py compilemessages --ignore=node_modules -v 0; \
    fi \
 && mkdir -p /app/var/media /var/lib/celery \
 && chown -R samennw:samennw /app/var /var/lib/celery

USER samennw
EXPOSE 8000

CMD ["gunicorn", "samennw.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

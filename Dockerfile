# Tidtam production image: gunicorn (web), celery worker and beat share it.
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      libjpeg62-turbo libopenjp2-7 shared-mime-info fonts-thai-tlwg gettext \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . \
 && DEBUG=False SECRET_KEY=build-only python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 tidtam && mkdir -p /app/var/media && chown -R tidtam /app/var
USER tidtam
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]

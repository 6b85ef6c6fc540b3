"""Settings for the load benchmark's gunicorn: production settings (DEBUG off, PostgreSQL and Redis from the
environment) except what plain HTTP on the loopback needs — no HTTPS redirect, cookies not marked secure — and
static files served without a collected manifest."""

import os

os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")

from config.settings import *  # noqa: E402,F403
from config.settings import STORAGES  # noqa: E402

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
TIDTAM_PUBLIC_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"  # as behind deploy/nginx.conf (locustfile: one per user)
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

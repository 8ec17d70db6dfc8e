"""The Celery app. Eager (in-process) when REDIS_URL is unset, the real broker otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "invoicing.settings")

app = Celery("invoicing")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""WSGI entry point: `gunicorn gradebook.wsgi` in production, `manage.py serve` here."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'gradebook.settings')
application = get_wsgi_application()

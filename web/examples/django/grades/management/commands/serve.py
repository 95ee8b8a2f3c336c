"""`manage.py serve`: migrate (creating and seeding the SQLite database), then serve the API, and with --static a
built front end, on a loopback port; the first line on stdout is the URL. For the end-to-end tests and for trying
the example; `runserver` works too, without the front end and the free port.
"""
import logging
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.db import connections


class Command(BaseCommand):
    help = 'Migrate and seed the database, then serve the API (and --static DIR at /) on --addr; prints the URL.'

    def add_arguments(self, parser):
        parser.add_argument('--addr', default='127.0.0.1:8000', help='host:port; port 0 picks a free one')
        parser.add_argument('--static', metavar='DIR', help='a built front end to serve at / (SvelteKit: build/)')
        parser.add_argument('--reset', action='store_true', help='delete the database first: only the seed rows')

    def handle(self, *args, addr, static, reset, verbosity, **options):
        host, _, port = addr.rpartition(':')
        if not host or not port.isdigit():
            raise CommandError(f'--addr {addr!r}: want host:port')
        if static:
            root = Path(static).resolve()
            if not (root / 'index.html').is_file():
                raise CommandError(f'--static {static}: no index.html there (build the front end first)')
            settings.SPA_DIR = str(root)
        if reset:
            connections.close_all()
            db = Path(settings.DATABASES['default']['NAME'])
            for path in (db, db.with_name(db.name + '-journal'), db.with_name(db.name + '-wal')):
                path.unlink(missing_ok=True)
        call_command('migrate', interactive=False, verbosity=max(verbosity - 1, 0))

        bare = host.strip('[]')  # [::1]:8000
        httpd = ThreadedWSGIServer((bare, int(port)), WSGIRequestHandler, ipv6=':' in bare)
        httpd.set_app(get_wsgi_application())  # sets logging up again: adjust it after this
        if verbosity < 1:
            logging.getLogger('django.server').setLevel(logging.ERROR)  # no line per request, errors still
        self.stdout.write(f'http://{host}:{httpd.server_address[1]}')
        self.stdout.flush()
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            httpd.server_close()

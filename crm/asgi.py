import os

from django.core.asgi import get_asgi_application

# A WSGI/ASGI server is a deployment: production settings unless told otherwise (manage.py and
# ./dev use the development settings).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.production")
application = get_asgi_application()

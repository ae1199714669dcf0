import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsdesk.settings")
django_application = get_asgi_application()

from opsdesk.core.limits import LimitedBodyASGI  # noqa: E402 - needs the settings configured above
from opsdesk.messaging.chat.asgi import WidgetStreams  # noqa: E402

# No more than the configured limit of a request body is read (Django would spool all of it before any middleware).
# The chat widget's event streams are served in front of Django, without a thread each (messaging/chat/asgi.py).
application = WidgetStreams(LimitedBodyASGI(django_application))

# Everything loaded so far (Django, the apps, their modules: ~120,000 objects) lives as long as the process. Frozen,
# the garbage collector stops walking it: a full collection took 45 ms before, a pause on whichever request hit it.
gc.collect()
gc.freeze()

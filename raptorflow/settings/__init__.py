"""Settings, split by concern. Every value that varies comes from the environment (see env.py).

Select with DJANGO_SETTINGS_MODULE=raptorflow.settings (development and production,
by DJANGO_ENV) or raptorflow.settings.test for the test suite.
"""

from .api import *  # noqa: F403
from .base import *  # noqa: F403
from .cache import *  # noqa: F403
from .celery import *  # noqa: F403
from .database import *  # noqa: F403
from .logging import *  # noqa: F403
from .raptorflow import *  # noqa: F403
from .security import *  # noqa: F403

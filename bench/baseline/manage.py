#!/usr/bin/env python
"""manage.py of the baseline; run from bench/: ../.venv/bin/python baseline/manage.py migrate"""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baseline.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)

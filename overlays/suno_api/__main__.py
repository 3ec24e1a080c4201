"""``python -m suno_api``: the ``suno-api`` command line (the same as the installed console script)."""

import sys

from suno_api.cli import main

sys.exit(main())

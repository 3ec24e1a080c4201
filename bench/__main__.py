"""``python -m bench`` (``make bench``)."""

import sys

from bench._cli import main

sys.exit(main())

"""``python -m conformance.suite``: run the conformance suite (``make conformance``)."""

import sys

from conformance.suite._entry import main

sys.exit(main())

"""``python -m suno_api_build generate|check|diff|coverage`` (see ``_main``)."""

from suno_api_build._main import main

raise SystemExit(main())

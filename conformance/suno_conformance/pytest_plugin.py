"""The ``suno_mock`` pytest fixture for users' own tests (registered through the ``pytest11`` entry point)."""

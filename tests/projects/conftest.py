"""The project fixtures live in tests/conftest.py; ``make_project`` is re-exported for old imports."""

from ..conftest import make_project

__all__ = ["make_project"]

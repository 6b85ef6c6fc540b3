"""What the reminder engines learn from the domain apps: deadline sources and digest sections.

The sweep and the digest know nothing of projects or inspections. Each app registers what it has to
say in its ``AppConfig.ready()``:

- a :class:`Source` of deadline items (quarterly forms, inspection actions…): anything with a unique
  ``key``, a ``recipient``, a ``rule`` (``code`` and ``audience``), an ``office_id``, a ``due_date``,
  ``days_left``, a ``kind`` naming its source, and ``line()`` for the command's dry run;
- a :class:`DigestSection` of the weekly digest (the quarterly forms' progress…).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Source:
    kind: str
    #: (today, catch-up days) → today's items, whether or not they were told already
    items: Callable[[date, int], list]
    #: (this source's items of one letter, today) → their part of the deadline letter's template context
    context: Callable[[list, date], dict]


@dataclass(frozen=True)
class DigestSection:
    name: str
    #: (office, today) → what the section says this week for the whole office (None: the office has no year)
    week: Callable[[object, date], object | None]
    #: (week, recipient, today) → the recipient's part of the digest context, None when it has nothing to say
    context: Callable[[object, object, date], dict | None]
    #: (a letter's context) → one line for the command's dry run
    summary: Callable[[dict], str]


SOURCES: dict[str, Source] = {}
DIGEST_SECTIONS: dict[str, DigestSection] = {}


def register_source(source: Source) -> None:
    SOURCES[source.kind] = source


def register_digest_section(section: DigestSection) -> None:
    DIGEST_SECTIONS[section.name] = section

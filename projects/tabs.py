"""The project page's tabs: the project itself first, then what higher apps register in their ``AppConfig.ready()``
(eMENSCR's national-system data…), so that projects never imports them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url_name: str  # reversed with the project's pk
    #: (user, project) → whether the user sees the tab
    visible: Callable[[object, object], bool] = lambda user, project: True


TABS: dict[str, Tab] = {}


def register(tab: Tab) -> None:
    TABS[tab.key] = tab


def tabs_for(user, project) -> list[dict]:
    return [{"key": tab.key, "label": tab.label, "url": reverse(tab.url_name, args=[project.pk])}
            for tab in TABS.values() if tab.visible(user, project)]

"""``{% public_page_url office as url %}``: the office's public page when it publishes, else "" (one query)."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def public_page_url(office) -> str:
    from publication.content import publishes

    return reverse("publication:office", args=[office.code]) if office and publishes(office) else ""

from django import template

from projects.tabs import tabs_for

register = template.Library()


@register.simple_tag(takes_context=True)
def project_tabs(context, project):
    """The tabs higher apps registered for the project page (projects.tabs) that the user sees."""
    return tabs_for(context["request"].user, project)

from django.utils import translation


class UserLanguageMiddleware:
    """Signed-in users read Tidtam in the language they chose, on every device."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class OfficeChoiceMiddleware:
    """A central viewer with no office to work in yet is shown the offices to choose from (then the page they
    asked for), instead of landing silently in an office they did not pick."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import urlencode

        from .offices import OfficeNotChosen

        if not isinstance(exception, OfficeNotChosen):
            return None
        target = reverse("switch_office")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)

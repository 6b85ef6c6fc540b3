from django.utils.functional import SimpleLazyObject


def year_picker(request):
    """``picker_years``: the current office's fiscal years the user may see, newest first, for the one year
    picker (templates/_year_picker.html) on pages whose view does not pass ``years`` itself. Lazy: a page
    without the picker runs no query."""
    def years():
        if not request.user.is_authenticated:
            return []
        from .choosing import chosen_fiscal_year
        return chosen_fiscal_year(request)[1]

    return {"picker_years": SimpleLazyObject(years)}

"""The signed link an outside evaluator answers through: no login, valid for TIDTAM_EVALUATION_LINK_DAYS days,
naming one invitation (and its nonce, so planning can make an old link invalid by issuing a new one)."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Invitation

SALT = "tidtam.evaluation.invitation"


class LinkRefused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def token_for(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT)


def path_for(invitation: Invitation) -> str:
    return reverse("evaluation:answer_link", args=[token_for(invitation)])


def invitation_for(token: str) -> Invitation:
    """The outside invitation the token names; :class:`LinkRefused` when it was changed, expired or withdrawn."""
    try:
        data = signing.loads(token, salt=SALT, max_age=timedelta(days=settings.TIDTAM_EVALUATION_LINK_DAYS))
    except signing.SignatureExpired:
        raise LinkRefused(403, _("This evaluation link has expired. Ask the planning group of the office for a "
                                 "new link.")) from None
    except signing.BadSignature:
        raise LinkRefused(400, _("This evaluation link is not valid: it may have been copied incompletely or "
                                 "changed. Nothing was saved.")) from None
    if not isinstance(data, dict):
        raise LinkRefused(400, _("This evaluation link is not valid: it may have been copied incompletely or "
                                 "changed. Nothing was saved."))
    invitation = (Invitation.objects.filter(pk=data.get("i"), nonce=data.get("n"), user__isnull=True)
                  .select_related("evaluation__project__fiscal_year", "evaluation__project__group",
                                  "evaluation__project__office").first())
    if invitation is None:
        raise LinkRefused(400, _("This evaluation link has been withdrawn. Ask the planning group of the office "
                                 "for a new link."))
    return invitation

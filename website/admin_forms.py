"""What the admin's actions share: showing the domain's refusal on the form or as a message."""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import PermissionDenied


@contextmanager
def _refused(refusals, forbidden, show):
    try:
        yield
    except forbidden as error:
        raise PermissionDenied(str(error)) from error
    except refusals as error:
        show(str(error))


def refusal_shown_on(form, refusals, *, forbidden=()):
    """Run a valid form's action in the block. When the domain refuses (one of ``refusals``) the
    rest of the block is skipped and the reason becomes the form's error, so the page shows
    again with it; a refusal in ``forbidden`` (this user may not do it at all) is a 403."""
    return _refused(refusals, forbidden, lambda reason: form.add_error(None, reason))


def refusal_as_message(request, refusals, *, forbidden=(), prefix: str = ""):
    """The same for a button without a form (POST only): the reason, after ``prefix``, becomes
    an error message on the page the action redirects to."""
    return _refused(refusals, forbidden, lambda reason: messages.error(request, prefix + reason))

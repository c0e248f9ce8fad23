"""What the admin's action forms share: showing the domain's refusal on the form."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied


@contextmanager
def refusal_shown_on(form, refusals, *, forbidden=()):
    """Run a valid form's action in the block. When the domain refuses (one of ``refusals``) the
    rest of the block is skipped and the reason becomes the form's error, so the page shows
    again with it; a refusal in ``forbidden`` (this user may not do it at all) is a 403."""
    try:
        yield
    except forbidden as error:
        raise PermissionDenied(str(error)) from error
    except refusals as error:
        form.add_error(None, str(error))

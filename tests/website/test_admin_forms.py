"""website.admin_forms: a domain refusal ends the action and is shown; a forbidden one is a 403."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from website.admin_forms import refusal_as_message, refusal_shown_on


class Refused(Exception):
    pass


class NotYours(Refused):
    pass


class ReasonForm(forms.Form):
    reason = forms.CharField()


def _refuse(reason):
    raise Refused(reason)


def _valid_form():
    form = ReasonForm({"reason": "x"})
    assert form.is_valid()
    return form


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_refusal_skips_the_rest_and_becomes_the_forms_error():
    form = _valid_form()
    done = []
    with refusal_shown_on(form, Refused):
        _refuse("文件已签发，不能更正。")
        done.append(True)
    assert done == []
    assert form.non_field_errors() == ["文件已签发，不能更正。"]


def test_no_refusal_runs_the_whole_block():
    form = _valid_form()
    done = []
    with refusal_shown_on(form, Refused):
        done.append(True)
    assert done == [True] and form.is_valid()


def test_forbidden_refusal_is_a_403_even_when_it_is_also_a_refusal():
    with pytest.raises(PermissionDenied, match="无权"):
        with refusal_shown_on(_valid_form(), Refused, forbidden=NotYours):
            raise NotYours("无权处理")


def test_other_errors_pass_through():
    with pytest.raises(ValueError):
        with refusal_shown_on(_valid_form(), Refused):
            raise ValueError("bug")


def test_refusal_as_message_puts_the_reason_after_the_prefix():
    request = _request()
    with refusal_as_message(request, Refused, prefix="未能提交："):
        raise Refused("名单为空")
    assert [str(m) for m in get_messages(request)] == ["未能提交：名单为空"]

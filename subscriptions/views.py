"""/subscribe/: subscribe, confirm, unsubscribe (one click from the mail client)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import service
from .models import KIND_CHOICES


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="电子邮箱",
        error_messages={"required": "请填写电子邮箱。", "invalid": "电子邮箱格式不正确。"},
    )
    kinds = forms.MultipleChoiceField(
        label="订阅内容",
        choices=KIND_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一项订阅内容。"},
    )
    authority = forms.ModelChoiceField(
        label="发文机关", queryset=None, required=False, empty_label="全部发文机关"
    )
    series = forms.ModelChoiceField(
        label="系列", queryset=None, required=False, empty_label="全部系列"
    )

    def __init__(self, *args, **kwargs):
        from website.models import Authority, Series

        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = Authority.objects.all()
        self.fields["series"].queryset = Series.objects.all()
        message = "请从列表中选择。"
        self.fields["authority"].error_messages["invalid_choice"] = message
        self.fields["series"].error_messages["invalid_choice"] = message
        self.fields["kinds"].error_messages["invalid_choice"] = message


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest):
    form = SubscribeForm(request.POST or None, initial={"kinds": ["notice"]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service.subscribe(data["email"], data["kinds"], data["authority"], data["series"])
        return render(request, "subscriptions/pending.html", {"email": data["email"]})
    status = 400 if request.method == "POST" else 200
    return render(request, "subscriptions/subscribe.html", {"form": form}, status=status)


@never_cache
def confirm(request: HttpRequest, token: str):
    subscription = service.confirm(token)
    status = 200 if subscription else 404
    return render(
        request, "subscriptions/confirmed.html", {"subscription": subscription}, status=status
    )


@never_cache
@csrf_exempt  # RFC 8058: the mail client POSTs here with no session; the token is the secret
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str):
    """GET asks (a link scanner must not unsubscribe anyone); POST unsubscribes at once."""
    if request.method == "POST":
        subscription = service.unsubscribe(token)
        status = 200 if subscription else 404
        return render(
            request,
            "subscriptions/unsubscribed.html",
            {"subscription": subscription},
            status=status,
        )
    from .models import Subscription

    subscription = Subscription.objects.filter(token=token).first()
    return render(
        request,
        "subscriptions/unsubscribe.html",
        {"subscription": subscription},
        status=200 if subscription else 404,
    )

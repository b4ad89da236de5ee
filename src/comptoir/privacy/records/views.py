"""The retention page: DOMAIN.md §4's rules, the organisation's own durations
beside the defaults, and the form that changes them (PRIVACY_MANAGE)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.core.http import request_actor
from comptoir.privacy.records import services
from comptoir.privacy.records.retention import RULES_BY_CODE, effective_rules
from comptoir.privacy.retention import ALL_RULES
from comptoir.tenancy.roles import Permission
from comptoir.web.views import permission_required


class OverrideForm(forms.Form):
    rule_code = forms.ChoiceField(choices=[(rule.code, rule.code) for rule in ALL_RULES])
    months = forms.IntegerField(label=gettext_lazy("months"), min_value=0, initial=0)
    days = forms.IntegerField(label=gettext_lazy("days"), min_value=0, initial=0)


def _rows(organisation, failed: OverrideForm | None = None):
    own = effective_rules(organisation)
    rows = []
    for rule in ALL_RULES:
        applied = own[rule.code]
        form = failed if failed is not None and failed.data.get("rule_code") == rule.code else None
        if form is None and rule.duration is not None:
            form = OverrideForm(
                initial={
                    "rule_code": rule.code,
                    "months": applied.duration.months,
                    "days": applied.duration.days,
                },
                auto_id=f"id_{rule.code}_%s",
            )
        rows.append(
            {
                "rule": rule,
                "applied": applied,
                "overridden": applied.duration != rule.duration,
                "form": form if rule.duration is not None else None,
            }
        )
    return rows


@permission_required(Permission.PRIVACY_MANAGE)
def retention(request):
    status = 200
    failed = None
    if request.method == "POST":
        form = OverrideForm(request.POST, auto_id=f"id_{request.POST.get('rule_code', '')}_%s")
        actor = request_actor(request)
        if "reset" in request.POST and request.POST.get("rule_code") in RULES_BY_CODE:
            services.retention_override_clear(
                actor=actor, organisation=request.organisation, rule_code=request.POST["rule_code"]
            )
            messages.success(request, _("The default retention period applies again."))
            return redirect("privacy:records:retention")
        if form.is_valid():
            try:
                services.retention_override_set(
                    actor=actor, organisation=request.organisation, **form.cleaned_data
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The retention period was changed."))
                return redirect("privacy:records:retention")
        failed, status = form, 400
    return render(
        request,
        "privacy_records/retention.html",
        {"rows": _rows(request.organisation, failed), "failed": failed, "here": "privacy"},
        status=status,
    )

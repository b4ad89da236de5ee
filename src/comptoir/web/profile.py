"""The signed-in person's own page: the name other people see."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from comptoir.accounts import services as account_services
from comptoir.accounts.models import User
from comptoir.core.http import request_actor
from comptoir.web.submit import submit


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name"]


@login_required
def profile(request):
    form = ProfileForm(instance=request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=User.objects.get(pk=request.user.pk))
        outcome = submit(
            form,
            lambda data: account_services.user_set_display_name(
                actor=request_actor(request), user=request.user, **data
            ),
        )
        if outcome.saved:
            messages.success(request, _("Your name was saved."))
            return redirect("profile")
    return render(request, "web/profile.html", {"form": form})

"""Comptoir's URLs plus one view that fails, to see the 500 page as a user would."""

from django.urls import path

from comptoir.urls import urlpatterns as comptoir_urlpatterns


def broken(request):
    raise RuntimeError("a bug")  # what any unexpected failure looks like


urlpatterns = [path("broken/", broken), *comptoir_urlpatterns]

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the proxy's X-Forwarded-For when
    Comptoir is told it sits behind one (COMPTOIR_BEHIND_PROXY)."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def request_actor(request):
    """The audit actor of a request: its API token, else its signed-in user."""
    from comptoir.audit.services import Actor

    ip = client_ip(request)
    token = getattr(request, "api_token", None)
    if token is not None:
        return Actor.token(token, ip)
    user = getattr(request, "user", None)
    return Actor.user(user.pk if user and user.is_authenticated else None, ip)

"""Twenty login attempts at the same instant, against a fresh SQLite database.

Run by test_login_throttling in a subprocess, since a burst needs committed
data that several connections see at once. Prints one JSON line: how each
attempt was answered, and the account's failure count afterwards.
"""

import json
import os
import secrets
import sys
import threading
from collections import Counter

import django
import time_machine

ATTEMPTS = 20


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from django.utils import timezone

    from comptoir.accounts.models import User

    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["tests.hashers.QuickArgon2PasswordHasher"]
    email = f"rafale.{secrets.token_hex(4)}@example.test"
    user = User.objects.create_user(email, secrets.token_urlsafe(16))
    answers: list[str] = []
    barrier = threading.Barrier(ATTEMPTS)

    def attempt() -> None:
        try:
            barrier.wait()
            client = Client(headers={"Accept-Language": "en"})
            response = client.post("/accounts/login/", {"login": email, "password": "Wrong-0ne!"})
            body = response.content.decode()
            if "Try again in" in body:
                answers.append("throttled")
            elif "is locked" in body:
                answers.append("locked")
            else:
                answers.append("checked")
        finally:
            connections.close_all()

    with time_machine.travel(timezone.now(), tick=False):
        threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    user.refresh_from_db()
    json.dump({"answers": Counter(answers), "failed_logins": user.failed_logins}, sys.stdout)
    print()


if __name__ == "__main__":
    main()

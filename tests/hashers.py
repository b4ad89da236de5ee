from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 still, with a small cost so that tests creating many users stay quick."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1

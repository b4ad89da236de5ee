"""Typed readers of the environment that fail closed.

Secrets are read from ``NAME`` or from the file named by ``NAME_FILE``. The
secret key and the master key are generated once per installation under
``var/`` with mode 0600 when neither is given: never a default value.
"""

import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_json(name: str, default: dict) -> dict:
    """A JSON object (e.g. a storage's options); anything else is refused."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a JSON object ({exc.msg})") from None
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object, not {type(value).__name__}")
    return value


def var_dir() -> Path:
    """The folder of the installation's own state (database, keys, media)."""
    path = Path(os.environ.get("COMPTOIR_VAR_DIR", Path.cwd() / "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_file(path: Path, nbytes: int) -> bytes:
    """Read a secret file, creating it with mode 0600 if it does not exist yet."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            raise ImproperlyConfigured(
                f"{path} must not be readable by others (chmod 600)"
            ) from None
        return path.read_bytes()
    value = secrets.token_bytes(nbytes)
    with os.fdopen(fd, "wb") as handle:
        handle.write(value)
    return value


def read_secret_key() -> str:
    value = env_str("COMPTOIR_SECRET_KEY", "")
    if value:
        if len(value) < 50:
            raise ImproperlyConfigured("COMPTOIR_SECRET_KEY must be at least 50 characters")
        return value
    return secret_file(var_dir() / "secret_key", 48).hex()

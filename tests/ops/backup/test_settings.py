"""The backup storage is configured by environment, and bad JSON stops the
start-up (a subprocess loads the settings), never a silent default."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from comptoir.config import env_json


def test_env_json_reads_an_object_and_refuses_anything_else(monkeypatch):
    monkeypatch.delenv("COMPTOIR_X", raising=False)
    assert env_json("COMPTOIR_X", {"a": 1}) == {"a": 1}
    monkeypatch.setenv("COMPTOIR_X", '{"bucket_name": "b", "region_name": "eu-west-3"}')
    assert env_json("COMPTOIR_X", {}) == {"bucket_name": "b", "region_name": "eu-west-3"}
    for bad in ('{"bucket_name": ', '["a"]', "42"):
        monkeypatch.setenv("COMPTOIR_X", bad)
        with pytest.raises(ImproperlyConfigured, match="COMPTOIR_X must be a JSON object"):
            env_json("COMPTOIR_X", {})


def _settings_of(env: dict) -> subprocess.CompletedProcess:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['backups']))"
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "comptoir.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_settings_take_a_storage_class_and_its_options_or_fail_closed(tmp_path):
    good = _settings_of(
        {
            "COMPTOIR_BACKUP_STORAGE": "django.core.files.storage.InMemoryStorage",
            "COMPTOIR_BACKUP_STORAGE_OPTIONS": "{}",
        }
    )
    assert good.returncode == 0, good.stderr[-500:]
    assert '"BACKEND": "django.core.files.storage.InMemoryStorage"' in good.stdout
    bad = _settings_of({"COMPTOIR_BACKUP_STORAGE_OPTIONS": "{location: /tmp}"})
    assert bad.returncode != 0
    assert "COMPTOIR_BACKUP_STORAGE_OPTIONS must be a JSON object" in bad.stderr

"""Where backups are written: Django's ``storages["backups"]`` (settings).

A backup is never visible under its final name until it is whole:

* a storage with local paths (``FileSystemStorage``, the default): the file
  is written to a private temporary file in the storage's own folder (same
  file system), then ``storage.save`` moves it into place, one rename;
* another storage that can write a stream (``storage.open(name, "wb")``, as
  django-storages' S3 does with a multipart upload completed on close): the
  archive goes straight to it, and a failure deletes whatever was started;
* otherwise: a private temporary file, then ``storage.save``.

Memory holds one block at a time in every case.
"""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from django.core.files import File
from django.core.files.storage import Storage, storages

ALIAS = "backups"
_TEMP_PREFIX = ".partial-"


def backup_storage() -> Storage:
    return storages[ALIAS]


class _MovableFile(File):
    """A finished temporary file ``storage.save`` may move instead of copy."""

    def temporary_file_path(self) -> str:
        return self.name


def _local_root(storage: Storage) -> Path | None:
    try:
        return Path(storage.path(""))
    except NotImplementedError:
        return None


def write_new(storage: Storage, name: str, writer: Callable[[BinaryIO], object]) -> str:
    """Call ``writer(stream)`` and store what it wrote under ``name`` (or the
    free name the storage picks if ``name`` is taken); returns the stored
    name. Nothing is left under that name if ``writer`` raises."""
    root = _local_root(storage)
    if root is not None:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        return _via_temporary(storage, name, writer, folder=root)
    try:
        stream = storage.open(name, "wb")
    except (NotImplementedError, ValueError, OSError):
        return _via_temporary(storage, name, writer, folder=None)
    try:
        writer(stream)
        stream.close()
    except BaseException:
        try:
            stream.close()
        finally:
            if storage.exists(name):
                storage.delete(name)
        raise
    return name


def _via_temporary(storage, name, writer, *, folder: Path | None) -> str:
    fd, path = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".tmp", dir=folder)
    try:
        os.chmod(path, 0o600)
        with os.fdopen(fd, "wb") as stream:
            writer(stream)
        with open(path, "rb") as finished:
            stored = storage.save(name, _MovableFile(finished, name=path))
    finally:
        if os.path.exists(path):
            os.remove(path)
    return stored


def names_in(storage: Storage, folder: str) -> list[str]:
    """The files of ``folder`` (none if it does not exist yet), as storage names."""
    try:
        _dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(f"{folder}/{file}" if folder else file for file in files)

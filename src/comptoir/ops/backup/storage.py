"""Where backups are written: Django's ``storages["backups"]`` (settings).

A backup is never visible under its final name until it is whole:

* a local folder (``FileSystemStorage``, the default): the file is written
  to a private temporary file in the storage's own folder (same file
  system), then ``storage.save`` moves it into place, one rename;
* any other storage (object storage): a private temporary file, then
  ``storage.save``, which sends it in chunks.

Memory holds one block at a time in every case.
"""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

ALIAS = "backups"
_TEMP_PREFIX = ".partial-"


def backup_storage() -> Storage:
    return storages[ALIAS]


class _MovableFile(File):
    """A finished temporary file ``storage.save`` may move instead of copy."""

    def temporary_file_path(self) -> str:
        return self.name


def local_root(storage: Storage) -> Path | None:
    """The folder of a storage that is one on this machine; None otherwise."""
    if isinstance(storage, FileSystemStorage):
        return Path(storage.path(""))
    return None


def write_new(storage: Storage, name: str, writer: Callable[[BinaryIO], object]) -> str:
    """Call ``writer(stream)`` and store what it wrote under ``name`` (or the
    free name the storage picks if ``name`` is taken); returns the stored
    name. Nothing is left under that name if ``writer`` raises."""
    # Written to a private temporary file first (beside the backups when the
    # storage is a local folder, so storing it is a rename), then stored
    # through the storage API, which reads it in chunks: memory stays flat.
    root = local_root(storage)
    if root is not None:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return _via_temporary(storage, name, writer, folder=root)


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

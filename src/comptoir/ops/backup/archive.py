"""The backup file: a stream compressed with zstd, encrypted with AES-256-GCM
in chunks, with its manifest.

Layout::

    MAGIC (8) | header length (4, big endian) | header (JSON, UTF-8)
    then chunks: ciphertext length (4) | AES-256-GCM(chunk) with its 16-byte tag

The header is the first half of the manifest: what the file holds (``kind``:
``data`` or ``keys``), when it was made, the database engine, the schema
version (each app's latest migration) and Comptoir's version. It is readable
without the key, so backups can be listed and pruned without decrypting them,
and it is authenticated: its SHA-256 is the associated data of every chunk,
so a header edited by one byte makes every chunk fail.

Each file has its own key, derived with HKDF from the installation's backup
key (itself derived from the master key) and a random salt kept in the
header. The nonce of chunk *i* is *i* on 11 bytes followed by a final flag
(the STREAM construction): chunks moved, dropped or replayed fail to open,
and a file cut after any chunk lacks its final chunk, so truncation is caught
too. The final chunk holds the second half of the manifest: the plaintext's
size and SHA-256, checked after decompression.

Compression runs over the whole stream (zstd's own frames, multithreaded),
and its output is cut into chunks: memory holds one chunk at a time,
whatever the size of the database.
"""

import hashlib
import json
import os
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import zstandard
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from comptoir.privacy.masterkey import derived_key

MAGIC = b"CMPTBK01"
FORMAT = 1
KEY_PURPOSE = "backups"
CHUNK_BYTES = 4 * 1024 * 1024  # ciphertext chunk before its tag
ZSTD_LEVEL = 3
_LENGTH = struct.Struct(">I")
_TAG_BYTES = 16
_MAX_HEADER = 64 * 1024


class BackupError(Exception):
    """A backup that cannot be read: not a backup, tampered with, truncated,
    or made with another master key. The message says which, with no data."""


@dataclass
class Manifest:
    """What a backup file says about itself (see the module's docstring)."""

    kind: str
    created_at: str  # ISO 8601, UTC
    database: str  # "sqlite" or "postgresql"
    schema: dict[str, str]  # app label -> latest applied migration
    comptoir_version: str
    extra: dict = field(default_factory=dict)
    # Known once the whole file has been read (the final chunk):
    size: int | None = None
    sha256: str | None = None

    def header(self) -> dict:
        return {
            "format": FORMAT,
            "kind": self.kind,
            "created_at": self.created_at,
            "database": self.database,
            "schema": self.schema,
            "comptoir_version": self.comptoir_version,
            "extra": self.extra,
        }

    @classmethod
    def from_header(cls, header: dict) -> "Manifest":
        try:
            return cls(
                kind=str(header["kind"]),
                created_at=str(header["created_at"]),
                database=str(header["database"]),
                schema=dict(header["schema"]),
                comptoir_version=str(header["comptoir_version"]),
                extra=dict(header.get("extra") or {}),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BackupError(f"the backup's header is incomplete ({exc})") from None


def _file_key(salt: bytes) -> AESGCM:
    material = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"comptoir:backup-file:v1"
    ).derive(derived_key(KEY_PURPOSE))
    return AESGCM(material)


def _nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


class _Sealer:
    def __init__(self, out: BinaryIO, aead: AESGCM, associated: bytes):
        self.out, self.aead, self.associated = out, aead, associated
        self.index = 0
        self.written = 0

    def seal(self, plaintext: bytes, final: bool = False) -> None:
        sealed = self.aead.encrypt(_nonce(self.index, final), plaintext, self.associated)
        self.out.write(_LENGTH.pack(len(sealed)))
        self.out.write(sealed)
        self.index += 1
        self.written += _LENGTH.size + len(sealed)


class _ChunkSink:
    """Where zstd writes: cut into chunks of CHUNK_BYTES, each sealed as soon
    as full. Pieces are kept in a list and joined once per chunk (a growing
    bytearray copied every piece twice)."""

    def __init__(self, sealer: _Sealer):
        self.sealer = sealer
        self.pieces: list[bytes] = []
        self.length = 0

    def write(self, data) -> int:
        self.pieces.append(bytes(data))
        self.length += len(data)
        if self.length >= CHUNK_BYTES:
            joined = b"".join(self.pieces)
            view = memoryview(joined)
            start = 0
            while len(joined) - start >= CHUNK_BYTES:
                self.sealer.seal(view[start : start + CHUNK_BYTES])
                start += CHUNK_BYTES
            rest = joined[start:]
            self.pieces, self.length = ([rest] if rest else []), len(rest)
        return len(data)

    def flush(self) -> None:
        pass

    def finish(self) -> None:
        if self.length:
            self.sealer.seal(b"".join(self.pieces))
            self.pieces, self.length = [], 0


def write_archive(
    source: Iterable[bytes],
    out: BinaryIO,
    manifest: Manifest,
    *,
    progress: Callable[[int], None] | None = None,
    threads: int = -1,
) -> Manifest:
    """Compress, encrypt and write ``source`` (an iterable of byte blocks) to
    ``out``; returns the manifest completed with the plaintext's size and hash.

    ``progress`` is called with the number of plaintext bytes of each block
    read. ``threads`` is zstd's worker count (-1: one per core).
    """
    salt = os.urandom(32)
    header = dict(manifest.header(), salt=salt.hex())
    header_bytes = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    out.write(MAGIC + _LENGTH.pack(len(header_bytes)) + header_bytes)
    sealer = _Sealer(out, _file_key(salt), hashlib.sha256(header_bytes).digest())

    digest = hashlib.sha256()
    size = 0
    sink = _ChunkSink(sealer)
    # A stream writer, not a compressobj: with worker threads, compressobj
    # keeps taking input while the workers lag and its buffers grow with the
    # database (measured: +130 MB of address space for +136 MB of random
    # data); the writer hands each finished job to the sink, so memory stays
    # flat whatever the size.
    compressor = zstandard.ZstdCompressor(level=ZSTD_LEVEL, threads=threads).stream_writer(
        sink, closefd=False, write_return_read=True
    )
    for block in source:
        if not block:
            continue
        digest.update(block)
        size += len(block)
        compressor.write(block)
        if progress is not None:
            progress(len(block))
    compressor.flush(zstandard.FLUSH_FRAME)
    sink.finish()
    manifest.size, manifest.sha256 = size, digest.hexdigest()
    trailer = json.dumps({"size": size, "sha256": manifest.sha256}).encode()
    sealer.seal(trailer, final=True)
    return manifest


def read_header(stream: BinaryIO) -> tuple[Manifest, bytes, bytes]:
    """The manifest's first half, the header's bytes and the file's salt.
    Needs no key: listing and pruning read only this."""
    magic = stream.read(len(MAGIC))
    if magic != MAGIC:
        raise BackupError("this file is not a Comptoir backup (its first bytes are not ours)")
    length = _read_length(stream, "header")
    if length > _MAX_HEADER:
        raise BackupError("the backup's header is damaged (its length is not plausible)")
    header_bytes = stream.read(length)
    if len(header_bytes) != length:
        raise BackupError("the backup is truncated inside its header")
    try:
        header = json.loads(header_bytes)
        salt = bytes.fromhex(header["salt"])
        if header.get("format") != FORMAT:
            raise BackupError(f"the backup's format {header.get('format')!r} is not known here")
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BackupError("the backup's header is damaged (not valid JSON)") from None
    return Manifest.from_header(header), header_bytes, salt


def _read_length(stream: BinaryIO, what: str) -> int | None:
    raw = stream.read(_LENGTH.size)
    if not raw and what == "chunk":
        return None
    if len(raw) != _LENGTH.size:
        raise BackupError(f"the backup is truncated (inside a {what}'s length)")
    return _LENGTH.unpack(raw)[0]


def read_archive(stream: BinaryIO) -> tuple[Manifest, Iterator[bytes]]:
    """The manifest and an iterator of the plaintext, block by block.

    The iterator raises ``BackupError`` as soon as something does not hold:
    a chunk that does not authenticate, a missing final chunk, bytes after
    it, or a plaintext whose size or SHA-256 is not the recorded one. Only a
    file read to its end is proven whole: consume the iterator fully (to a
    temporary file) before acting on what it gave.
    """
    manifest, header_bytes, salt = read_header(stream)
    aead = _file_key(salt)
    associated = hashlib.sha256(header_bytes).digest()
    return manifest, _plaintext(stream, manifest, aead, associated)


def _plaintext(stream, manifest: Manifest, aead: AESGCM, associated: bytes) -> Iterator[bytes]:
    decompressor = zstandard.ZstdDecompressor().decompressobj()
    digest = hashlib.sha256()
    size = 0
    index = 0
    while True:
        length = _read_length(stream, "chunk")
        if length is None:
            raise BackupError("the backup is truncated: its final chunk is missing")
        if length > CHUNK_BYTES + _TAG_BYTES:
            raise BackupError(f"the backup is damaged: chunk {index} has an impossible length")
        sealed = stream.read(length)
        if len(sealed) != length:
            raise BackupError(f"the backup is truncated inside chunk {index}")
        try:
            chunk = aead.decrypt(_nonce(index, False), sealed, associated)
            final = False
        except InvalidTag:
            try:
                chunk = aead.decrypt(_nonce(index, True), sealed, associated)
                final = True
            except InvalidTag:
                raise BackupError(
                    f"chunk {index} of the backup does not authenticate: the file was altered, "
                    "or it was made with another master key"
                ) from None
        index += 1
        if final:
            break
        try:
            block = decompressor.decompress(chunk)
        except zstandard.ZstdError:
            raise BackupError("the backup's compressed stream is damaged") from None
        if block:
            digest.update(block)
            size += len(block)
            yield block
    if stream.read(1):
        raise BackupError("the backup has bytes after its final chunk")
    try:
        trailer = json.loads(chunk)
        expected_size, expected_sha = int(trailer["size"]), str(trailer["sha256"])
    except (ValueError, KeyError, TypeError):
        raise BackupError("the backup's final chunk is damaged") from None
    if size != expected_size or digest.hexdigest() != expected_sha:
        raise BackupError("the backup's content does not match its recorded checksum")
    manifest.size, manifest.sha256 = size, expected_sha


def verify_archive(stream: BinaryIO) -> Manifest:
    """Decrypt and check a whole backup without keeping what it holds."""
    manifest, blocks = read_archive(stream)
    for _ in blocks:
        pass
    return manifest

"""The loaded rule library kept on disk between processes: parsing and validating some 160 YAML files costs more
than everything a single review does, and the result depends only on those files and on this code.

The key is the library's hash (every file under the rule directory) together with a hash of the code that loads
it, so that editing any rule file, or the loader, builds a new entry. Entries are written to a temporary file and
renamed into place, so two processes building the same entry at once both end with a whole file. A broken library
is never cached: its errors are reported from a fresh load every time.

MTUS_CACHE_DIR chooses the folder (default: $XDG_CACHE_HOME/mtus-checker, else ~/.cache/mtus-checker);
MTUS_CACHE_DIR=off turns the cache off. Only files the current user owns, in a folder no one else may write to,
are read (an entry is a pickle)."""
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path

from .. import __version__
from ..paths import rules_dir
from ..request.vocabulary import adopt_vocabulary
from .load import Library, library_hash, load_library

KEEP = 8  # entries kept in the folder (one per rule library and checker version in use)
_CODE = ("library", "request")  # the subpackages whose code builds a Library


def cache_dir():
    """The cache folder, or None when MTUS_CACHE_DIR=off."""
    chosen = os.environ.get("MTUS_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "mtus-checker"


def code_hash():
    """sha256 of the checker code that loads a library, its version and the Python version."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{__version__}\0{sys.version_info[:2]}\0".encode())
    for path in sorted(p for sub in _CODE for p in (package / sub).glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def entry_path(root=None, folder=None):
    """Where the cached library of `root` is (or would be) kept, or None when the cache is off."""
    folder = folder or cache_dir()
    if folder is None:
        return None
    root = Path(root) if root else rules_dir()
    key = hashlib.sha256(f"{library_hash(root)}\0{code_hash()}".encode()).hexdigest()[:32]
    return Path(folder) / f"library-{key}.pickle"


def cached_library(root=None):
    """The rule library of `root` (default: the bundled rules/), from the cache when it holds this very library,
    else loaded and validated (raising LibraryErrors as load_library does) and then stored."""
    path = entry_path(root)
    if path is None:
        return load_library(root)
    library = _read(path)
    if library is not None:
        adopt_vocabulary(library.vocabulary, root)  # the request stage need not read the same files again
        return library
    library = load_library(root)
    _write(path, library)
    return library


def _trusted(path):
    """Whether a cache file may be unpickled: the current user's own, in a folder only that user may write to."""
    try:
        info, folder = path.stat(), path.parent.stat()
    except OSError:
        return False
    uid = os.getuid()
    return info.st_uid == uid and folder.st_uid == uid and not folder.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(path):
    library = read_entry(path)
    return library if isinstance(library, Library) else None


def _write(path, library):
    library.memo.clear()
    library.vocabulary.memo.clear()
    write_entry(path, library)


def read_entry(path):
    """The object kept at `path`, or None when there is none, it is damaged, or it is not to be trusted."""
    if path is None or not _trusted(path):
        return None
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # a damaged or stale entry is rebuilt, never trusted
        return None


def write_entry(path, obj, keep=KEEP):
    """Store an entry atomically, keeping the `keep` newest entries of its kind (the name up to its first '-');
    a cache that cannot be written is no cache, never an error."""
    if path is None:
        return
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".entry-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(path, keep)
    except OSError:
        pass


def _prune(path, keep):
    kind = path.name.split("-", 1)[0]
    entries = sorted(path.parent.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [p for p in entries if p != path][keep - 1:]:
        old.unlink(missing_ok=True)

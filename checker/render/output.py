"""Writing output files atomically: a reader sees the old file or the whole new one, never half of either. The
target keeps its permissions; a link, device or folder, and a file this process read as its input, are never
replaced; and no temporary file is left behind."""
import os
import signal
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ..errors import InputError
from ..request import gate

_SIGNALS = {getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, n)}


@contextmanager
def _signals_held():
    """Termination signals wait until the file is in place or the temporary one is gone."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _mode(path):
    """The permissions the written file gets: the target's own, or those a new file gets under the umask."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask
    if not stat.S_ISREG(info.st_mode):
        raise InputError(path, "not a regular file (a link, device, pipe or folder): refusing to replace it")
    if gate.is_input(path):
        raise InputError(path, "is this command's input: refusing to overwrite it")
    return stat.S_IMODE(info.st_mode)


def write_atomic(path, text):
    """Write text (or bytes) to path atomically, keeping the target's permissions."""
    path = Path(path)
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    folder = path.parent if str(path.parent) else Path(".")
    mode = _mode(path)
    # held signals: SIGINT, SIGTERM, SIGHUP and SIGQUIT wait for the rename, so none of them leaves the temporary
    # file behind (SIGKILL cannot be held; the file is then readable by its owner only)
    with _signals_held():
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                os.fchmod(fh.fileno(), mode)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise

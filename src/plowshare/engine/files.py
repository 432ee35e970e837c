"""Writing result files safely: atomically, with the user's umask, never over a device.

A target that exists must be a regular file: a device (``/dev/full``), a FIFO, a folder
or a symbolic link is refused with an :class:`InputError` before anything is written,
since renaming over it would replace it (and writing through it is not atomic).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from plowshare.core.errors import InputError


def umask() -> int:
    """The process's umask, read without changing it where the system says it."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore (not thread-safe, but brief)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode a newly created file gets: 0666 less the umask (0644 under umask 022)."""
    return 0o666 & ~umask()


def check_target(path: Path) -> None:
    """Refuse a target that exists and is not a regular file (device, FIFO, folder, link)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(st.st_mode):
        kind = (
            "a symbolic link"
            if stat.S_ISLNK(st.st_mode)
            else "a folder"
            if stat.S_ISDIR(st.st_mode)
            else "a device or other special file"
        )
        raise InputError(f"refusing to replace {kind}; choose another path", key=str(path))


def check_folder(folder: Path) -> None:
    """Refuse an output folder that exists and is not a folder."""
    if folder.exists() and not folder.is_dir():
        raise InputError("a folder expected, this is a file", key=str(folder))


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place.

    The file gets the mode the umask gives a new file (not ``mkstemp``'s 0600); a target
    that is not a regular file is refused."""
    check_folder(path.parent)
    check_target(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        try:
            os.fchmod(fd, file_mode())
        finally:
            os.close(fd)
        write(Path(tmp))
        check_target(path)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

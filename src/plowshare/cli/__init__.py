"""The command line: parse → load scenario → engine → print or write. Thin by design.

Commands live in one module per group (runs, contest, reports, info); importing them
registers them on the app. Every bad input ends in one line on stderr and exit code 2,
never a traceback.
"""

from __future__ import annotations

import signal
import sys
import threading

import typer

from plowshare.core.errors import InputError

from . import contest, explore, info, reports, runs, serve  # noqa: F401  (registers the commands)
from .common import app, err, out

__all__ = ["app", "main"]


BUG_HINT = "this is a bug in plowshare; please report it with the command you ran"


class Terminated(BaseException):  # not an Exception: no handler swallows it
    """SIGTERM arrived: stop like Ctrl-C, with exit code 143."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app; bad input → one line on stderr, exit code 2.

    Nothing escapes: Ctrl-C exits 130, SIGTERM 143, and anything unexpected prints one
    line with a bug-report hint and exits 1 (the fuzz suite proves bad input never gets
    there)."""
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return _main(argv)
    except Terminated:
        err.print("terminated", highlight=False, markup=False)
        return 143
    except KeyboardInterrupt:
        err.print("aborted", highlight=False, markup=False)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main(argv: list[str] | None) -> int:
    command = typer.main.get_command(app)
    try:
        # typer turns Ctrl-C into Exit(130) and, outside standalone mode, returns the code
        code = command.main(args=argv, prog_name="plowshare", standalone_mode=False)
        if isinstance(code, int) and not isinstance(code, bool) and code:
            if code == 130:
                err.print("aborted", highlight=False, markup=False)
            return code
    except InputError as e:
        err.print(f"error: {e.one_line()}", highlight=False, markup=False, soft_wrap=True)
        return 2
    except typer.Exit as e:
        return int(e.exit_code or 0)
    except typer.TyperException as e:
        if type(e).__name__ == "NoArgsIsHelpError":  # bare `plowshare`: show the help
            out.print(e.format_message(), highlight=False, markup=False)
            return 0
        ctx = getattr(e, "ctx", None)
        where = f"{ctx.command_path}: " if ctx is not None else ""
        msg = " ".join(e.format_message().split())
        err.print(f"error: {where}{msg}", highlight=False, markup=False, soft_wrap=True)
        return 2
    except typer.Abort:
        err.print("aborted", highlight=False, markup=False)
        return 130
    except (KeyboardInterrupt, Terminated):
        raise
    except Exception as e:  # the last resort: one line, never a traceback
        what = " ".join(f"{type(e).__name__}: {e}".split())[:300]
        err.print(f"error: {what} ({BUG_HINT})", highlight=False, markup=False, soft_wrap=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

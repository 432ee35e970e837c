"""The command line: parse → load scenario → engine → print or write. Thin by design.

Commands live in one module per group (runs, contest, reports, info); importing them
registers them on the app. Every bad input ends in one line on stderr and exit code 2,
never a traceback.
"""

from __future__ import annotations

import sys

import typer

from plowshare.core.errors import InputError

from . import contest, info, reports, runs, serve  # noqa: F401  (registers the commands)
from .common import app, err, out

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app; bad input → one line on stderr, exit code 2."""
    command = typer.main.get_command(app)
    try:
        command.main(args=argv, prog_name="plowshare", standalone_mode=False)
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
        err.print("aborted")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())

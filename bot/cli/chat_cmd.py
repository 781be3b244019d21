"""`pathbot chat`: talk to the bot locally, interactively or from a script."""

from __future__ import annotations

import typer

from bot.cli.errors import fail


def register(app: typer.Typer) -> None:
    @app.command()
    def chat(
        user: str = typer.Option("you", "--user", help="Who you are (a user id)."),
        workspace: str = typer.Option("local", "--workspace", help="Which workspace."),
        now: str | None = typer.Option(
            None,
            "--now",
            help="Fix the clock, e.g. 2027-02-17T08:30: local to the member "
            "(or the workspace) unless it carries an offset.",
        ),
        as_json: bool = typer.Option(False, "--json", help="One JSON object per reply."),
        admin: bool = typer.Option(False, "--admin", help="Act as a platform admin."),
    ) -> None:
        """Chat with the bot; reads one command per line when stdin is not a terminal."""
        run_console(user=user, workspace=workspace, now=now, as_json=as_json, admin=admin)


def run_console(*, user: str, workspace: str, now: str | None, as_json: bool, admin: bool) -> None:
    """Shared by `pathbot chat` and `pathbot run` without a chat platform."""
    import asyncio
    import sys
    from dataclasses import replace

    from bot.adapters.console.chat import chat
    from bot.adapters.console.scheduled import due_check
    from bot.adapters.console.session import console_caller, resolve_now
    from bot.cli.settings import settings_or_fail
    from bot.clock import FakeClock, SystemClock
    from bot.commands.dispatcher import Dispatcher
    from bot.curriculum.loader import CurriculumError
    from bot.ops.logs import configure_from
    from bot.services.runtime import default_asker, open_core
    from bot.storage.migrate import DatabaseNotReady

    if not user.strip() or not workspace.strip():
        fail("--user and --workspace can't be empty")
    caller = console_caller(user.strip(), workspace.strip(), admin)
    settings = settings_or_fail()
    configure_from(settings, quiet_by_default=sys.stdin.isatty())

    async def go() -> None:
        async with open_core(settings, SystemClock(), default_asker(settings)) as core:
            if now is not None:
                when = await resolve_now(now, caller, core.sessions, settings.timezone)
                core = replace(core, clock=FakeClock(when))
            cards = settings.data_dir / "cards"
            await chat(Dispatcher(core), caller, as_json, due_check(core, caller), cards)

    try:
        asyncio.run(go())
    except CurriculumError as error:
        fail(f"the curriculum can't be loaded: {error}")
    except (DatabaseNotReady, ValueError) as error:
        fail(str(error))
    except BrokenPipeError:
        pass  # the reader (e.g. `| head`) went away: nothing left to say
    except OSError as error:
        fail(f"cannot reach the database: {str(error).splitlines()[0]}")

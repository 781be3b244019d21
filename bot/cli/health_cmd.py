"""`pathbot health`: ask the running bot's HTTP server whether it is up (or ready).

The container's HEALTHCHECK runs it; it needs nothing but the standard library and
the settings, so a check costs a fraction of a second.
"""

from __future__ import annotations

import json

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def health(
        ready: bool = typer.Option(
            False, "--ready", help="Ask /readyz (every part working) instead of /healthz (up)."
        ),
        timeout: float = typer.Option(3.0, min=0.1, help="Seconds to wait for an answer."),
    ) -> None:
        """Exit 0 if the running `pathbot run` answers on PATHBOT_HTTP_HOST:PATHBOT_HTTP_PORT."""
        import urllib.error
        import urllib.request

        from bot.cli.settings import settings_or_fail

        settings = settings_or_fail()
        # A server listening on every address is asked on loopback.
        host = "127.0.0.1" if settings.http_host in {"0.0.0.0", "", "::"} else settings.http_host  # noqa: S104
        url = f"http://{host}:{settings.http_port}/{'readyz' if ready else 'healthz'}"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                body = response.read().decode()
        except urllib.error.HTTPError as error:
            typer.echo(f"not ready: {_failing(error.read().decode())}", err=True)
            raise typer.Exit(1) from None
        except (urllib.error.URLError, OSError) as error:
            typer.echo(f"no answer from {url}: {getattr(error, 'reason', error)}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"ok: {url} {json.loads(body).get('status', 'ok')}")


def _failing(body: str) -> str:
    try:
        parts = json.loads(body).get("parts", {})
    except (ValueError, AttributeError):
        return body[:200]
    failing = [f"{name} ({part['detail']})" for name, part in parts.items() if not part["ok"]]
    return ", ".join(failing) or body[:200]

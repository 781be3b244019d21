"""Will this deployment work? Each check says ok, warn or fail, and why.

`pathbot doctor` prints them; a `fail` makes it exit 1. Checks never raise: a
failure to check is itself the answer ("cannot reach the database: …").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.curriculum.models import Curriculum
from bot.services.integrity import Discrepancy, audit_kept, audit_totals
from bot.storage import migrate
from bot.storage.engine import make_engine, make_sessions

#: Differences listed in full; the rest are counted.
SHOWN_DIFFERENCES = 5


class Status(StrEnum):
    OK = "ok"
    #: Works, but something deserves a look.
    WARN = "warn"
    #: Blocks: the bot will not work until it is fixed.
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: Status
    detail: str

    def as_json(self) -> dict[str, str]:
        return {key: str(value) for key, value in asdict(self).items()}


def healthy(checks: list[Check]) -> bool:
    return all(check.status is not Status.FAIL for check in checks)


async def database_checks(url: str, curriculum: Curriculum | None = None) -> list[Check]:
    """Reachable, migrated to the code's head, and its stored totals true to the rows;
    with the curriculum, the figures kept on members' rows too."""
    engine = make_engine(url)
    try:
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            current = await migrate.current_revision(engine)
        except (SQLAlchemyError, OSError) as error:
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            return [Check("database", Status.FAIL, f"cannot reach it: {first}")]
        checks = [Check("database", Status.OK, f"reachable ({engine.dialect.name})")]
        head = migrate.head_revision()
        if current != head:
            checks.append(
                Check(
                    "migrations",
                    Status.FAIL,
                    f"at {current or 'none'}, the code needs {head}: run `pathbot db upgrade`",
                )
            )
            return checks
        checks.append(Check("migrations", Status.OK, f"at head ({head})"))
        async with make_sessions(engine)() as db:
            differences = await audit_totals(db)
            kept = await audit_kept(db, curriculum) if curriculum is not None else None
        if not differences:
            checks.append(Check("totals", Status.OK, "every stored total matches its rows"))
        else:
            shown = "; ".join(d.describe() for d in differences[:SHOWN_DIFFERENCES])
            more = len(differences) - SHOWN_DIFFERENCES
            checks.append(
                Check(
                    "totals",
                    Status.FAIL,
                    f"{len(differences)} stored figures disagree with their rows: {shown}"
                    + (f" (and {more} more)" if more > 0 else ""),
                )
            )
        if kept is not None:
            checks.append(_kept_check(kept))
        return checks
    finally:
        await engine.dispose()


def _kept_check(differences: list[Discrepancy]) -> Check:
    if not differences:
        return Check("kept figures", Status.OK, "every last active day and kept streak is true")
    shown = "; ".join(d.describe() for d in differences[:SHOWN_DIFFERENCES])
    return Check(
        "kept figures",
        Status.FAIL,
        f"{len(differences)} disagree with their rows: {shown}; run `pathbot db recount`",
    )

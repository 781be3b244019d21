"""Every example `/help COMMAND` shows works when typed, on both databases."""

from __future__ import annotations

from dataclasses import replace

from bot.commands.catalog import build_table
from bot.commands.dispatcher import Dispatcher
from tests.conftest import Bot, caller_for
from tests.integration.test_services import FakeAsker


async def test_every_help_example_works_when_typed(pathbot: Bot) -> None:
    # /ask needs the RAG, which has its own tests; a stand-in answers here.
    pathbot.dispatcher = Dispatcher(replace(pathbot.core, asker=FakeAsker()))
    tried = 0
    for number, spec in enumerate(build_table()):
        shown = await pathbot.say(caller_for("reader"), f"/help {spec.name}")
        fields = {field.name: field.value for field in shown.fields}
        examples = fields["Examples"].splitlines() if "Examples" in fields else []
        assert examples == list(spec.examples)
        for index, example in enumerate(examples):
            # A fresh admin in a channel for each example, so none depends on another.
            who = replace(caller_for(f"u{number}x{index}", admin=True), channel_id="C42")
            if spec.name != "join":
                assert (await pathbot.say(who, "/join 2027-01-04 UTC")).ok
            if spec.name == "pace":  # choosing a pace needs a cohort under way
                assert (await pathbot.say(who, "/cohort-start 2027-01-04")).ok
            if spec.name == "admin-remove":
                assert (await pathbot.say(who, "/admin-add @carol")).ok
            reply = await pathbot.say(who, example)
            assert reply.ok, (example, reply.text())
            tried += 1
    assert tried >= 25

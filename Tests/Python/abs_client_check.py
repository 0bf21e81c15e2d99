"""Drives aioaudiobookshelf 0.2.1 (the client Music Assistant uses) against a running fake
AudiobookShelf's progress endpoints, so the fake cannot drift from what a real client parses.

Starts nothing: it reads ABS_URL and ABS_TOKEN (an admin's) from the environment, as
`shelfmirror fake-abs` prints them (Tests/Python/run-abs-client-check.sh starts it for `make test`).
Prints one line per check and a closing 'N passed, N failed'; exits 1 if any check failed.
"""

import asyncio
import json
import os
import sys
import traceback

import aiohttp
from aioaudiobookshelf import get_user_client_by_token
from aioaudiobookshelf.client import UserClient
from aioaudiobookshelf.client.session_configuration import SessionConfiguration
from aioaudiobookshelf.schema.media_progress import MediaProgress
from aioaudiobookshelf.schema.user import UserType


class Checks:
    def __init__(self, client: UserClient) -> None:
        self.client = client
        self.progress: list[MediaProgress] = []
        self.untouched: str | None = None
        self.untouched_duration = 0.0

    async def login_carries_the_users_progress(self) -> None:
        user = self.client.user
        assert user.type_ == UserType.ROOT, user.type_
        assert isinstance(user.media_progress, list)
        assert len(user.media_progress) > 0, "the generated library gives the admin progress"

    async def me_progress_parses_with_the_servers_types(self) -> None:
        me = await self.client.get_my_user()
        self.progress = me.media_progress
        assert self.progress == self.client.user.media_progress
        finished = [mp for mp in self.progress if mp.is_finished]
        listening = [mp for mp in self.progress if not mp.is_finished]
        assert finished and listening, (len(finished), len(listening))
        for mp in self.progress:
            assert isinstance(mp.id_, str) and isinstance(mp.library_item_id, str)
            assert mp.episode_id is None
            for ms in (mp.last_update, mp.started_at):
                assert isinstance(ms, int) and not isinstance(ms, bool), ms
            assert isinstance(mp.duration, float) and mp.duration > 0, mp.duration
            assert isinstance(mp.current_time, float), mp.current_time
            assert mp.progress is not None and 0 <= mp.progress <= 1, mp.progress
            if mp.is_finished:
                assert isinstance(mp.finished_at, int) and mp.progress == 1, mp
                assert mp.started_at < mp.finished_at <= mp.last_update, mp
            else:
                assert mp.finished_at is None, mp
                assert 0 < mp.current_time < mp.duration, mp

    async def one_items_progress_is_the_same_row(self) -> None:
        for mp in self.progress[:5]:
            one = await self.client.get_my_media_progress(item_id=mp.library_item_id)
            assert one == mp, (one, mp)

    async def an_item_with_progress_parses_and_carries_it(self) -> None:
        mp = next(mp for mp in self.progress if not mp.is_finished)
        item = await self.client.get_library_item_book(book_id=mp.library_item_id, expanded=True)
        assert item.id_ == mp.library_item_id
        assert abs(item.media.duration - mp.duration) < 1e-6, (item.media.duration, mp.duration)
        # The client has no include= parameter; its own request path and model read the answer.
        raw = await self.client._get(f"/api/items/{mp.library_item_id}?expanded=1&include=progress")
        embedded = MediaProgress.from_dict(json.loads(raw)["userMediaProgress"])
        assert embedded == mp, (embedded, mp)

    async def items_in_progress_are_the_unfinished_most_recent_first(self) -> None:
        items = await self.client.get_my_items_in_progress()
        expected = sorted(
            (mp for mp in self.progress if not mp.is_finished and (mp.current_time or 0) > 0),
            key=lambda mp: -mp.last_update,
        )[:25]
        assert [i.id_ for i in items] == [mp.library_item_id for mp in expected], "order"
        assert [i.progress_last_update_ms for i in items] == [mp.last_update for mp in expected]

    async def an_item_without_progress_reads_as_none(self) -> None:
        libraries = await self.client.get_all_libraries()
        books = next(lib for lib in libraries if lib.media_type.value == "book")
        touched = {mp.library_item_id for mp in self.progress}
        async for page in self.client.get_library_items(library_id=books.id_):
            for item in page.results:
                if item.id_ not in touched and item.media.duration > 0:
                    self.untouched, self.untouched_duration = item.id_, item.media.duration
                    break
            if self.untouched:
                break
        assert self.untouched, "an item without progress"
        assert await self.client.get_my_media_progress(item_id=self.untouched) is None

    async def patching_progress_creates_finishes_and_restarts_it(self) -> None:
        item_id, duration = self.untouched, self.untouched_duration
        assert item_id
        await self.client.update_my_media_progress(
            item_id=item_id, duration_seconds=duration, progress_seconds=duration * 0.4, is_finished=False
        )
        started = await self.client.get_my_media_progress(item_id=item_id)
        assert started is not None and not started.is_finished and started.finished_at is None, started
        assert abs(started.current_time - duration * 0.4) < 1e-6, started.current_time
        assert abs(started.progress - 0.4) < 1e-9, started.progress
        assert started.duration == duration

        await self.client.update_my_media_progress(
            item_id=item_id, duration_seconds=duration, progress_seconds=duration, is_finished=True
        )
        finished = await self.client.get_my_media_progress(item_id=item_id)
        assert finished is not None and finished.is_finished and finished.progress == 1, finished
        assert isinstance(finished.finished_at, int) and finished.finished_at >= started.started_at
        assert finished.started_at == started.started_at

        # A re-listen: abs unfinishes, clears finishedAt and keeps startedAt.
        await self.client.update_my_media_progress(
            item_id=item_id, duration_seconds=duration, progress_seconds=60.0, is_finished=False
        )
        again = await self.client.get_my_media_progress(item_id=item_id)
        assert again is not None and not again.is_finished and again.finished_at is None, again
        assert again.current_time == 60.0 and again.started_at == started.started_at, again

        items = await self.client.get_my_items_in_progress(limit=1)
        assert [i.id_ for i in items] == [item_id], [i.id_ for i in items]


async def main() -> int:
    url, token = os.environ["ABS_URL"], os.environ["ABS_TOKEN"]
    passed = failed = 0
    async with aiohttp.ClientSession() as session:
        config = SessionConfiguration(session=session, url=url, token=token)
        try:
            client = await get_user_client_by_token(session_config=config)
        except Exception:  # POST /api/authorize refused or unreadable: nothing else can run
            traceback.print_exc(file=sys.stdout)
            print("FAIL login")
            print("aioaudiobookshelf: 0 passed, 1 failed")
            return 1
        checks = Checks(client)
        for name in [
            "login_carries_the_users_progress",
            "me_progress_parses_with_the_servers_types",
            "one_items_progress_is_the_same_row",
            "an_item_with_progress_parses_and_carries_it",
            "items_in_progress_are_the_unfinished_most_recent_first",
            "an_item_without_progress_reads_as_none",
            "patching_progress_creates_finishes_and_restarts_it",
        ]:
            try:
                await getattr(checks, name)()
                passed += 1
                print(f"ok   {name}")
            except Exception:  # every failure is reported, then the next check runs
                failed += 1
                print(f"FAIL {name}")
                traceback.print_exc(file=sys.stdout)
    print(f"aioaudiobookshelf: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

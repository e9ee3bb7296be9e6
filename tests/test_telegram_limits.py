"""The Telegram pacing: per chat, per group minute, overall, and a 429 holding back one chat."""

from __future__ import annotations

from bot.channels.telegram_limits import Limits, RateLimiter


class Time:
    """A monotonic clock whose sleep moves it: the limiter's delays are read, never waited."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def limiter(time: Time, **limits: float) -> RateLimiter:
    return RateLimiter(Limits(**limits), monotonic=time.monotonic, sleep=time.sleep)  # type: ignore[arg-type]


def test_one_message_per_second_per_chat() -> None:
    t = Time()
    lim = limiter(t, per_chat_burst=1)
    delays = [lim.reserve("42") for _ in range(4)]
    assert [round(d, 3) for d in delays] == [0.0, 1.0, 2.0, 3.0]


def test_a_short_burst_goes_at_once_then_one_per_second() -> None:
    t = Time()
    lim = limiter(t)  # default burst 3
    delays = [lim.reserve("42") for _ in range(6)]
    assert all(d < 0.1 for d in delays[:3])  # only the 1/30 s global gap apart
    assert [round(d) for d in delays[3:]] == [1, 2, 3]
    t.now += 10.0  # a quiet spell refills the burst
    again = [lim.reserve("42") for _ in range(4)]
    assert all(d < 0.1 for d in again[:3]) and round(again[3]) == 1


def test_chats_do_not_wait_for_each_other_beyond_the_global_gap() -> None:
    t = Time()
    lim = limiter(t)
    for _ in range(4):
        lim.reserve("1")  # the fourth is booked at +1 s
    assert lim.reserve("2") < 0.2  # another chat goes now, only the 1/30 s global gap apart


def test_twenty_per_minute_in_a_group() -> None:
    t = Time()
    lim = limiter(t, per_chat_interval=0.0, group_per_minute=20, global_per_second=1000)
    delays = [lim.reserve("-100") for _ in range(21)]
    assert max(delays[:20]) < 0.1 and 59.9 < delays[20] < 60.1
    assert limiter(t, per_chat_interval=0.0, group_per_minute=20, global_per_second=1000).reserve("5") == 0.0


def test_thirty_per_second_overall() -> None:
    t = Time()
    lim = limiter(t, per_chat_interval=0.0)
    delays = [lim.reserve(str(chat)) for chat in range(60)]
    assert delays[29] < 1.0 and 1.9 < delays[59] < 2.0  # 60 messages to 60 chats take about two seconds


def test_retry_after_blocks_only_that_chat() -> None:
    t = Time()
    lim = limiter(t)
    lim.block("-1", 12)
    assert lim.reserve("-1") == 12.0 and lim.blocked_for("-2") == 0.0
    assert lim.reserve("-2") < 0.05  # the far booking of -1 does not hold -2 behind it


async def test_wait_sleeps_the_reserved_delay() -> None:
    t = Time()
    lim = limiter(t, per_chat_burst=1)
    await lim.wait("7")
    await lim.wait("7")
    assert t.slept == [1.0]

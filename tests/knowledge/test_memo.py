"""Bounded memoisation: results come back without being remade, memory stays bounded."""

import pytest

from knowledge.memo import BoundedMemo


def test_a_result_is_made_once_then_remembered() -> None:
    made: list[str] = []
    memo: BoundedMemo[str, str] = BoundedMemo(10)

    def make(key: str) -> str:
        made.append(key)
        return key.upper()

    assert memo.get("parler", make) == "PARLER"
    assert memo.get("parler", make) == "PARLER"
    assert made == ["parler"]


def test_past_its_limit_everything_is_forgotten_at_once() -> None:
    memo: BoundedMemo[int, bool] = BoundedMemo(3)
    for key in range(10):
        memo.get(key, lambda k: k % 2 == 0)  # falsy results are remembered too
        assert len(memo) <= 3
    made: list[int] = []
    memo.get(9, lambda k: made.append(k) or False)
    assert made == []  # the last key made is still there


def test_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        BoundedMemo(0)


def test_room_says_how_many_keys_fit_before_all_are_forgotten() -> None:
    memo: BoundedMemo[int, int] = BoundedMemo(3)
    assert memo.room == 3
    memo.get(1, int)
    memo.get(1, int)
    assert memo.room == 2
    for key in range(2, 5):
        memo.get(key, int)
    assert memo.room == 2  # the fourth key found it full: the others were forgotten

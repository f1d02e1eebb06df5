"""The answer cache stays within its byte budget, whatever the answers' sizes."""

from server.cache import ResultCache


def test_least_recently_used_answers_make_room_and_the_budget_holds():
    cache = ResultCache(max_bytes=100, max_entry=60)
    cache.put("a", b"a" * 40, 40)
    cache.put("b", b"b" * 40, 40)
    assert cache.get("a")                     # a is now the most recently used
    cache.put("c", b"c" * 40, 40)             # 120 > 100: b goes, not a
    assert cache.get("b") is None and cache.get("a") and cache.get("c")
    cache.put("c", b"C" * 50, 50)             # replacing an entry counts its new size only
    assert cache.get("c") == b"C" * 50 and cache.get("a")
    cache.put("huge", b"x" * 61, 61)          # larger than one entry may be: not kept, nothing evicted
    assert cache.get("huge") is None and cache.get("a") and cache.get("c")

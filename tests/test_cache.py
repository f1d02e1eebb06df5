"""The answer cache stays within its byte budget, whatever the answers' and the keys' sizes."""

from server.cache import ENTRY_OVERHEAD, ResultCache


def test_least_recently_used_answers_make_room_and_the_budget_holds():
    entry = 4000 + ENTRY_OVERHEAD  # what a 4,000-byte answer counts for
    cache = ResultCache(max_bytes=2 * entry + 1000, max_entry=6000)
    cache.put("a", b"a" * 4000, 4000)
    cache.put("b", b"b" * 4000, 4000)
    assert cache.get("a")  # a is now the most recently used
    cache.put("c", b"c" * 4000, 4000)  # three do not fit: b goes, not a
    assert cache.get("b") is None and cache.get("a") and cache.get("c")
    cache.put("c", b"C" * 4500, 4500)  # replacing an entry counts its new size only
    assert cache.get("c") == b"C" * 4500 and cache.get("a")
    assert cache.size == entry + 4500 + ENTRY_OVERHEAD
    cache.put("huge", b"x" * 6000, 6000)  # larger than one entry may be: not kept, nothing evicted
    assert cache.get("huge") is None and cache.get("a") and cache.get("c")


def test_large_keys_cost_nothing_beyond_their_digest():
    """100 distinct one-megabyte queries, each with a tiny answer: the cache keeps them all
    (they fit its budget) without keeping the megabytes of their text."""
    import sys

    cache = ResultCache(max_bytes=1_000_000)
    queries = [f"SELECT * WHERE {{ ?s ?p {n} }} #" + "x" * 1_000_000 for n in range(100)]
    for n, query in enumerate(queries):
        cache.put(("version-1", query, (), None), (b"answer %d" % n, "text/csv"), 8)
    assert len(cache) == 100 and cache.get(("version-1", queries[7], (), None)) == (b"answer 7", "text/csv")
    kept = sum(sys.getsizeof(name) for name in cache._items)
    assert kept < 100 * 100  # 32-byte digests, not the 100 MB of query text
    assert cache.size == sum(len(b"answer %d" % n) + len("text/csv") + ENTRY_OVERHEAD for n in range(100))


def test_the_cache_measures_what_a_value_holds_beside_the_size_it_is_told():
    """A saved query's cached page keeps its links, which repeat the (possibly long) parameters."""
    cache = ResultCache(max_bytes=50_000, max_entry=20_000)
    links = {"next": "/queries/x?goal=" + "g" * 15_000}
    cache.put("page", (b"body", links), len(b"body"))
    assert cache.size >= 15_000
    cache.put("too-long", (b"body", {"next": "/q?x=" + "g" * 30_000}), 4)
    assert cache.get("too-long") is None
    for n in range(10):  # never more than the budget, however the values are told
        cache.put(n, (b"", {"next": "g" * 10_000}), 0)
        assert cache.size <= 50_000


def test_tiny_answers_are_bounded_in_number_by_their_overhead():
    cache = ResultCache(max_bytes=100 * ENTRY_OVERHEAD)
    for n in range(1000):
        cache.put(("v", f"ASK {{ <urn:x:{n}> ?p ?o }}"), b"", 0)
    assert len(cache) == 100
    assert (
        cache.get(("v", "ASK { <urn:x:999> ?p ?o }")) == b""
        and cache.get(("v", "ASK { <urn:x:0> ?p ?o }")) is None
    )

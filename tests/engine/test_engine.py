"""The durable-rules evaluator against the plain-Python reference, and the engine's guards."""
import gc
from dataclasses import replace
import os
import threading

import pytest
from conftest import SEEDS

from checker.engine.durable import DurableEvaluator, EngineError, to_durable
from checker.engine.trace import trace_signature
from checker.library.conditions import parse
from checker.library.plan import compile_plan
from checker.request.facts import ItemFacts, RequestFacts, derive, fact_fields
from checker.request.model import load_request
from checker.request.synthetic import random_requests


def _signature(checker, request):
    return trace_signature(checker.trace(request)[1])


def test_durable_and_reference_agree_on_random_requests(durable, reference, library):
    requests = random_requests(300, seed=7)
    seen = set()
    for request in requests:
        signature = _signature(durable, request)
        assert signature == _signature(reference, request), request.request_id
        seen |= {(entry[3], entry[4]) for entry in signature if len(entry) == 5}
    results = {r for _, r in seen}
    assert results == {"met", "unmet", "not_documented"}
    exercised = {c for c, _ in seen}
    assert len(exercised) >= 0.5 * len({c.id for c in library.criteria()}), "the random requests should exercise at least half the criteria (every one is covered by its examples)"


def test_durable_and_reference_agree_on_seeds(durable, reference):
    for path in SEEDS:
        request = load_request(path)
        assert _signature(durable, request) == _signature(reference, request)


def test_sessions_are_isolated(durable):
    a, b = load_request(SEEDS[3]), load_request(SEEDS[4])
    first = _signature(durable, a)
    _signature(durable, b)
    assert _signature(durable, a) == first


def test_many_evaluations_do_not_exhaust_sessions_or_grow_memory(durable):
    request = load_request(SEEDS[3])
    expected = _signature(durable, request)
    for _ in range(300):
        durable.trace(request)
    gc.collect()
    before = _rss()
    for _ in range(1500):  # more than the engine's 1024 live-session limit
        assert _signature(durable, request) == expected
    gc.collect()
    assert durable.evaluator.live_sessions() == 0
    assert _rss() - before < 16 * 2 ** 20


def _rss():
    with open(f"/proc/{os.getpid()}/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _facts(*items):
    return RequestFacts(items=tuple(ItemFacts(i, v) for i, v in items), warnings=())


def test_duplicate_fact_ids_are_rejected_not_silently_dropped(durable):
    values = {"category": "transportation", "review_day": 16000}
    with pytest.raises(EngineError, match="duplicate"):
        durable.evaluator.evaluate(_facts(("a", values), ("a", values)))


def test_oversized_fact_is_rejected_before_the_engine(durable, monkeypatch):
    values = {"category": "transportation", "review_day": 16000, **{f"x{i}": i for i in range(300)}}
    durable.evaluator.register()
    names = durable.evaluator._names["transportation"]
    monkeypatch.setattr(durable.evaluator, "_fields_of", {**durable.evaluator._fields_of, **{n: set(values) for n in names}})
    with pytest.raises(EngineError, match="more than"):
        durable.evaluator.evaluate(_facts(("a", values)))


def test_facts_are_sent_with_only_the_fields_rules_read(durable):
    """Each ruleset gets only the fields its own patterns read: every one far under the engine's limit."""
    from checker.engine.durable import MAX_FACT_KEYS
    durable.evaluator.register()
    fields = durable.evaluator._fields_of
    transport = set().union(*(fields[n] for n in durable.evaluator._names["transportation"]))
    assert {"category", "review_day", "doc_condition_precludes_ordinary_transport"} <= transport
    assert "pain_current" not in transport and "drug_class" not in transport
    assert max(len(f) for f in fields.values()) <= MAX_FACT_KEYS - 8


def _nemt(durable):
    return durable.library.topic("dhcs-medical-transportation").criteria[0].key


def test_identical_items_each_get_their_result(durable):
    # Two identical line items: durable-rules would cancel a batch with duplicate facts; ids keep them apart.
    values = {"category": "transportation", "review_day": 16000, "doc_condition_precludes_ordinary_transport": True}
    hits = durable.evaluator.evaluate(_facts(("a", values), ("b", values)))
    assert ("met", _nemt(durable), "a") in hits and ("met", _nemt(durable), "b") in hits


def test_absent_fact_is_neither_met_nor_unmet(durable):
    hits = durable.evaluator.evaluate(_facts(("a", {"category": "transportation", "review_day": 16000})))
    assert ("applies", _nemt(durable), "a") in hits
    assert not {k for k in hits if k[0] in ("met", "unmet")}


def test_items_outside_every_topic_are_not_sent_and_do_not_fail(durable):
    assert durable.evaluator.evaluate(_facts(("a", {"category": "other", "review_day": 16000}))) == set()


def test_dates_outside_the_edition_do_not_apply(durable):
    hits = durable.evaluator.evaluate(_facts(("a", {"category": "transportation", "review_day": 1000})))
    assert hits == set()


def test_negation_is_pushed_to_the_leaves():
    fields = fact_fields()
    cond = parse({"any": [{"fact": "quantity", "gt": 6}, {"fact": "clinical_course", "in": ["stable", "improving"]}]}, fields)
    assert to_durable(cond, positive=False) == {"$and": [
        {"$lte": {"quantity": 6}},
        {"$and": [{"$neq": {"clinical_course": "stable"}}, {"$neq": {"clinical_course": "improving"}}]}]}


def test_rulesets_are_registered_only_for_the_categories_evaluated(library):
    evaluator = DurableEvaluator(compile_plan(library))
    assert evaluator.rule_count == 0
    facts = derive(load_request(SEEDS[0]))
    evaluator.evaluate(facts)
    assert set(evaluator._names) == {item.values["category"] for item in facts.items}
    evaluator.register()
    assert set(evaluator._names) == set(evaluator.plan.by_category)


def test_rulesets_read_from_the_cache_evaluate_as_freshly_compiled_ones(library, tmp_path, monkeypatch):
    monkeypatch.setenv("MTUS_CACHE_DIR", str(tmp_path))
    plan = compile_plan(library)
    facts = [derive(load_request(seed)) for seed in SEEDS]
    fresh = DurableEvaluator(plan).evaluate_many(facts)  # compiles and writes the entries
    assert list(tmp_path.glob("rulesets-*.pickle"))
    assert DurableEvaluator(plan).evaluate_many(facts) == fresh  # reads them
    for entry in tmp_path.glob("rulesets-*.pickle"):
        entry.write_bytes(b"damaged")
    assert DurableEvaluator(plan).evaluate_many(facts) == fresh  # a damaged entry is rebuilt, never trusted
    monkeypatch.setenv("MTUS_CACHE_DIR", "off")
    assert DurableEvaluator(plan).evaluate_many(facts) == fresh


def test_a_variant_of_the_library_with_the_same_hash_gets_its_own_cached_rulesets(library, tmp_path, monkeypatch):
    # `rules test` plans variants of one library (a topic alone, a period's span): same sha256, other checks
    monkeypatch.setenv("MTUS_CACHE_DIR", str(tmp_path))
    facts = [derive(load_request(seed)) for seed in SEEDS]
    DurableEvaluator(compile_plan(library)).evaluate_many(facts)
    variant = replace(library, topics=library.topics[::2])
    assert variant.sha256 == library.sha256
    cached = DurableEvaluator(compile_plan(variant)).evaluate_many(facts)
    monkeypatch.setenv("MTUS_CACHE_DIR", "off")
    assert cached == DurableEvaluator(compile_plan(variant)).evaluate_many(facts)


def test_a_fresh_evaluator_per_library_can_coexist(library):
    # Two evaluators in one process register differently named rulesets.
    other = DurableEvaluator(compile_plan(library))
    request = load_request(SEEDS[0])
    assert other.evaluate(derive(request))


def test_every_compiled_pattern_starts_with_a_positive_kind_test(durable):
    # A pattern of only $nex matches durable's own state fact and never returns (a lone negation loops).
    durable.evaluator.register()
    for name, ruleset in durable.evaluator._host._ruleset_directory.items():
        for rule in ruleset.get_definition().values():
            pattern = rule["all"][0]["m"]
            assert pattern == {"$ex": {"kind": 1}} or pattern["$and"][0] == {"kind": "item"}, name


def test_no_background_threads_are_started(library):
    before = threading.active_count()
    evaluator = DurableEvaluator(compile_plan(library))
    evaluator.evaluate(derive(load_request(SEEDS[3])))
    assert threading.active_count() == before


def test_concurrent_evaluations_match_serial_ones(durable):
    requests = random_requests(40, seed=11)
    expected = [_signature(durable, r) for r in requests]
    results = [None] * len(requests)

    def work(offset):
        for i in range(offset, len(requests), 4):
            results[i] = _signature(durable, requests[i])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected


def test_random_requests_review_and_render_without_error(durable):
    # Templates are checked statically by lint; this renders every reachable sentence with real fact values.
    from checker.render.views import render
    for request in random_requests(300, seed=23):
        det = durable.review(request)
        assert all(render(det, view, "text") for view in ("review", "draft", "precheck")) and render(det, "review", "json")


def test_no_ruleset_can_match_more_patterns_than_durable_rules_allows(durable):
    """durable-rules fails a batch (error 303) when more than about 64 patterns of one ruleset match one fact; the
    evaluator splits a category's rules so that no fact can match more than MAX_MATCHING of them."""
    from checker.engine.durable import MAX_MATCHING
    durable.evaluator.register()
    bounds = durable.evaluator.matching_bound
    assert bounds and max(bounds) <= MAX_MATCHING
    assert sum(len(names) for names in durable.evaluator._names.values()) > len(durable.evaluator._names)  # some split


def test_the_matching_limit_is_real():
    """The limit the evaluator keeps under: 66 patterns matching one fact fail the batch."""
    from durable import engine as _durable

    class Host(_durable.Host):
        def _run(self):
            pass

    def run(n):
        host, name = Host(), f"limit_probe_{n}"
        rules = {f"r{i}": {"all": [{"m": {"$and": [{"kind": "item"}, {"$lt": {"v": 1000 + i}}]}}], "cap": 10 ** 6,
                           "run": lambda c: None} for i in range(n)}
        host.set_rulesets({name: rules})
        host.assert_facts(name, [{"sid": "s", "id": "a", "kind": "item", "v": 1}])

    run(60)
    with pytest.raises(Exception, match="303"):
        run(66)


def test_requests_evaluated_together_get_what_each_gets_alone(durable, reference):
    facts = [derive(r) for r in random_requests(60, seed=31)]
    alone = [durable.evaluator.evaluate(f) for f in facts]
    assert durable.evaluator.evaluate_many(facts) == alone
    assert reference.evaluator.evaluate_many(facts) == alone

"""API statistics are cached per user and query until the data changes: a service that changes
what statistics count bumps the data generation after commit, and the next request recomputes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from renovation.api import caching
from reporting.rollups.services import mark_dirty
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.RENOVATION_STATISTICS_CACHE_SECONDS = 300


@pytest.fixture
def started(programme, street_a, today):
    def make(households: int):
        return factories.ProjectFactory(
            programme=programme,
            compound__street=street_a,
            compound__households=households,
            in_construction=True,
            started_on=dt.date(today.year, 1, 2),
        )

    return make


def started_this_year(api, year: int) -> int:
    response = api.get(reverse("api:statistics-progress"), {"year": year})
    assert response.status_code == 200, response.content
    return next(r["started"] for r in response.json()["results"] if r["year"] == year)


def test_answer_is_served_from_the_cache_until_a_service_marks_a_change(
    district_api, started, today, django_capture_on_commit_callbacks
):
    first = started(100)
    assert started_this_year(district_api, today.year) == 1
    second = started(50)  # written behind the services' back: no generation bump

    assert started_this_year(district_api, today.year) == 1  # the cached answer

    with django_capture_on_commit_callbacks(execute=True):
        mark_dirty(project_ids=[second.pk])  # what every service does when it changes data

    assert started_this_year(district_api, today.year) == 2
    assert first.pk != second.pk


def test_answers_are_kept_per_user(district_api, street_api, started, street_b, programme, today):
    started(100)
    factories.ProjectFactory(
        programme=programme,
        compound__street=street_b,
        in_construction=True,
        started_on=dt.date(today.year, 1, 2),
    )

    assert started_this_year(district_api, today.year) == 2
    # The street officer asks the same question with the same query string: their own answer.
    assert started_this_year(street_api, today.year) == 1


def test_refused_parameters_are_never_cached(district_api, other_district, started, today):
    started(100)
    url = reverse("api:statistics-progress")
    for _ in range(2):
        response = district_api.get(url, {"district": other_district.pk})
        assert response.status_code == 400


def test_generation_bump_survives_an_evicted_counter(settings):
    from django.core.cache import cache

    cache.delete(caching.GENERATION_KEY)
    caching.data_changed()
    before = cache.get(caching.GENERATION_KEY)
    caching.data_changed()
    assert cache.get(caching.GENERATION_KEY) == before + 1


def test_remember_computes_once_per_data_generation():
    calls = []

    def compute():
        calls.append(1)
        return {"count": len(calls)}

    key = "renovation:test:remember"
    assert caching.remember(key, compute) == {"count": 1}
    assert caching.remember(key, compute) == {"count": 1}  # kept
    caching.data_changed()
    assert caching.remember(key, compute) == {"count": 2}  # recomputed after a change
    assert caching.remember(key, compute, timeout=0) == {"count": 3}  # 0: never kept


def test_compound_list_totals_follow_a_change(
    client, district_official, street_a, django_capture_on_commit_callbacks
):
    factories.CompoundFactory(street=street_a, households=100)
    client.force_login(district_official)
    url = reverse("programmes:compound-list")
    assert client.get(url).context["count"] == 1
    added = factories.CompoundFactory(street=street_a, households=50)
    assert client.get(url).context["count"] == 1  # kept until a service marks a change

    with django_capture_on_commit_callbacks(execute=True):
        mark_dirty(compound_ids=[added.pk])

    assert client.get(url).context["count"] == 2

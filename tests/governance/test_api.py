"""The open-data API's behaviour: pages and filters, every 400, 404, ETag/304, CORS, 429, the schema, query counts."""

import json

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.api import baseline
from tests.factories import CategoryFactory, DepartmentFactory, ProposalFactory
from tests.governance.api_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.API_RATE_LIMIT = "10000/m"
    settings.JURY_MIN_SIZE = 2
    return build_world()


@pytest.fixture
def many(settings):
    """25 public proposals in two departments and districts, and a draft."""
    settings.API_RATE_LIMIT = "10000/m"
    transport = CategoryFactory(code="transport", default_department=DepartmentFactory(code="transport"))
    parks = CategoryFactory(code="parks", default_department=DepartmentFactory(code="parks"))
    for n in range(25):
        ProposalFactory(published=True, category=transport if n % 2 else parks, scope="district",
                        district="mapo" if n % 5 else "jongno", title=f"P{n}")
    ProposalFactory(title="draft")


def get(client, name, args=(), language="en", **params):
    return client.get(reverse(f"api:{name}", args=args), params, HTTP_ACCEPT_LANGUAGE=language)


def test_a_list_pages_with_limit_and_offset(client, many):
    first = get(client, "proposals", limit=10).json()
    assert first["count"] == 25 and len(first["results"]) == 10 and first["previous"] is None
    assert "offset=10" in first["next"] and "limit=10" in first["next"]
    last = get(client, "proposals", limit=10, offset=20).json()
    assert len(last["results"]) == 5 and last["next"] is None and "offset=10" in last["previous"]
    ids = [r["id"] for r in first["results"]] + [r["id"] for r in get(client, "proposals", limit=10, offset=10).json()["results"]]
    assert len(set(ids)) == 20  # pages do not overlap


def test_filters_by_district_department_state_and_dates(client, many):
    assert get(client, "proposals", district="jongno").json()["count"] == 5
    assert get(client, "proposals", department="transport").json()["count"] == 12
    assert {r["department_code"] for r in get(client, "proposals", department="parks").json()["results"]} == {"parks"}
    assert get(client, "proposals", state="published").json()["count"] == 25
    assert get(client, "proposals", state="closed").json()["count"] == 0
    assert get(client, "proposals", since="2000-01-01", until="2000-12-31").json()["count"] == 0
    assert get(client, "proposals", since="2000-01-01").json()["count"] == 25


@pytest.mark.parametrize("params, code, names", [
    ({"colour": "red"}, "unknown_parameter", ["colour"]),
    ({"since": "2026-13-01"}, "invalid_parameter", ["since"]),
    ({"until": "yesterday"}, "invalid_parameter", ["until"]),
    ({"since": "2026-05-02", "until": "2026-05-01"}, "bad_date_range", None),
    ({"limit": "1000"}, "invalid_parameter", ["limit"]),
    ({"limit": "0"}, "invalid_parameter", ["limit"]),
    ({"limit": "ten"}, "invalid_parameter", ["limit"]),
    ({"offset": "-1"}, "invalid_parameter", ["offset"]),
    ({"offset": "25"}, "page_out_of_range", None),
    ({"state": "draft"}, "unknown_state", None),
    ({"state": "hidden"}, "unknown_state", None),
    ({"district": "atlantis"}, "unknown_district", None),
    ({"department": "nowhere"}, "unknown_department", None),
])
def test_a_query_the_api_cannot_answer_is_a_400_with_a_message(client, many, params, code, names):
    response = get(client, "proposals", **params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    if names:
        assert error["detail"].get("parameters", error["detail"].get("unknown")) == names


def test_the_message_is_korean_by_default_and_english_when_asked(client, many):
    korean = get(client, "proposals", language="ko", since="not-a-day").json()["error"]["message"]
    english = get(client, "proposals", language="en", since="not-a-day").json()["error"]["message"]
    assert english == "since is not a date: write it as YYYY-MM-DD."
    assert korean != english and "YYYY-MM-DD" in korean and any("\uac00" <= c <= "\ud7a3" for c in korean)
    unknown = get(client, "proposals", language="ko", colour="red").json()["error"]["message"]
    assert "colour" in unknown and any("\uac00" <= c <= "\ud7a3" for c in unknown)


def test_every_list_refuses_an_unknown_parameter(client, world):
    for name in ("proposals", "follow_ups", "votes", "rooms", "juries", "deliberative_polls", "committees",
                 "members", "meetings", "minutes", "recommendations", "annual_documents", "ratings", "indicators"):
        response = get(client, name, nonsense="1")
        assert response.status_code == 400, name
        assert response.json()["error"]["code"] == "unknown_parameter"


def test_unknown_records_and_addresses_are_json_404s(client, world):
    for name in ("proposal", "vote", "room", "jury", "committee", "meeting", "minutes_of", "follow_up"):
        response = get(client, name, args=[987654])
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found", name
    for path in ("/api/v1/nothing-here", "/api/v1/proposals/abc", "/api/v1/proposals/1/extra"):
        response = client.get(path)
        assert response.status_code == 404 and response["Content-Type"].startswith("application/json"), path


def test_head_gets_the_headers_of_get_without_the_body(client, many):
    got = get(client, "proposals")
    head = client.head(reverse("api:proposals"), HTTP_ACCEPT_LANGUAGE="en")
    assert head.status_code == 200 and head.content == b"" and head["ETag"] == got["ETag"]
    assert client.head(reverse("api:openapi-json")).status_code == 200


def test_writes_are_refused(client, world):
    assert client.post(reverse("api:proposals"), {}).status_code == 405
    assert client.delete(reverse("api:proposal", args=[world.public["proposals"]])).status_code == 405


def test_etag_and_if_none_match_give_a_304(client, many):
    first = get(client, "proposals")
    etag = first["ETag"]
    assert etag.startswith('"') and first.status_code == 200
    again = client.get(reverse("api:proposals"), HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert client.get(reverse("api:proposals"), HTTP_IF_NONE_MATCH='"other"').status_code == 200
    ProposalFactory(published=True, category=CategoryFactory(code="transport"), title="new")
    changed = client.get(reverse("api:proposals"), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_cors_allows_reads_from_any_site_and_no_writes(client, many):
    response = client.get(reverse("api:proposals"), HTTP_ORIGIN="https://data.example.net")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    feed = client.get(reverse("api:feed_proposals"), HTTP_ORIGIN="https://data.example.net")
    assert feed["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(reverse("api:proposals"), HTTP_ORIGIN="https://data.example.net",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="DELETE")
    allowed = {m.strip() for m in preflight["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}
    # The rest of the site is not opened to other sites.
    page = client.get(reverse("proposals:list"), HTTP_ORIGIN="https://data.example.net")
    assert "Access-Control-Allow-Origin" not in page


def test_too_many_requests_from_one_client_are_a_429_with_retry_after(client, many, settings):
    settings.API_RATE_LIMIT = "3/m"
    for _ in range(3):
        assert get(client, "proposals").status_code == 200
    refused = get(client, "proposals")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60
    other = Client(REMOTE_ADDR="10.0.0.9")  # another client still gets answers
    assert other.get(reverse("api:proposals")).status_code == 200


def test_the_openapi_schema_loads_and_lists_every_path(client, world):
    schema = client.get(reverse("api:openapi-json")).json()
    assert schema["openapi"].startswith("3.") and schema["info"]["version"] == "1"
    paths = set(schema["paths"])
    for path in ("/api/v1/proposals", "/api/v1/proposals/{pk}", "/api/v1/follow-ups", "/api/v1/follow-ups/{pk}",
                 "/api/v1/votes", "/api/v1/votes/{pk}", "/api/v1/rooms", "/api/v1/rooms/{pk}", "/api/v1/juries",
                 "/api/v1/juries/{pk}", "/api/v1/deliberative-polls", "/api/v1/deliberative-polls/{pk}",
                 "/api/v1/committees", "/api/v1/committees/{pk}", "/api/v1/members", "/api/v1/meetings",
                 "/api/v1/meetings/{pk}", "/api/v1/minutes", "/api/v1/minutes/{pk}", "/api/v1/ratings",
                 "/api/v1/indicators", "/api/v1/recommendations", "/api/v1/annual-documents"):
        assert path in paths, path
    assert all(set(methods) == {"get"} for methods in schema["paths"].values())
    docs = client.get(reverse("api:docs"), HTTP_ACCEPT_LANGUAGE="en")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/api/v1/deliberative-polls" in html and reverse("api:feed_votes") in html
    assert "swagger" not in html.lower() and "cdn" not in html.lower()  # nothing loaded from elsewhere
    assert "unsafe-eval" not in docs["Content-Security-Policy"]  # the site's own policy, unchanged
    korean = client.get(reverse("api:docs"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "공공데이터 API" in korean and "공개된 제안(초안과 숨긴 제안 제외), 최신순" in korean
    assert "한 페이지의 행 수, 최대 100" in korean  # parameters' descriptions too


def test_lists_cost_two_queries_whatever_their_length(client, many, settings):
    with CaptureQueriesContext(connection) as ten:
        assert get(client, "proposals", limit=10).status_code == 200
    with CaptureQueriesContext(connection) as hundred:
        assert get(client, "proposals", limit=100).status_code == 200
    api_queries = [q for q in hundred.captured_queries if "proposals_proposal" in q["sql"]]
    assert len(api_queries) == 2  # the count and the page
    assert len(ten.captured_queries) == len(hundred.captured_queries)


def test_every_list_and_detail_has_a_fixed_number_of_queries(client, world):
    for name in ("follow_ups", "votes", "rooms", "juries", "committees", "members", "meetings", "minutes",
                 "recommendations", "annual_documents", "ratings", "indicators"):
        with CaptureQueriesContext(connection) as queries:
            assert get(client, name).status_code == 200
        mine = [q for q in queries.captured_queries if "django_session" not in q["sql"]]
        assert len(mine) <= 3, (name, [q["sql"][:80] for q in mine])
    for name, kind, most in (("proposal", "proposals", 4), ("follow_up", "follow-ups", 4), ("vote", "votes", 3),
                             ("jury", "juries", 6), ("committee", "committees", 5), ("minutes_of", "minutes", 2)):
        with CaptureQueriesContext(connection) as queries:
            assert get(client, name, args=[world.public[kind]]).status_code == 200
        mine = [q for q in queries.captured_queries if "django_session" not in q["sql"]]
        assert len(mine) <= most, (name, len(mine))


def test_details_show_what_is_public(client, world):
    vote = get(client, "vote", args=[world.public["votes"]]).json()
    assert vote["result"]["counts"] == {"1": 2, "2": 1, "3": 0} and [o["label"] for o in vote["options"]][0] == "yes"
    assert get(client, "vote", args=[world.public["open_vote"]]).json()["result"] is None  # not yet tallied
    room = get(client, "room", args=[world.public["rooms"]]).json()
    assert [line["body"] for line in room["record"]["transcript"]] == ["PUBLIC-CHAT-LINE"]
    minutes = get(client, "minutes").json()
    assert minutes["count"] == 1 and minutes["results"][0]["on_time"] is True
    meetings = get(client, "meetings", state="held").json()
    assert meetings["count"] == 2 and "minutes" not in meetings["results"][0]
    assert get(client, "ratings").json()["results"][0]["rating"] == "delayed"
    follow_up = get(client, "follow_up", args=[world.public["follow-ups"]]).json()
    assert follow_up["ratings"] == {"delayed": 1} and follow_up["updates"][0]["body"] == "PUBLIC-ANSWER"
    indicators = get(client, "indicators", district="mapo", department="transport").json()["results"]
    assert indicators == [{"metric": "proposals.received", "count": 4, "total": 4}]
    assert get(client, "indicators", district="jongno").json()["count"] == 0
    poll = get(client, "deliberative_poll", args=[world.public["deliberative-polls"]]).json()
    assert poll["report"]["questions"] and poll["summary"]["lines"]


def test_the_baseline_view_returns_the_same_rows_as_the_api(client, many):
    request = RequestFactory().get("/api/baseline/proposals/", {"limit": 7, "offset": 3})
    plain = json.loads(baseline.proposals(request).content)
    api = get(client, "proposals", limit=7, offset=3).json()
    assert plain["count"] == api["count"]
    assert [row["id"] for row in plain["results"]] == [row["id"] for row in api["results"]]
    assert set(plain["results"][0]) == set(api["results"][0])

"""Downloads answer HEAD like GET without the body (issue 13), and a streamed export does no work for it."""

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse

from frontend.head import HeadMiddleware
from tests.factories import ProposalFactory, make_jury, vote_all
from tests.voting.factories import cast_all, close, make_vote

pytestmark = pytest.mark.django_db


def _same_headers_no_body(client, url):
    got, head = client.get(url), client.head(url)
    assert got.status_code == head.status_code == 200, url
    for header in ("Content-Type", "Content-Disposition"):
        assert head.get(header) == got.get(header), (url, header)
    assert b"".join(head.streaming_content if head.streaming else [head.content]) == b""
    return got


def test_every_kind_of_download_answers_head(client, settings):
    settings.JURY_MIN_SIZE = 2
    ProposalFactory(published=True)
    vote = make_vote()
    cast_all(vote, [[1], [2]])
    vote = close(vote)
    jury, _facilitator, people = make_jury(jurors=3, stage="verdict")
    vote_all(jury, people, ["yes", "no", "abstain"])
    urls = [reverse("proposals:export", args=["csv"]), reverse("proposals:export", args=["json"]),
            reverse("voting:results_csv", args=[vote.pk]), reverse("voting:results_json", args=[vote.pk]),
            reverse("voting:receipts", args=[vote.pk]), reverse("juries:jury_ballots", args=[jury.pk, 1])]
    for url in urls:
        _same_headers_no_body(client, url)


def test_the_jury_ballot_csv_starts_with_the_bom(client, settings):
    settings.JURY_MIN_SIZE = 2
    jury, _facilitator, people = make_jury(jurors=3, stage="verdict")
    vote_all(jury, people, ["yes", "no", "abstain"])
    assert client.get(reverse("juries:jury_ballots", args=[jury.pk, 1])).content.startswith("\ufeff".encode())


def test_head_never_starts_a_streamed_export_and_keeps_a_whole_files_length():
    started = []

    def rows():
        started.append(True)
        yield "a,b\r\n"

    head = RequestFactory().head("/x.csv")
    response = HeadMiddleware(lambda request: StreamingHttpResponse(rows(), content_type="text/csv"))(head)
    assert b"".join(response.streaming_content) == b"" and started == []
    whole = HeadMiddleware(lambda request: HttpResponse("12345"))(head)
    assert whole.content == b"" and whole["Content-Length"] == "5"
    get = RequestFactory().get("/x.csv")
    assert b"".join(HeadMiddleware(lambda request: StreamingHttpResponse(rows()))(get).streaming_content) == b"a,b\r\n"


def test_head_keeps_an_async_stream_async_and_never_starts_it():
    import asyncio

    started = []

    async def rows():
        started.append(True)
        yield "a\r\n"

    response = HeadMiddleware(lambda request: StreamingHttpResponse(rows()))(RequestFactory().head("/x.csv"))
    assert response.is_async

    async def drain():
        return [chunk async for chunk in response.streaming_content]

    assert asyncio.run(drain()) == [] and started == []

"""The API's operations: a list and a detail per kind of public record. Thin: the query is checked and
filtered by ``listing``, the rows come from ``selectors``."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_noop
from ninja import Query, Router
from pydantic import Field

from governance.api import schemas, selectors
from governance.api.listing import DatedQuery, PageQuery, Spec, apply_filters, page
from governance.api.schemas import Error
from governance.states import MeetingState, Rating
from proposals.states import PUBLIC_STATES as PROPOSAL_STATES
from proposals.states import FollowUpState
from voting.selectors import PUBLIC_STATES as VOTE_STATES

records_router = Router(tags=["records"])
committees_router = Router(tags=["committees"])
ERRORS = {400: Error, 429: Error}
DETAIL_ERRORS = {404: Error, 429: Error}


def _found(row):
    if row is None:
        raise Http404
    return row


# --- Proposals --------------------------------------------------------------------------------------------

class ProposalQuery(DatedQuery):
    state: str | None = Field(None, description=gettext_noop(
        "a public state: published, closed, escalated, answered, in_progress, completed, adopted, rejected, withdrawn"))
    district: str | None = Field(None, description=gettext_noop("a district code (mapo, jongno...)"))
    department: str | None = Field(None, description=gettext_noop("the answering department's code"))
    category: str | None = Field(None, max_length=40, description=gettext_noop("a category code"))


PROPOSALS = Spec(date_field="published_at", district_field="district", department_field="category__default_department__code",
                 states=tuple(PROPOSAL_STATES), extra={"category": "category__code"})


@records_router.get("/proposals", response={200: schemas.ProposalPage, **ERRORS}, url_name="proposals",
                    summary=gettext_noop("Public proposals (never drafts or hidden ones), newest first"))
def list_proposals(request, query: Query[ProposalQuery]):
    return page(request, apply_filters(request, selectors.proposals(), query, PROPOSALS), query)


@records_router.get("/proposals/{int:pk}", response={200: schemas.ProposalDetail, **DETAIL_ERRORS},
                    url_name="proposal", summary=gettext_noop("A public proposal with its timeline"))
def get_proposal(request, pk: int):
    return _found(selectors.proposal(pk))


# --- Follow-ups and answers -------------------------------------------------------------------------------

class FollowUpQuery(DatedQuery):
    state: str | None = Field(None, description=gettext_noop("open, clarification, answered, in_progress, completed, or overdue"))
    district: str | None = None
    department: str | None = None
    proposal: int | None = None
    vote: int | None = None


FOLLOW_UPS = Spec(
    date_field="created_at", district_field="proposal__district", department_field="department__code",
    states={**{s.value: (lambda qs, s=s.value: qs.filter(state=s)) for s in FollowUpState},
            "overdue": lambda qs: qs.filter(state__in=["open", "clarification"], due_at__lt=timezone.now())},
    extra={"proposal": "proposal_id", "vote": "vote_id"})


@records_router.get("/follow-ups", response={200: schemas.FollowUpPage, **ERRORS}, url_name="follow_ups",
                    summary=gettext_noop("Department follow-up items of public proposals, votes and committee recommendations"))
def list_follow_ups(request, query: Query[FollowUpQuery]):
    return page(request, apply_filters(request, selectors.follow_ups(), query, FOLLOW_UPS), query,
                row=selectors.with_overdue)


@records_router.get("/follow-ups/{int:pk}", response={200: schemas.FollowUpDetail, **DETAIL_ERRORS},
                    url_name="follow_up", summary=gettext_noop("A follow-up item with its answer, progress and monitors' ratings"))
def get_follow_up(request, pk: int):
    return _found(selectors.follow_up(pk))


# --- Votes ------------------------------------------------------------------------------------------------

class VoteQuery(DatedQuery):
    state: str | None = Field(None, description=gettext_noop(
        "a public state: scheduled, open, closed, tallied, cancelled"))
    department: str | None = None


VOTES = Spec(date_field="opens_at", department_field="department__code", states=tuple(VOTE_STATES))


@records_router.get("/votes", response={200: schemas.VotePage, **ERRORS}, url_name="votes",
                    summary=gettext_noop("Public votes (scheduled, open, closed, tallied, cancelled), latest to open first"))
def list_votes(request, query: Query[VoteQuery]):
    return page(request, apply_filters(request, selectors.votes(), query, VOTES), query)


@records_router.get("/votes/{int:pk}", response={200: schemas.VoteDetail, **DETAIL_ERRORS}, url_name="vote",
                    summary=gettext_noop("A public vote with its options and, once tallied, its published result"))
def get_vote(request, pk: int):
    return _found(selectors.vote(pk))


# --- Rooms, juries, deliberative polls --------------------------------------------------------------------

class RoomQuery(DatedQuery):
    state: str | None = Field(None, description=gettext_noop("open, live or ended"))


ROOMS = Spec(date_field="created_at", states=("open", "live", "ended"))


@records_router.get("/rooms", response={200: schemas.RoomPage, **ERRORS}, url_name="rooms",
                    summary=gettext_noop("Public live rooms (open, live, ended)"))
def list_rooms(request, query: Query[RoomQuery]):
    return page(request, apply_filters(request, selectors.rooms(), query, ROOMS), query)


@records_router.get("/rooms/{int:pk}", response={200: schemas.RoomDetail, **DETAIL_ERRORS}, url_name="room",
                    summary=gettext_noop("A public room; once ended, its record (plenary transcript, polls, questions, tables)"))
def get_room(request, pk: int):
    return _found(selectors.room(pk))


JURIES = Spec(date_field="recommendation__published_at")


@records_router.get("/juries", response={200: schemas.JuryPage, **ERRORS}, url_name="juries",
                    summary=gettext_noop("Citizens' juries and consensus conferences with a published recommendation"))
def list_juries(request, query: Query[DatedQuery]):
    return page(request, apply_filters(request, selectors.juries(), query, JURIES), query)


@records_router.get("/juries/{int:pk}", response={200: schemas.JuryDetail, **DETAIL_ERRORS}, url_name="jury",
                    summary=gettext_noop("A jury's published outcome: recommendation, minority opinions, closed verdicts"))
def get_jury(request, pk: int):
    return _found(selectors.jury(pk))


DPOLLS = Spec(date_field="state_changed_at")


@records_router.get("/deliberative-polls", response={200: schemas.DPollPage, **ERRORS},
                    url_name="deliberative_polls", summary=gettext_noop("Deliberative polls whose report is published"))
def list_deliberative_polls(request, query: Query[DatedQuery]):
    return page(request, apply_filters(request, selectors.deliberative_polls(), query, DPOLLS), query)


@records_router.get("/deliberative-polls/{int:pk}", response={200: schemas.DPollDetail, **DETAIL_ERRORS},
                    url_name="deliberative_poll", summary=gettext_noop("A deliberative poll's published report (aggregates only)"))
def get_deliberative_poll(request, pk: int):
    return _found(selectors.deliberative_poll(pk))


# --- Committees, members, meetings, minutes ----------------------------------------------------------------

class CommitteeQuery(PageQuery):
    state: str | None = Field(None, description=gettext_noop("active or dissolved"))
    department: str | None = None
    function: str | None = Field(None, max_length=20, description=gettext_noop("advisory, deliberative, executive, citizen"))
    legal_status: str | None = Field(None, max_length=20, description=gettext_noop("statutory or non_statutory"))


COMMITTEES = Spec(department_field="department__code",
                  states={"active": lambda qs: qs.filter(dissolved_at__isnull=True),
                          "dissolved": lambda qs: qs.filter(dissolved_at__isnull=False)},
                  extra={"function": "function", "legal_status": "legal_status"})


@committees_router.get("/committees", response={200: schemas.CommitteePage, **ERRORS}, url_name="committees",
                       summary=gettext_noop("The city's committees"))
def list_committees(request, query: Query[CommitteeQuery]):
    return page(request, apply_filters(request, selectors.committees(), query, COMMITTEES), query)


@committees_router.get("/committees/{int:pk}", response={200: schemas.CommitteeDetail, **DETAIL_ERRORS},
                       url_name="committee", summary=gettext_noop("A committee, its mandate and current composition"))
def get_committee(request, pk: int):
    return _found(selectors.committee(pk))


class MemberQuery(DatedQuery):
    state: str | None = Field(None, description=gettext_noop("current or ended"))
    district: str | None = None
    committee: int | None = None


MEMBERS = Spec(date_field="term_start", date_is_day=True, district_field="district",
               states={"current": lambda qs: qs.filter(ended_at__isnull=True),
                       "ended": lambda qs: qs.filter(ended_at__isnull=False)},
               extra={"committee": "committee_id"})


@committees_router.get("/members", response={200: schemas.MemberPage, **ERRORS}, url_name="members",
                       summary=gettext_noop("Committee members: public fields only (no account, no contact, no statement)"))
def list_members(request, query: Query[MemberQuery]):
    return page(request, apply_filters(request, selectors.members(), query, MEMBERS), query)


class MeetingQuery(DatedQuery):
    state: str | None = Field(None, description=gettext_noop("scheduled, held or cancelled"))
    department: str | None = None
    committee: int | None = None


MEETINGS = Spec(date_field="scheduled_at", department_field="committee__department__code",
                states=tuple(MeetingState.values), extra={"committee": "committee_id"})


@committees_router.get("/meetings", response={200: schemas.MeetingPage, **ERRORS}, url_name="meetings",
                       summary=gettext_noop("Committee meetings, latest first (minutes in /minutes once published)"))
def list_meetings(request, query: Query[MeetingQuery]):
    return page(request, apply_filters(request, selectors.meetings(), query, MEETINGS), query,
                row=selectors.with_minutes_overdue)


@committees_router.get("/meetings/{int:pk}", response={200: schemas.MeetingRow, **DETAIL_ERRORS},
                       url_name="meeting", summary=gettext_noop("A committee meeting"))
def get_meeting(request, pk: int):
    return selectors.with_minutes_overdue(_found(selectors.meetings().filter(pk=pk).first()))


class MinutesQuery(DatedQuery):
    department: str | None = None
    committee: int | None = None


MINUTES = Spec(date_field="minutes_published_at", department_field="committee__department__code",
               extra={"committee": "committee_id"})


@committees_router.get("/minutes", response={200: schemas.MinutesPage, **ERRORS}, url_name="minutes",
                       summary=gettext_noop("Published minutes, latest first"))
def list_minutes(request, query: Query[MinutesQuery]):
    return page(request, apply_filters(request, selectors.minutes(), query, MINUTES), query,
                row=selectors.with_on_time)


@committees_router.get("/minutes/{int:pk}", response={200: schemas.MinutesDetail, **DETAIL_ERRORS},
                       url_name="minutes_of", summary=gettext_noop("A meeting's published minutes (by the meeting's id)"))
def get_minutes(request, pk: int):
    return _found(selectors.minutes_of(pk))


class RecommendationQuery(DatedQuery):
    department: str | None = None
    committee: int | None = None


RECOMMENDATIONS = Spec(date_field="created_at", department_field="department__code", extra={"committee": "committee_id"})


@committees_router.get("/recommendations", response={200: schemas.RecommendationPage, **ERRORS},
                       url_name="recommendations",
                       summary=gettext_noop("Committees' decisions and recommendations, with their follow-up item"))
def list_recommendations(request, query: Query[RecommendationQuery]):
    return page(request, apply_filters(request, selectors.recommendations(), query, RECOMMENDATIONS), query)


class AnnualDocumentQuery(PageQuery):
    committee: int | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    kind: str | None = Field(None, max_length=10, description=gettext_noop("plan or report"))


ANNUAL_DOCUMENTS = Spec(extra={"committee": "committee_id", "year": "year", "kind": "kind"})


@committees_router.get("/annual-documents", response={200: schemas.AnnualDocumentPage, **ERRORS},
                       url_name="annual_documents",
                       summary=gettext_noop("Published annual operating plans and performance reports"))
def list_annual_documents(request, query: Query[AnnualDocumentQuery]):
    return page(request, apply_filters(request, selectors.annual_documents(), query, ANNUAL_DOCUMENTS), query)


class RatingQuery(DatedQuery):
    state: str | None = Field(None, description=gettext_noop("the rating: on_track, delayed, stalled, done"))
    department: str | None = None
    follow_up: int | None = None


RATINGS = Spec(date_field="created_at", department_field="follow_up__department__code",
               states=tuple(Rating.values), state_field="rating", extra={"follow_up": "follow_up_id"})


@committees_router.get("/ratings", response={200: schemas.RatingPage, **ERRORS}, url_name="ratings",
                       summary=gettext_noop("Monitors' ratings of follow-up items (the monitor is not named)"))
def list_ratings(request, query: Query[RatingQuery]):
    return page(request, apply_filters(request, selectors.ratings(), query, RATINGS), query)


class IndicatorQuery(DatedQuery):
    district: str | None = None
    department: str | None = None
    metric: str | None = Field(None, max_length=40)


INDICATORS = Spec(date_field="day", date_is_day=True, district_field="district", department_id_field="department_id",
                  extra={"metric": "metric"})


@committees_router.get("/indicators", response={200: schemas.IndicatorPage, **ERRORS}, url_name="indicators",
                       summary=gettext_noop("The dashboard's counts per metric over the chosen days, district and department"))
def list_indicators(request, query: Query[IndicatorQuery]):
    return page(request, apply_filters(request, selectors.indicators(), query, INDICATORS), query)


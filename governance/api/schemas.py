"""The shapes of the API's answers (the OpenAPI schema is built from these). Codes, not labels: a state,
district or kind is its stable code (docs/api.md lists them); names staff enter come in both languages."""

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel as Schema  # plain pydantic: ninja.Schema wraps each row in a Python getter


class Error(Schema):
    error: dict[str, Any]


class Page(Schema):
    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None


class ProposalRow(Schema):
    id: int
    title: str
    state: str
    origin: str
    scope: str
    district: str
    category_code: str
    department_code: str
    support_count: int
    escalation_level: str
    published_at: datetime | None
    support_closes_at: datetime | None
    escalated_at: datetime | None


class TimelineRow(Schema):
    kind: str
    from_state: str
    to_state: str
    code: str
    reason: str
    created_at: datetime


class ProposalDetail(ProposalRow):
    body: str
    timeline: list[TimelineRow]
    follow_ups: list[int]


class ProposalPage(Page):
    results: list[ProposalRow]


class FollowUpRow(Schema):
    id: int
    title: str
    department_code: str
    district: str | None
    level: str
    state: str
    is_overdue: bool
    due_at: datetime
    created_at: datetime
    answered_at: datetime | None
    completed_at: datetime | None
    verdict: str
    progress_percent: int
    proposal_id: int | None
    vote_id: int | None
    option_position: int | None


class UpdateRow(Schema):
    id: int
    kind: str
    body: str
    verdict: str
    progress_percent: int | None
    created_at: datetime


class FollowUpDetail(FollowUpRow):
    updates: list[UpdateRow]
    ratings: dict[str, int]


class FollowUpPage(Page):
    results: list[FollowUpRow]


class VoteRow(Schema):
    id: int
    title: str
    question: str
    kind: str
    state: str
    secret: bool
    department_code: str | None
    proposal_id: int | None
    opens_at: datetime
    closes_at: datetime
    tallied_at: datetime | None


class OptionRow(Schema):
    position: int
    label: str
    description: str
    cost: int | None
    category: str
    district: str


class VoteDetail(VoteRow):
    description: str
    districts: list[str]
    options: list[OptionRow]
    result: dict[str, Any] | None


class VotePage(Page):
    results: list[VoteRow]


class RoomRow(Schema):
    id: int
    title: str
    state: str
    proposal_id: int | None
    created_at: datetime
    opened_at: datetime | None
    ended_at: datetime | None


class RoomDetail(RoomRow):
    record: dict[str, Any] | None


class RoomPage(Page):
    results: list[RoomRow]


class JuryRow(Schema):
    id: int
    kind: str
    title: str
    question: str
    verdict_rule: str
    proposal_id: int | None
    published_at: datetime | None


class VerdictRow(Schema):
    number: int
    subject: str
    rule: str
    options: list[Any]
    result: dict[str, Any] | None
    met: bool | None
    closed_at: datetime | None


class JuryDetail(JuryRow):
    recommendation: str
    minority_opinions: list[dict[str, Any]]
    verdicts: list[VerdictRow]


class JuryPage(Page):
    results: list[JuryRow]


class DPollRow(Schema):
    id: int
    title: str
    topic: str
    published_at: datetime | None


class DPollDetail(DPollRow):
    summary: dict[str, Any]
    report: dict[str, Any]


class DPollPage(Page):
    results: list[DPollRow]


class CommitteeRow(Schema):
    id: int
    slug: str
    name: str
    name_en: str
    legal_status: str
    function: str
    department_code: str
    term_start: date
    term_end: date | None
    size: int
    is_agenda_committee: bool
    proposal_id: int | None
    vote_id: int | None
    policy: str
    min_citizen_share: int
    max_gender_share: int
    minutes_deadline_days: int
    dissolved_at: datetime | None


class CommitteeDetail(CommitteeRow):
    mandate: str
    legal_basis: str
    composition: dict[str, Any]


class CommitteePage(Page):
    results: list[CommitteeRow]


class MemberRow(Schema):
    id: int
    committee_id: int
    name: str
    category: str
    gender: str
    age_band: str
    district: str
    term_start: date
    term_end: date | None
    is_chair: bool
    route: str
    route_note: str
    ended_at: datetime | None
    end_reason: str


class MemberPage(Page):
    results: list[MemberRow]


class MeetingRow(Schema):
    id: int
    committee_id: int
    department_code: str
    number: int
    title: str
    agenda: str
    scheduled_at: datetime
    mode: str
    place: str
    room_id: int | None
    state: str
    held_at: datetime | None
    minutes_due_at: datetime | None
    minutes_published_at: datetime | None
    minutes_overdue: bool
    cancelled_reason: str


class MeetingPage(Page):
    results: list[MeetingRow]


class MinutesRow(Schema):
    id: int
    committee_id: int
    department_code: str
    number: int
    title: str
    held_at: datetime | None
    minutes_due_at: datetime | None
    minutes_published_at: datetime
    on_time: bool


class MinutesDetail(MinutesRow):
    minutes: str


class MinutesPage(Page):
    results: list[MinutesRow]


class RecommendationRow(Schema):
    id: int
    committee_id: int
    meeting_id: int | None
    department_code: str
    kind: str
    title: str
    body: str
    follow_up_id: int | None
    created_at: datetime


class RecommendationPage(Page):
    results: list[RecommendationRow]


class AnnualDocumentRow(Schema):
    id: int
    committee_id: int
    year: int
    kind: str
    body: str
    figures: dict[str, Any]
    published_at: datetime | None


class AnnualDocumentPage(Page):
    results: list[AnnualDocumentRow]


class RatingRow(Schema):
    id: int
    follow_up_id: int
    department_code: str
    rating: str
    note: str
    created_at: datetime
    reply: str
    replied_at: datetime | None


class RatingPage(Page):
    results: list[RatingRow]


class IndicatorRow(Schema):
    metric: str
    count: int
    total: int


class IndicatorPage(Page):
    results: list[IndicatorRow]

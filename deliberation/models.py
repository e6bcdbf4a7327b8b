"""The models of the deliberation app (label ``deliberation``), one module per package: live rooms (the base
layer), drawing panels (the pool, draws, invitations), deliberative polls, citizens' juries.

Django finds an app's models through this module; code imports them from their package's ``models``.
``new_invitation_token`` and ``default_margins`` are named here because migrations 0012 and 0010 refer to them
by this path.
"""

from deliberation.rooms.models import (  # noqa: F401
    Room, Round, RoomMember, Hand, RoomEvent, ChatMessage, AgendaTemplate, Question, QuestionVote, MoveOnVote, LivePoll, LiveAnswer, Table, TableSeat,
)
from deliberation.panels.models import (  # noqa: F401
    Pool, PoolAttribute, PoolMember, Draw, Invitation, new_invitation_token,
)
from deliberation.deliberative_polls.models import (  # noqa: F401
    DeliberativePoll, SurveyQuestion, SurveyParticipant, SurveyResponse, SurveyAnswer, Material, StoredReport,
    default_margins,
)
from deliberation.juries.models import (  # noqa: F401
    Jury, Verdict, VerdictVoter, VerdictBallot, SealedVerdictBallot, Recommendation, MinorityOpinion,
)

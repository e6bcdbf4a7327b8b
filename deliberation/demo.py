"""A small published deliberative poll for the demo data (`manage.py load_demo`), through the real services."""

from datetime import timedelta

from django.utils import timezone

from deliberation.juries import rules as jury_rules, services as jury_services
from deliberation.deliberative_polls import services as dpoll_services
from deliberation.panels import services as panel_services
from deliberation.panels.services import draws
from deliberation.panels.models import Invitation

PANEL, CONTROL, MISSED_T2 = 60, 30, 6


def load_demo_poll(*, facilitator, residents: list) -> None:
    """60 deliberating residents and 30 controls answer T1 and T2 (6 of the panel miss T2); the report is published.

    Answers follow a fixed pattern: the panel moves about one point toward agreement on the Likert
    question, the control sample hardly at all, so the report shows a clear difference-in-differences.
    Needs at least 3 x (PANEL + CONTROL) residents; with fewer the demo has no poll.
    """
    if len(residents) < 3 * (PANEL + CONTROL):
        return
    # Every third resident from the end, so each group spans the demo's districts, ages and genders
    # (residents are made in a cycle of them) and can be weighted to the Seoul margins.
    pool = residents[-3 * (PANEL + CONTROL):]
    panel, control = pool[0::3][:PANEL], pool[1::3][:CONTROL]
    poll = dpoll_services.create_dpoll(actor=facilitator, title="공론조사: 심야버스 노선 확대", control_enabled=True,
                                 topic="심야버스 노선을 외곽까지 늘릴지 시민참여단이 학습과 토론을 거쳐 판단합니다.")
    dpoll_services.add_question(poll=poll, actor=facilitator, code="q1", kind="likert5",
                          text="심야버스 노선을 외곽까지 늘려야 한다", low_label="전혀 동의하지 않음",
                          high_label="매우 동의함")
    dpoll_services.add_question(poll=poll, actor=facilitator, code="q2", kind="yesno",
                          text="노선 확대를 위해 요금 인상(100원)을 받아들이겠다")
    dpoll_services.add_question(poll=poll, actor=facilitator, code="q3", kind="scale10",
                          text="서울시 대중교통 정책을 얼마나 신뢰하십니까?", low_label="전혀", high_label="매우")
    for stance, title, body in (
            ("background", "심야버스 현황", "현재 심야버스는 14개 노선으로 자정부터 새벽 5시까지 운행합니다."),
            ("pro", "확대에 찬성하는 근거", "외곽 지역 야간 노동자의 귀가 시간이 줄고 택시 수요가 분산됩니다."),
            ("con", "확대에 반대하는 근거", "이용객이 적은 구간은 운행 적자가 커지고 요금 인상 압력이 생깁니다.")):
        dpoll_services.add_material(poll=poll, actor=facilitator, title=title, stance=stance, body=body)
    members = [dpoll_services.add_participant(poll=poll, user=u) for u in panel]
    controls = [dpoll_services.add_participant(poll=poll, user=u, group="control") for u in control]
    dpoll_services.open_t1(poll=poll, actor=facilitator)
    for i, p in enumerate(members + controls):
        dpoll_services.submit_response(participant=p, wave=1, answers={
            "q1": 1 + i % 5, "q2": "yes" if i % 3 == 0 else "no", "q3": 3 + i % 6})
    dpoll_services.start_dpoll_deliberation(poll=poll, actor=facilitator)
    dpoll_services.open_t2(poll=poll, actor=facilitator)
    for i, p in enumerate(members[:-MISSED_T2]):
        dpoll_services.submit_response(participant=p, wave=2, answers={
            "q1": min(5, 1 + i % 5 + (i % 4 != 0)), "q2": "yes" if i % 3 == 0 or i % 5 == 1 else "no",
            "q3": min(10, 3 + i % 6 + i % 2)})
    for i, p in enumerate(controls, start=PANEL):
        dpoll_services.submit_response(participant=p, wave=2, answers={
            "q1": min(5, 1 + i % 5 + (i % 7 == 0)), "q2": "yes" if i % 3 == 0 else "no", "q3": 3 + i % 6})
    dpoll_services.close_dpoll(poll=poll, actor=facilitator)
    dpoll_services.publish_dpoll(poll=poll, actor=facilitator)


JURY_SIZE = 10


def load_demo_jury(*, admin, facilitator, residents: list, category) -> None:
    """A citizens' jury from the pool to its published recommendation: 40 residents volunteer, 10 are drawn
    by lot (5 women, 5 men) with announced public values, one declines and the reserve's next person
    confirms, the jury hears, deliberates, votes, adopts its recommendation with a minority opinion and
    publishes it as a proposal sent to the department. Needs at least 40 residents."""
    volunteers = residents[:40]
    if len(volunteers) < 40:
        return
    for person in volunteers:
        panel_services.volunteer(user=person, answers={})
    draw = panel_services.prepare_draw(pool=panel_services.standing_pool(), title="시민배심제: 심야버스 배차 간격", size=JURY_SIZE,
                                 actor=admin,
                                 quotas_text="feature,value,min,max\ngender,female,5,5\ngender,male,5,5\n")
    draws.compute(draw_id=draw.pk)  # maximin over profiles, a worker's job, done here (seconds) to draw at once
    draw = panel_services.perform_draw(draw=draw, public_values="2026/11/21 3 11 19 27 33 41", actor=admin)
    invitations = panel_services.send_invitations(draw=draw, actor=admin, deadline_at=timezone.now() + timedelta(days=7))
    panel_services.answer_invitation(invitation=invitations[0], user=invitations[0].user, accept=False)
    for invitation in invitations[1:] + [Invitation.objects.get(replaces=invitations[0])]:
        panel_services.answer_invitation(invitation=invitation, user=invitation.user, accept=True)
    jury = jury_services.create_jury(
        facilitator=facilitator, kind="jury", title="심야버스 배차 간격", size=JURY_SIZE, verdict_rule="two_thirds",
        question="심야버스를 모든 노선에서 15분 간격으로 운행해야 할까요?", category=category, draw=draw)
    jurors = [m.user for m in jury_rules.seated_jurors(jury).select_related("user")]
    jury_services.start_hearing(jury=jury, actor=facilitator)
    jury_services.start_deliberation(jury=jury, actor=facilitator)
    verdict = jury_services.open_verdict(jury=jury, actor=facilitator)
    for i, juror in enumerate(jurors):
        jury_services.cast_ballot(verdict=verdict, user=juror, choice="no" if i in (0, 1) else "yes")
    # 8 of 10 meet the two-thirds rule: the jury moves on to drafting by itself
    jury_services.save_recommendation(jury=jury, actor=facilitator, text=(
        "서울시는 심야버스 전 노선을 15분 간격으로 운행하고, 이용이 적은 외곽 구간은 수요응답형 버스로 보완할 것을 "
        "권고합니다. 시행 1년 뒤 이용 실적을 공개하고 시민배심원단에 보고해 주십시오."))
    adoption = jury_services.open_adoption_vote(jury=jury, actor=facilitator)
    for i, juror in enumerate(jurors):
        jury_services.cast_ballot(verdict=adoption, user=juror, choice="no" if i == 0 else "yes")
    jury_services.write_minority_opinion(jury=jury, author=jurors[0], signed=True, text=(
        "배차 간격을 줄이기 전에 운전기사의 야간 근무 여건과 재원 대책이 먼저 마련되어야 합니다."))
    jury_services.publish_recommendation(jury=jury, actor=facilitator)

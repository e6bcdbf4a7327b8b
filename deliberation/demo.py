"""A small published deliberative poll for the demo data (`manage.py load_demo`), through the real services."""

from . import services

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
    poll = services.create_dpoll(actor=facilitator, title="공론조사: 심야버스 노선 확대", control_enabled=True,
                                 topic="심야버스 노선을 외곽까지 늘릴지 시민참여단이 학습과 토론을 거쳐 판단합니다.")
    services.add_question(poll=poll, actor=facilitator, code="q1", kind="likert5",
                          text="심야버스 노선을 외곽까지 늘려야 한다", low_label="전혀 동의하지 않음",
                          high_label="매우 동의함")
    services.add_question(poll=poll, actor=facilitator, code="q2", kind="yesno",
                          text="노선 확대를 위해 요금 인상(100원)을 받아들이겠다")
    services.add_question(poll=poll, actor=facilitator, code="q3", kind="scale10",
                          text="서울시 대중교통 정책을 얼마나 신뢰하십니까?", low_label="전혀", high_label="매우")
    for stance, title, body in (
            ("background", "심야버스 현황", "현재 심야버스는 14개 노선으로 자정부터 새벽 5시까지 운행합니다."),
            ("pro", "확대에 찬성하는 근거", "외곽 지역 야간 노동자의 귀가 시간이 줄고 택시 수요가 분산됩니다."),
            ("con", "확대에 반대하는 근거", "이용객이 적은 구간은 운행 적자가 커지고 요금 인상 압력이 생깁니다.")):
        services.add_material(poll=poll, actor=facilitator, title=title, stance=stance, body=body)
    members = [services.add_participant(poll=poll, user=u) for u in panel]
    controls = [services.add_participant(poll=poll, user=u, group="control") for u in control]
    services.open_t1(poll=poll, actor=facilitator)
    for i, p in enumerate(members + controls):
        services.submit_response(participant=p, wave=1, answers={
            "q1": 1 + i % 5, "q2": "yes" if i % 3 == 0 else "no", "q3": 3 + i % 6})
    services.start_dpoll_deliberation(poll=poll, actor=facilitator)
    services.open_t2(poll=poll, actor=facilitator)
    for i, p in enumerate(members[:-MISSED_T2]):
        services.submit_response(participant=p, wave=2, answers={
            "q1": min(5, 1 + i % 5 + (i % 4 != 0)), "q2": "yes" if i % 3 == 0 or i % 5 == 1 else "no",
            "q3": min(10, 3 + i % 6 + i % 2)})
    for i, p in enumerate(controls, start=PANEL):
        services.submit_response(participant=p, wave=2, answers={
            "q1": min(5, 1 + i % 5 + (i % 7 == 0)), "q2": "yes" if i % 3 == 0 else "no", "q3": 3 + i % 6})
    services.close_dpoll(poll=poll, actor=facilitator)
    services.publish_dpoll(poll=poll, actor=facilitator)

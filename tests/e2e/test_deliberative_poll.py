"""A deliberative poll on phones over a real daphne: a panel member answers T1 (an unanswered question is
refused in place and the other answer is kept), reads the materials for and against once the
deliberation starts and answers T2; a control participant answers without seeing the materials; the
published report shows the change and its chart to anyone.
"""

import pytest
from playwright.sync_api import expect

from deliberation.deliberative_polls import services
from .conftest import screenshot
from tests.factories import FacilitatorFactory, ResidentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _answer(page, answers: dict) -> None:
    for code, value in answers.items():
        page.locator(f"input[name={code}][value='{value}']").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def test_a_panel_member_answers_both_surveys_and_the_report_shows_the_shift(signed_in_page):
    facilitator = FacilitatorFactory(display_name="진행자")
    member = ResidentFactory(display_name="패널하나", gender="female", district="mapo", birth_year=1985)
    other = ResidentFactory(display_name="패널둘", gender="male", district="gangnam", birth_year=1970)
    control = ResidentFactory(display_name="대조군", gender="female", district="jongno", birth_year=1990)
    poll = services.create_dpoll(actor=facilitator, title="심야버스 공론조사", control_enabled=True)
    services.add_question(poll=poll, actor=facilitator, code="q1", kind="likert5", text="심야버스를 늘려야 한다",
                          low_label="전혀 아니다", high_label="매우 그렇다")
    services.add_question(poll=poll, actor=facilitator, code="q2", kind="yesno", text="요금 인상을 받아들이겠다")
    services.add_material(poll=poll, actor=facilitator, title="늘리자", stance="pro", body="야간 노동자의 귀갓길")
    services.add_material(poll=poll, actor=facilitator, title="신중하자", stance="con", body="적자 노선의 비용")
    members = [services.add_participant(poll=poll, user=u) for u in (member, other)]
    controlled = services.add_participant(poll=poll, user=control, group="control")
    second_control = services.add_participant(poll=poll, user=ResidentFactory(gender="male", district="gangnam",
                                                                              birth_year=1960), group="control")
    services.open_t1(poll=poll, actor=facilitator)
    page, control_page = signed_in_page(member), signed_in_page(control)
    survey = f"/deliberative-polls/{poll.pk}/survey/"

    # T1: one question left unanswered is refused beside it; the other answer is still checked
    page.goto(survey)
    _answer(page, {"q1": 2})
    expect(page.locator("[data-testid=error-q2]")).to_be_visible()
    expect(page.locator("input[name=q1][value='2']")).to_be_checked()
    _answer(page, {"q2": "no"})  # q1 is still checked from the refused attempt
    expect(page.locator("[data-testid=survey-status]")).to_be_visible()
    assert list(members[0].responses.values_list("wave", flat=True)) == [1]
    services.submit_response(participant=members[1], wave=1, answers={"q1": 3, "q2": "no"})
    control_page.goto(survey)
    _answer(control_page, {"q1": 3, "q2": "no"})
    services.submit_response(participant=second_control, wave=1, answers={"q1": 3, "q2": "no"})

    # Deliberation: the panel reads the materials side by side; the control sample is not shown them
    services.start_dpoll_deliberation(poll=poll, actor=facilitator)
    services.open_t2(poll=poll, actor=facilitator)
    page.goto(survey)
    with page.expect_navigation():
        page.get_by_role("link", name="숙의 자료").click()
    expect(page.locator("[data-testid=materials-pro]")).to_contain_text("야간 노동자의 귀갓길")
    expect(page.locator("[data-testid=materials-con]")).to_contain_text("적자 노선의 비용")
    control_page.goto(survey)
    expect(control_page.get_by_role("link", name="숙의 자료")).to_have_count(0)
    assert control_page.goto(f"/deliberative-polls/{poll.pk}/materials/").status == 403

    # T2, then the published report
    page.goto(survey)
    _answer(page, {"q1": 4, "q2": "yes"})
    expect(page.locator("[data-testid=survey-status]")).to_be_visible()
    services.submit_response(participant=members[1], wave=2, answers={"q1": 4, "q2": "no"})
    services.submit_response(participant=controlled, wave=2, answers={"q1": 3, "q2": "no"})
    services.submit_response(participant=second_control, wave=2, answers={"q1": 4, "q2": "no"})
    services.close_dpoll(poll=poll, actor=facilitator)
    services.publish_dpoll(poll=poll, actor=facilitator)
    reader = signed_in_page(ResidentFactory())
    reader.goto(f"/deliberative-polls/{poll.pk}/report/")
    # Panel: 2 -> 4 and 3 -> 4, a mean change of 1.50; control 3 -> 3 and 3 -> 4, 0.50; the difference 1.00
    expect(reader.locator("[data-testid=unweighted-q1-deliberation-change]")).to_have_text("1.50")
    expect(reader.locator("[data-testid=unweighted-q1-control-change]")).to_have_text("0.50")
    expect(reader.locator("[data-testid=did-q1-value]")).to_have_text("1.00")
    expect(reader.locator(".shift-chart [data-testid=shift-q1-deliberation]")).to_have_count(1)
    # For citizens first: the summary in words, before the figures (issue 13)
    expect(reader.locator("[data-testid=summary]")).to_be_visible()
    expect(reader.locator("[data-testid=summary-q1]")).to_contain_text("2.5에서 4.0")
    assert reader.locator("main").inner_text().index("한눈에 보기") < reader.locator("main").inner_text().index("T1")
    # On a phone the page does not scroll sideways; a wide table scrolls in its own region, by keyboard too
    assert reader.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    region = reader.locator(".table-wrap[role=region]").first
    region.focus()
    expect(region).to_be_focused()
    assert "p = 0.000" not in reader.content()
    screenshot(reader, "dpoll-report-phone")

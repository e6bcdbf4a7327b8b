"""The deliberative poll's report: every question for the deliberating panel (and a control), as one dict.

The dict holds only str, int, float, None, lists and dicts, so ``json.dumps`` publishes it as it is;
exports.py flattens it into CSV tables. Its shape (docs/juries.md shows an example)::

    {"title", "confidence", "small_group",
     "questions": [{"id", "kind", "text", "values"}],
     "groups": {"deliberation": GROUP, "control": GROUP (only with a control sample)},
     "difference_in_differences": {question id: {"unweighted": DID, "weighted": DID or None}}}  # scales

    GROUP = {"attrition", "weighting" (None without margins), "representativeness" (None without margins),
             "questions": {question id: {"all": FIGURES,
                                         "by_subgroup": {attribute: {value: FIGURES or {"suppressed": True}}}}}}
    FIGURES = {"n_t1", "n_t2", "n_paired", "missed_t2", "t1": DISTRIBUTION, "t2": DISTRIBUTION,
               "change": paired change (scales) | McNemar (yes/no) | shift and Stuart-Maxwell (choice)}
"""

from collections.abc import Mapping, Sequence

from deliberation.deliberative_polls.survey.panel import (
    SMALL_GROUP, attrition, representativeness, subgroups, suppressed,
)
from deliberation.deliberative_polls.survey.questions import CHOICE, YESNO, Participant, Question, validate_participant
from deliberation.deliberative_polls.survey.raking import rake
from deliberation.deliberative_polls.survey.stats import (
    CONFIDENCE, choice_change, difference_in_differences, distribution, paired_change, yesno_change,
)


def build_report(questions: Sequence[Question], participants: Sequence[Participant], *,
                 margins: Mapping[str, Mapping[str, float]] | None = None,
                 subgroup_attributes: Sequence[str] = (),
                 control: Sequence[Participant] | None = None, title: str = "") -> dict:
    """The whole report. ``margins`` ({attribute: {value: population count or share}}) switches on
    the weighted figures and representativeness; ``control`` adds the control sample and the
    difference-in-differences of the scales' mean change."""
    groups = {"deliberation": participants}
    if control is not None:
        groups["control"] = control
    report = {"title": title, "confidence": CONFIDENCE, "small_group": SMALL_GROUP,
              "questions": [{"id": q.id, "kind": q.kind, "text": q.text, "values": list(q.values())}
                            for q in questions],
              "groups": {}}
    weights_of = {}
    for name, members in groups.items():
        for participant in members:
            validate_participant(questions, participant)
        weights_of[name] = None
        section = {"attrition": attrition(members, subgroup_attributes), "weighting": None,
                   "representativeness": None}
        if margins:
            raking = rake([p.attributes for p in members], margins)
            weights_of[name] = raking.weights
            section["weighting"] = {"method": "raking", "iterations": raking.iterations,
                                    "max_error": raking.max_error, "design_effect": raking.design_effect,
                                    "effective_n": raking.effective_n, "weight_min": min(raking.weights),
                                    "weight_max": max(raking.weights)}
            section["representativeness"] = representativeness(members, margins)
        section["questions"] = {q.id: _question_section(q, members, weights_of[name], subgroup_attributes)
                                for q in questions}
        report["groups"][name] = section
    if control is not None:
        report["difference_in_differences"] = {
            q.id: _did(q, participants, weights_of["deliberation"], control, weights_of["control"])
            for q in questions if q.is_scale}
    return report


def question_figures(question: Question, participants: Sequence[Participant],
                     weights: Sequence[float] | None = None) -> dict:
    """T1 and T2 distributions and the paired change of one question in one set of participants.

    T1 counts everyone who answered at T1, T2 everyone who answered at T2 (weighted with their T1
    raking weight); the change only those who answered both. ``missed_t2``: answered at T1, not at T2.
    """
    qid = question.id
    t1 = [(p.t1[qid], i) for i, p in enumerate(participants) if qid in p.t1]
    t2 = [(p.t2[qid], i) for i, p in enumerate(participants) if p.t2 is not None and qid in p.t2]
    paired = [(p.t1[qid], p.t2[qid], i) for i, p in enumerate(participants)
              if qid in p.t1 and p.t2 is not None and qid in p.t2]

    def weights_at(rows):
        return None if weights is None else [weights[row[-1]] for row in rows]

    before, after = [row[0] for row in paired], [row[1] for row in paired]
    if question.kind == YESNO:
        change = yesno_change(before, after)
    elif question.kind == CHOICE:
        change = choice_change(question, before, after)
    else:
        change = paired_change(before, after, weights_at(paired))
    return {"n_t1": len(t1), "n_t2": len(t2), "n_paired": len(paired), "missed_t2": len(t1) - len(paired),
            "t1": distribution(question, [v for v, _ in t1], weights_at(t1)),
            "t2": distribution(question, [v for v, _ in t2], weights_at(t2)),
            "change": change}


def _question_section(question, participants, weights, attributes) -> dict:
    section = {"all": question_figures(question, participants, weights), "by_subgroup": {}}
    for attribute in attributes:
        groups = subgroups(participants, attribute)
        hidden = suppressed({value: len(ix) for value, ix in groups.items()})
        section["by_subgroup"][attribute] = {
            value: {"suppressed": True} if value in hidden else question_figures(
                question, [participants[i] for i in ix], None if weights is None else [weights[i] for i in ix])
            for value, ix in groups.items()}
    return section


def changes(question: Question, participants: Sequence[Participant], weights: Sequence[float] | None = None):
    """(T2 - T1 per paired participant, their weights or None) for a scale question."""
    qid = question.id
    rows = [(p.t2[qid] - p.t1[qid], i) for i, p in enumerate(participants)
            if qid in p.t1 and p.t2 is not None and qid in p.t2]
    return [d for d, _ in rows], (None if weights is None else [weights[i] for _, i in rows])


def _did(question, participants, weights, control, control_weights) -> dict:
    d1, w1 = changes(question, participants, weights)
    d2, w2 = changes(question, control, control_weights)
    return {"unweighted": difference_in_differences(d1, d2),
            "weighted": difference_in_differences(d1, d2, w1, w2) if w1 is not None else None}

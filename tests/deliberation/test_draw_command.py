"""`manage.py draw`: files in, selected ids out (one per line), or why the quotas cannot be met."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]
QUOTAS = "feature,value,min,max,min_flex,max_flex\ngender,female,2,3,0,9\ngender,male,2,3,0,9\n"


@pytest.fixture
def files(tmp_path):
    people = "id,gender,name\n" + "".join(f"{i},{'female' if i % 2 else 'male'},N{i}\n" for i in range(1, 13))
    (tmp_path / "people.csv").write_text(people, encoding="utf-8")
    (tmp_path / "quotas.csv").write_text(QUOTAS, encoding="utf-8")
    return tmp_path / "people.csv", tmp_path / "quotas.csv"


def run(*args):
    out = io.StringIO()
    call_command("draw", *map(str, args), stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.parametrize("algorithm", ["legacy", "maximin"])
def test_prints_the_selected_ids_one_per_line_and_again_the_same(files, algorithm):
    people, quotas = files
    first = run(people, quotas, "--size", 5, "--seed", "9319/2 5 12 8 10", "--algorithm", algorithm)
    assert len(first) == 5 and set(first) <= {str(i) for i in range(1, 13)}
    assert 2 <= sum(int(i) % 2 for i in first) <= 3
    assert run(people, quotas, "--size", 5, "--seed", "9319/2 5 12 8 10", "--algorithm", algorithm) == first


def test_infeasible_quotas_fail_with_the_explanation(files):
    people, quotas = files
    quotas.write_text("feature,value,min,max\ngender,female,9,10\ngender,male,0,10\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run(people, quotas, "--size", 10, "--seed", "7")
    assert str(caught.value) == (
        "QUOTAS line 2: at least 9 with gender=female, but only 6 people in the pool have it (3 short).")


def test_a_malformed_file_and_bad_public_values_fail_clearly(files):
    people, quotas = files
    with pytest.raises(CommandError, match="“lotto” is not a number"):
        run(people, quotas, "--size", 4, "--seed", "lotto")
    people.write_text("id,gender\n1,female\n1,male\n", encoding="utf-8")
    with pytest.raises(CommandError, match="PEOPLE line 3: the id “1” is already on line 2."):
        run(people, quotas, "--size", 1, "--seed", "7")


def test_from_a_shell_the_output_is_only_the_ids_and_a_failure_exits_non_zero(files):
    people, quotas = files
    command = [sys.executable, "manage.py", "draw", str(people), str(quotas), "--size", "5", "--seed", "42"]
    done = subprocess.run([*command, "--algorithm", "maximin"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 5 and all(line.isdigit() for line in done.stdout.splitlines())
    command[command.index("5")] = "20"
    failed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert failed.returncode != 0 and failed.stdout == ""
    # The command speaks the site's default language, Korean (the message id: "A panel of 20 from a pool of 12: …").
    assert "12명의 시민단에서 20명의 패널을 뽑을 수 없습니다: 8명이 모자랍니다." in failed.stderr

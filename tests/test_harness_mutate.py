"""Mutants keep the text's shape and are chosen the same way every time."""

from __future__ import annotations

from glow.harness.mutate import candidates, choose

SOURCE = "def fee(total):\n    if total >= 100:\n        return total * 0 + 5\n    return True\n"


def test_each_operator_changes_one_thing_on_one_line() -> None:
    found = {(m.line, m.description) for m in candidates("fee.py", SOURCE)}
    assert (2, ">= became >") in found
    assert (2, "100 became 101") in found
    assert (3, "+ became -") in found
    assert (3, "0 became 1") in found
    assert (4, "True became False") in found
    assert (4, "line removed") in found
    for mutant in candidates("fee.py", SOURCE):
        assert mutant.text != SOURCE
        assert mutant.text.count("\n") == SOURCE.count("\n")


def test_arrows_and_shifts_are_not_comparisons() -> None:
    found = {m.description for m in candidates("a.js", "const f = (a) => a << 2;\n")}
    assert not any(d.startswith(("< ", "> ", "<= ", ">= ")) for d in found)


def test_choose_spreads_evenly_and_is_deterministic() -> None:
    mutants = candidates("fee.py", SOURCE * 5)
    picked = choose(mutants, 4)
    assert len(picked) == 4
    assert picked == choose(mutants, 4)
    assert len({m.line for m in picked}) == 4
    assert choose(mutants, 0) == []
    assert choose(mutants[:2], 10) == mutants[:2]


def test_only_the_lines_the_answer_wrote_are_mutated() -> None:
    starter = '"""Fees: 0 below 100."""\ndef fee(total):\n    raise NotImplementedError\n'
    answer = '"""Fees: 0 below 100."""\ndef fee(total):\n    return 5 if total >= 100 else 0\n'
    found = candidates("fee.py", answer, starter)
    assert found and {m.line for m in found} == {3}
    assert {m.line for m in candidates("fee.py", answer, answer)} == {1, 2, 3}

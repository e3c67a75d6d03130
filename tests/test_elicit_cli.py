"""`personalign elicit` as a person meets it: in a real terminal (a pseudo-terminal here), from an
answers file, interrupted, killed and resumed, and with bad input."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from personalign.cli import cli
from personalign.evals import choice_bank, load_scenarios
from personalign.personas import load_persona

BANK = choice_bank(load_scenarios(), "the bundled bank")
COMMAND = [sys.executable, "-c", "from personalign.cli import main; main()", "elicit"]


def _interruptible() -> None:
    """Ctrl-C as in a shell, whatever the test process did with SIGINT: a child inherits both
    an ignored signal and a blocked one."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


class Terminal:
    """The command on a pseudo-terminal: what it prints, and keys typed into it."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [*COMMAND, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_interruptible,
        )
        os.close(slave)
        self.screen = ""
        self.cursor = 0

    def wait_for(self, *texts: str, timeout: float = 60) -> str:
        """Read until one of `texts` is printed after the last match; return what was printed
        from the last match to the end of this one."""
        deadline = time.monotonic() + timeout
        while True:
            found = [(i, t) for t in texts if (i := self.screen.find(t, self.cursor)) >= 0]
            if found:
                at, text = min(found)
                seen, self.cursor = self.screen[self.cursor : at + len(text)], at + len(text)
                return seen
            if time.monotonic() > deadline or not self._read():
                raise AssertionError(f"{texts} not printed; the screen ends:\n{self.screen[-1500:]}")

    def _read(self) -> bool:
        """Whatever is printed within 0.2 s; False once the command has exited."""
        ready, _, _ = select.select([self.master], [], [], 0.2)
        if ready:
            try:
                self.screen += os.read(self.master, 65536).decode(errors="replace").replace("\r\n", "\n")
            except OSError:
                return False
        return True

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def finish(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and self._read():
            if time.monotonic() > deadline:
                self.process.kill()
                raise AssertionError(f"still running after {timeout} s:\n{self.screen[-1500:]}")
        code = self.process.wait(timeout)
        os.close(self.master)
        return code


def _answers(path: Path, picks: dict[str, object], **extra: object) -> Path:
    path.write_text(yaml.safe_dump({"answers": picks, **extra}), encoding="utf-8")
    return path


def test_a_person_answers_in_a_terminal_with_wrong_keys_a_skip_ctrl_c_and_a_resume(tmp_path: Path) -> None:
    term = Terminal(["--items", "6"], tmp_path)
    term.wait_for("Your name or a nickname")
    term.type("Ana María\r")
    term.wait_for("Your choice")
    term.type("\r")  # nothing typed
    assert "Nothing typed" in term.wait_for("Your choice")
    term.type("z\r")
    assert "'z' is not an answer" in term.wait_for("Your choice")
    term.type("a\r")
    term.wait_for("Question 2")
    term.type("s\r")  # skip
    term.wait_for("Question 3")
    term.type("b\r")
    term.wait_for("Question 4")
    term.process.send_signal(signal.SIGINT)  # Ctrl-C at the prompt
    assert term.finish() == 130
    assert "3 answers are saved in me.yaml" in term.screen
    saved = load_persona(tmp_path / "me.yaml")
    assert saved.id == "ana-maria" and saved.name == "Ana María"
    assert saved.elicitation is not None and len(saved.elicitation.answers) == 3
    assert [a.option is None for a in saved.elicitation.answers] == [False, True, False]
    assert len(saved.stated_choices) == 2 and not saved.elicitation.finished

    term = Terminal(["--resume", "me.yaml"], tmp_path)
    term.wait_for("3 questions answered so far")
    while "who are you?" not in term.wait_for("Your choice", "who are you?"):
        term.type("a\r")
    term.type("A nurse who puts family first.\r")
    term.wait_for("must never do")
    term.type("Never use emoji.\r\r")
    assert term.finish() == 0
    done = load_persona(tmp_path / "me.yaml")
    assert done.elicitation is not None and done.elicitation.finished
    assert sum(not a.repeat for a in done.elicitation.answers) == 6
    assert done.elicitation.repeats == 1 and done.elicitation.consistency is not None
    assert done.summary == "A nurse who puts family first."
    assert [w.rule.type for w in done.walls if w.rule] == ["no_emoji"]
    assert "Consistency:" in term.screen and "personalign run --personas me.yaml" in term.screen


# Two real processes in a pseudo-terminal (about 8 s); --runslow, as CI, runs it.
@pytest.mark.slow
def test_q_quits_with_a_valid_file_and_a_kill_loses_no_saved_answer(tmp_path: Path) -> None:
    term = Terminal(["--items", "8", "--name", "Jo"], tmp_path)
    term.wait_for("Your choice")
    term.type("a\r")
    term.wait_for("Question 2")
    term.type("q\r")
    assert term.finish() == 0
    assert "1 answers are saved in me.yaml" in term.screen
    assert len(load_persona(tmp_path / "me.yaml").stated_choices) == 1

    term = Terminal(["--resume", "me.yaml"], tmp_path)
    term.wait_for("Your choice")
    term.type("b\r")
    term.wait_for("Question 3")
    term.process.kill()  # SIGKILL: no handler runs
    term.finish()
    killed = load_persona(tmp_path / "me.yaml")
    assert killed.elicitation is not None and len(killed.elicitation.answers) == 2
    assert not list(tmp_path.glob(".me.yaml.partial"))


def test_answers_file_runs_the_whole_session_headless(tmp_path: Path) -> None:
    picks: dict[str, object] = {s.id: s.options[0].id for s in BANK[:12]}
    flip = BANK[0]
    picks[flip.id] = [flip.options[0].id, flip.options[1].id]  # changes its mind if asked twice
    answers = _answers(tmp_path / "answers.yaml", picks, name="Kim", walls=["Never use exclamation marks."])
    out = tmp_path / "kim.yaml"
    result = CliRunner().invoke(cli, ["elicit", "--answers", str(answers), "--out", str(out)])
    assert result.exit_code == 0, result.output
    kim = load_persona(tmp_path / "kim.yaml")
    assert kim.id == "kim" and kim.elicitation is not None and kim.elicitation.finished
    assert set(kim.stated_choices) <= set(picks)
    assert sum(not a.repeat for a in kim.elicitation.answers) == 12  # the file's items, then it stops
    repeats = [a for a in kim.elicitation.answers if a.repeat]
    assert len(repeats) == 2 and kim.elicitation.repeats == 2
    expected = sum(a.scenario != flip.id for a in repeats) / 2
    assert kim.elicitation.consistency == expected
    assert kim.walls[0].rule is not None and kim.walls[0].rule.type == "no_exclamation_marks"


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ({"answers": {"job-offer-startup": "moon"}}, "answers.job-offer-startup"),
        ({"answers": {"no-such-scenario": "a"}}, "answers.no-such-scenario"),
        ({"answers": []}, "field 'answers'"),
        ({"answers": {"job-offer-startup": "stay"}, "colour": "blue"}, "field 'colour'"),
    ],
)
def test_a_bad_answers_file_names_its_field(tmp_path: Path, content: dict, named: str) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(content), encoding="utf-8")
    result = CliRunner().invoke(cli, ["elicit", "--answers", str(path), "--out", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2
    assert str(path) in result.output and named in result.output
    assert not (tmp_path / "x.yaml").exists()


def test_no_terminal_and_no_answers_file_is_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "me.yaml"
    result = CliRunner().invoke(cli, ["elicit", "--out", str(out)], input="a\n")  # a pipe, not a terminal
    assert result.exit_code == 2
    assert "not one" in result.output and "--answers FILE" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_an_existing_file_is_never_overwritten_and_a_corrupt_one_is_left_as_it_is(tmp_path: Path) -> None:
    answers = _answers(tmp_path / "a.yaml", {BANK[0].id: BANK[0].options[0].id})
    mine = tmp_path / "me.yaml"
    mine.write_text("id: [unclosed\n", encoding="utf-8")
    before = mine.read_bytes()
    new = CliRunner().invoke(cli, ["elicit", "--answers", str(answers), "--out", str(mine)])
    assert new.exit_code == 2 and "already exists" in new.output and "--resume" in new.output
    resumed = CliRunner().invoke(cli, ["elicit", "--answers", str(answers), "--resume", str(mine)])
    assert resumed.exit_code == 2 and str(mine) in resumed.output and "not valid YAML" in resumed.output
    assert mine.read_bytes() == before


def test_a_bank_without_value_tags_or_choices_is_named(tmp_path: Path) -> None:
    untagged = tmp_path / "untagged.yaml"
    untagged.write_text(
        yaml.safe_dump(
            [
                {
                    "id": "pick",
                    "domain": "x",
                    "kind": "choice",
                    "prompt": "Which?",
                    "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}],
                }
            ]
        ),
        encoding="utf-8",
    )
    answers = _answers(tmp_path / "a.yaml", {"pick": "a"})
    result = CliRunner().invoke(cli, ["elicit", "--scenarios", str(untagged), "--answers", str(answers)])
    assert result.exit_code == 2 and str(untagged) in result.output and "serve or sacrifice" in result.output
    open_only = tmp_path / "open.yaml"
    open_only.write_text(
        yaml.safe_dump([{"id": "o", "domain": "x", "kind": "open", "prompt": "Hi?", "rubric": "Kind."}]),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["elicit", "--scenarios", str(open_only), "--answers", str(answers)])
    assert result.exit_code == 2 and "holds no choice scenarios" in result.output

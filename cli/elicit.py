"""`personalign elicit`: a person answers choice scenarios in the terminal, and leaves with their
own gold set: a persona file of their stated choices, values fitted to them, and their
consistency. `personalign elicit-check`: the same sessions answered by simulated people."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from personalign.personas import UserError

if TYPE_CHECKING:
    from personalign.personas import Wall

KEYS_HELP = "s skips a question you cannot answer, q saves and quits"


def _saved(answers: int, path: Path) -> str:
    return f"{answers} answers are saved in {path}; continue with: personalign elicit --resume {path}"


def _ask(prompt: str) -> str:
    """One line from the person (Ctrl-C and Ctrl-D raise click.Abort)."""
    return str(click.prompt(prompt, default="", show_default=False, prompt_suffix=" ")).strip()


def _read_answer(letters: dict[str, str]) -> str | bool | None:
    """The option id the person picks; None to skip; False to quit. Asks again, saying what
    it takes, after anything else (an empty line, a wrong letter)."""
    choices = "/".join(letters)
    while True:
        typed = _ask(f"Your choice [{choices}, s, q]:").lower()
        if typed.upper() in letters:
            return letters[typed.upper()]
        if typed in ("s", "skip"):
            return None
        if typed in ("q", "quit"):
            return False
        said = f"{typed!r} is not an answer" if typed else "Nothing typed"
        click.echo(f"{said}: type {' or '.join(letters)} for an option ({KEYS_HELP}).")


def _walls_typed() -> list[Wall]:
    from personalign.personas import walls_from_text

    click.echo("Anything a reply to you must never do? One per line; an empty line finishes.")
    walls: list[Wall] = []
    while line := _ask(">"):
        walls += walls_from_text(line)
    return walls


def _summary(persona_file: Path, session: object) -> None:
    from personalign.evals import ElicitationSession

    assert isinstance(session, ElicitationSession)
    fit = session.fit()
    weights, sd = fit.weights(), fit.uncertainty()
    top = sorted(weights, key=lambda v: -weights[v])[:3]
    consistency, repeats = session.consistency()
    skipped = sum(a.option is None for a in session.answers)
    click.echo(
        f"\nSaved {persona_file}: {session.new_answers()} questions, {repeats} of them asked again, "
        f"{skipped} skipped."
    )
    click.echo(
        "Top values (fitted weight ± sd): " + ", ".join(f"{v} {weights[v]:.2f} ± {sd[v]:.2f}" for v in top)
    )
    if consistency is not None:
        same = round(consistency * repeats)
        click.echo(
            f"Consistency: {same} of {repeats} repeated questions answered the same ({consistency:.2f}); "
            "no model can be expected to match your answers more often than you do."
        )


@click.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("me.yaml"),
    show_default=True,
    help="The persona file to write (never overwritten: continue one with --resume).",
)
@click.option(
    "--resume",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Continue the session saved in this persona file.",
)
@click.option(
    "--items",
    type=click.IntRange(min=1),
    default=None,
    help="New questions to ask (default 30; about one in five is asked again on top).",
)
@click.option(
    "--answers",
    "answers_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Answer from this file instead of the terminal (scripted use): YAML or JSON mapping "
    "`answers` (scenario id -> option id), with optional name, description and walls.",
)
@click.option("--scenarios", default=None, help="Scenario file or directory (default: the bundled bank).")
@click.option("--name", default=None, help="Your name or a nickname (stays in the file, on this machine).")
@click.option("--id", "persona_id", default=None, help="Persona id (default: from the name, else 'me').")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed for option order and repeats.")
@click.option(
    "--selection",
    type=click.Choice(["adaptive", "random"]),
    default="adaptive",
    show_default=True,
    help="adaptive: ask what the fit is least sure of; random: a seeded shuffle (the baseline).",
)
def elicit(
    out: Path,
    resume: Path | None,
    items: int | None,
    answers_file: Path | None,
    scenarios: str | None,
    name: str | None,
    persona_id: str | None,
    seed: int,
    selection: str,
) -> None:
    """Answer choice scenarios to build your own gold set: a persona file with your stated
    choices, values fitted to them (with their uncertainty) and your own consistency.

    Each answer is saved at once: Ctrl-C, a closed terminal or `q` loses nothing, and
    `personalign elicit --resume FILE` continues. Then rank models and strategies for
    yourself: `personalign run --personas FILE ...`.
    """
    from personalign.evals import DEFAULT_ITEMS, ElicitationSession, choice_bank, load_answers, load_scenarios
    from personalign.personas import load_persona, save_persona, slug, walls_from_text

    source = str(scenarios or "the bundled scenario bank")
    bank = choice_bank(load_scenarios(scenarios), source)
    given = load_answers(answers_file, bank) if answers_file else None
    if given is None and not sys.stdin.isatty():
        raise UserError(
            "elicit asks its questions in a terminal, and standard input is not one; for scripted "
            "use give the answers in a file: personalign elicit --answers FILE (see --help)"
        )
    pool = set(given.answers) if given else None
    walls: list[Wall] = []
    description = ""
    if resume is not None:
        persona = load_persona(resume)
        session = ElicitationSession.resume(persona, bank, resume, pool)
        if items is not None:
            session.items = items
        out, persona_id, name = resume, persona.id, persona.name
        walls, description = list(persona.walls), next(iter(persona.values.statements), "")
        click.echo(f"Resuming {resume}: {len(session.answers)} questions answered so far.")
    else:
        if out.exists():
            raise UserError(
                f"--out {out}: already exists; continue that session with --resume {out}, or choose "
                "another --out (a person's answers are never overwritten)"
            )
        session = ElicitationSession(bank, items or DEFAULT_ITEMS, seed, selection, pool=pool)  # type: ignore[arg-type]
    if given is not None:
        name = name or given.name
        description = given.description or description
        walls = walls or [w for sentence in given.walls for w in walls_from_text(sentence)]
    elif name is None:
        click.echo(
            f"About {session.expected_questions()} questions: each is a situation with options; pick the "
            f"one you would choose yourself. Every answer is saved to {out} at once ({KEYS_HELP})."
        )
        name = _ask("Your name or a nickname (Enter for 'me'):") or "me"
    name = name or "me"
    persona_id = persona_id or slug(name, fallback="me")

    def save(finished: bool = False) -> None:
        save_persona(session.persona(persona_id, name, description, walls, finished), out)

    save()
    asked: dict[str, int] = {}
    try:
        while (question := session.next_question()) is not None:
            number = len(session.answers) + 1
            if given is not None:
                chosen: str | bool | None = given.answer(question, asked.get(question.scenario.id, 0))
            else:
                total = max(session.expected_questions(), number)
                click.echo(f"\nQuestion {number} of about {total}")
                click.echo(question.scenario.prompt.strip())
                for letter, option_id in question.options().items():
                    click.echo(f"  {letter}. {question.text(option_id)}")
                chosen = _read_answer(question.options())
            if chosen is False:
                click.echo(_saved(len(session.answers), out))
                return
            asked[question.scenario.id] = asked.get(question.scenario.id, 0) + 1
            session.record(question, chosen)  # type: ignore[arg-type]
            save()
        if given is None and not description:
            click.echo("\nAll questions answered. Two optional questions about yourself.")
            description = _ask("In a sentence or two, who are you? (Enter to skip)")
            walls = walls or _walls_typed()
    except (click.Abort, KeyboardInterrupt):  # Ctrl-C at a prompt, or while a question prints
        click.echo(f"\nStopped: {_saved(len(session.answers), out)}", err=True)
        sys.exit(130)
    save(finished=True)
    _summary(out, session)
    click.echo(
        f"Next, rank models and strategies for yourself: personalign run --personas {out} --kinds choice"
    )


@click.command("elicit-check")
@click.option("--people", type=click.IntRange(min=2), default=60, show_default=True, help="Simulated people.")
@click.option(
    "--items", type=click.IntRange(min=5), default=30, show_default=True, help="New answers per session."
)
@click.option("--seed", type=int, default=20261207, show_default=True)
def elicit_check(people: int, items: int, seed: int) -> None:
    """Do elicited weights recover a person? Simulated people with known weights and noise
    answer whole sessions (adaptive and random questions). Exits 1 when a bound is missed:
    top value recovered in at least 90% of low-noise people after ITEMS answers; coin-flip
    answers recovering it no better than chance (0.10 inside the interval); measured
    consistency within 0.05 of what each noise level implies; adaptive questions reaching
    random's final recovery in no more answers than random needs."""
    from personalign.evals import (
        adaptive_and_random,
        answers_needed,
        choice_bank,
        elicitation_validity,
        load_scenarios,
    )

    rows = elicitation_validity(choice_bank(load_scenarios(), "the bundled bank"), people, items, seed)
    click.echo(f"{people} simulated people x {items} answers, seed {seed}; intervals: 95% Wilson")
    click.echo(
        f"{'noise':<8}{'selection':<10}{'top-1 recovered':<22}{'top value in top 3':<22}consistency (implied)"
    )
    for row in rows:
        click.echo(
            f"{row.noise:<8}{row.selection:<10}{row.top1!s:<22}{row.top3!s:<22}"
            f"{row.consistency:.3f} ({row.expected_consistency:.3f})"
        )
    failed = []
    low = next(r for r in rows if r.noise == "low" and r.selection == "adaptive")
    if low.top1.value < 0.9:
        failed.append(f"low-noise top-1 recovery {low.top1.value:.2f} < 0.90")
    # Coin-flip answers carry nothing: recovery must look like chance (1 in 10 values).
    failed += [
        f"chance/{r.selection}: top-1 recovery {r.top1} does not hold 0.10"
        for r in rows
        if r.noise == "chance" and not r.top1.low <= 0.1 <= r.top1.high
    ]
    failed += [
        f"{r.noise}/{r.selection}: consistency {r.consistency:.3f} vs implied {r.expected_consistency:.3f}"
        for r in rows
        if abs(r.consistency - r.expected_consistency) > 0.05
    ]
    click.echo("\nAnswers needed for random's final recovery (fewer is better):")
    for noise in dict.fromkeys(r.noise for r in rows if r.noise != "chance"):
        adaptive, random = adaptive_and_random(rows, noise)
        target = random.curve[max(random.curve)]
        need_a, need_r = answers_needed(adaptive.curve, target), answers_needed(random.curve, target)
        click.echo(f"  {noise:<8} recovery {target:.2f}: adaptive {need_a}, random {need_r}")
        if need_a is None or (need_r is not None and need_a > need_r):
            failed.append(f"{noise}: adaptive needs {need_a} answers, random {need_r}")
    for line in failed:
        click.echo(f"FAIL {line}")
    if failed:
        sys.exit(1)

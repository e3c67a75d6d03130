"""`personalign run --shard I/N`: the matrix split over N machines that write one log directory,
and log directories on object storage (s3://), read back by the leaderboard and the gate."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from personalign.cli import cli
from personalign.cli.run import matrix, one_run_at_a_time, shard_cells
from personalign.personas import UserError
from personalign.reports._html import log_link
from personalign.reports._logread import is_url, join_location

MODELS = ["personalign-scripted/oracle", "personalign-scripted/random", "personalign-scripted/constant"]
STRATEGIES = ["none", "opspec", "custom_instructions"]
SIDE_TASKS = {
    "controls": True,
    "conversation": True,
    "counterfactual_pairs": 2,
    "safety_items": 1,
    "token_steering_prompts": 2,
}


def _keys(cells: list) -> list[str]:
    return [cell.key for cell in cells]


def test_every_cell_falls_to_exactly_one_shard_and_the_shares_are_even() -> None:
    cells = matrix(MODELS, STRATEGIES, **SIDE_TASKS)
    keys = _keys(cells)
    assert len(set(keys)) == len(keys) == 42  # 3 models x (3 + 2 controls + 3 + 2 + 3 + 1)
    for count in (1, 2, 3, 5, 42, 50):
        shares = [_keys(shard_cells(cells, (index, count))) for index in range(1, count + 1)]
        assert sorted(key for share in shares for key in share) == sorted(keys)  # covering, disjoint
        assert max(map(len, shares)) - min(map(len, shares)) <= 1
    assert _keys(shard_cells(cells, None)) == keys  # no shard: the whole matrix


def test_the_split_depends_on_the_cells_not_on_the_order_of_the_options() -> None:
    cells = matrix(MODELS, STRATEGIES, **SIDE_TASKS)
    reordered = matrix(MODELS[::-1], [STRATEGIES[1], STRATEGIES[2], STRATEGIES[0]], **SIDE_TASKS)
    shuffled = list(cells)
    random.Random(3).shuffle(shuffled)
    for index in (1, 2, 3):
        share = _keys(shard_cells(cells, (index, 3)))
        assert _keys(shard_cells(reordered, (index, 3))) == share
        assert _keys(shard_cells(shuffled, (index, 3))) == share
    # Side tasks spread over the shards rather than piling onto one.
    assert all(
        any(key.startswith("safety_floor ") for key in _keys(shard_cells(cells, (index, 3))))
        for index in (1, 2, 3)
    )


@pytest.mark.parametrize("value", ["0/3", "4/3", "x", "1/0", "1/", "/3", "-1/3", "1/3/5", "1.5/3", ""])
def test_a_bad_shard_exits_2_with_one_line_naming_the_option(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERSONALIGN_CRASH_DIR", str(tmp_path / "crashes"))
    result = CliRunner().invoke(cli, ["run", "--log-dir", str(tmp_path / "logs"), "--shard", value])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.output
    assert "'--shard'" in errors[0] and "expected I/N" in errors[0], errors[0]
    assert "Traceback" not in result.output and not (tmp_path / "crashes").exists()


def test_shards_share_a_log_directory_that_a_whole_run_or_a_second_copy_of_a_shard_is_refused(
    tmp_path: Path,
) -> None:
    logs = str(tmp_path)

    def refused(shard: tuple[int, int] | None) -> str:
        with pytest.raises(UserError) as refusal, one_run_at_a_time(logs, shard):
            pass
        return str(refusal.value)

    with one_run_at_a_time(logs, (1, 2)), one_run_at_a_time(logs, (2, 2)):
        assert "another personalign run of shard 1/2 is writing there (pid " in refused((1, 2))
        assert "another personalign run is writing there (shards of a run)" in refused(None)
    with one_run_at_a_time(logs, None):
        assert "a whole personalign run is writing there (pid " in refused((1, 2))
    with one_run_at_a_time(logs, None):  # every lock was given back
        pass
    # Object storage has no locks: a run into a URL takes none (and makes no local file).
    with one_run_at_a_time("s3://bucket/prefix", (1, 2)), one_run_at_a_time("s3://bucket/prefix", None):
        pass
    assert not Path("s3:").exists()


def test_urls_are_joined_and_linked_as_urls() -> None:
    assert is_url("s3://bucket/run") and is_url("file:///tmp/x") and not is_url("logs/run")
    assert not is_url("C:\\logs") and not is_url(Path("s3://bucket"))
    assert join_location("s3://bucket/run/", "r.html") == "s3://bucket/run/r.html"
    assert join_location("logs", "r.html") == Path("logs/r.html")
    assert log_link("s3://bucket/run/a.eval", "s3://bucket/run/r.html") == "a.eval"
    assert log_link("s3://bucket/run/a.eval", "s3://bucket/reports/r.html") == "../run/a.eval"
    assert log_link("s3://bucket/run/a.eval", "report.html") == "s3://bucket/run/a.eval"
    assert log_link("s3://bucket/run/a.eval", "s3://other/r.html") == "s3://bucket/run/a.eval"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A bucket on a local S3-compatible server (moto) for this test, with the AWS variables
    that botocore and s3fs read pointed at it; yields the bucket's name."""
    server_module = pytest.importorskip(
        "moto.server", reason="moto[server] (the test extra) is not installed"
    )
    import boto3

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            monkeypatch.delenv(name, raising=False)
        boto3.client("s3").create_bucket(Bucket="personalign-logs")
        yield "personalign-logs"
    finally:
        server.stop()
        # s3fs keeps one file system per set of options; the next server has another port.
        import s3fs

        s3fs.S3FileSystem.clear_instance_cache()


# Two eval sets, the leaderboard, a baseline and the gate, all through S3 (30-50 s on 2 cores).
@pytest.mark.slow
def test_two_shards_into_one_s3_log_dir_make_one_leaderboard_and_pass_the_gate(
    s3: str, tmp_path: Path
) -> None:
    logs = f"s3://{s3}/runs/nightly"
    args = [
        "run", "--models", "personalign-scripted/oracle", "--strategies", "none,opspec",
        "--max-personas", "2", "--scenarios-per-kind", "1", "--epochs", "1", "--no-blind-reference",
        "--log-dir", logs, "--display", "none",
    ]  # fmt: skip
    first = CliRunner().invoke(cli, [*args, "--shard", "1/2"])
    assert first.exit_code == 0, first.output
    assert "shard 1/2: 1 of the matrix's 2 cells" in first.output
    assert f"{logs} holds 1 of the matrix's 2 cells" in first.output
    assert "- personal_alignment personalign-scripted/oracle control=none strategy=opspec" in first.output
    second = CliRunner().invoke(cli, [*args, "--shard", "2/2"])
    assert second.exit_code == 0, second.output
    assert f"{logs} holds all 2 cells of the matrix" in second.output

    from inspect_ai.log import list_eval_logs

    assert len(list_eval_logs(logs)) == 2  # one log per cell, both in the one directory

    board = CliRunner().invoke(cli, ["leaderboard", logs, "--format", "csv"])
    assert board.exit_code == 0, board.output
    rows = [line.split(",")[:2] for line in board.output.splitlines()[1:] if line]
    assert sorted(rows) == [
        ["personalign-scripted/oracle", "none"],
        ["personalign-scripted/oracle", "opspec"],
    ]
    # Lifts need both shards' cells: `none` from one, `opspec` from the other.
    markdown = CliRunner().invoke(cli, ["leaderboard", logs])
    assert markdown.exit_code == 0 and "Lift over `none`" in markdown.output, markdown.output

    # The HTML report goes next to the logs, in the bucket, linking them relatively.
    html = CliRunner().invoke(cli, ["leaderboard", logs, "--format", "html"])
    assert html.exit_code == 0, html.output
    report = f"{logs}/personalign-report.html"
    assert f"report: {report}" in html.output
    from inspect_ai._util.file import file

    with file(report, "r") as stream:
        page = stream.read()
    assert 'href="2' in page and 'href="s3://' not in page  # a log's name, beside the report

    baseline = tmp_path / "baseline.json"
    made = CliRunner().invoke(cli, ["baseline", logs, "--out", str(baseline)])
    assert made.exit_code == 0, made.output
    gated = CliRunner().invoke(cli, ["gate", "--baseline", str(baseline), "--logs", logs])
    assert gated.exit_code == 0, gated.output
    assert "opspec" in gated.output and "none" in gated.output

    # A prefix nothing was written to is a missing directory, as a local one is.
    missing = CliRunner().invoke(cli, ["leaderboard", f"s3://{s3}/runs/nothing"])
    assert missing.exit_code == 2 and "no such log directory" in missing.output, missing.output


def test_a_log_dir_url_that_cannot_be_written_is_refused_before_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERSONALIGN_CRASH_DIR", str(tmp_path / "crashes"))
    tiny = ["--models", "personalign-scripted/oracle", "--max-personas", "1", "--epochs", "1", "--limit", "1"]
    result = CliRunner().invoke(cli, ["run", *tiny, "--log-dir", "nosuchscheme://bucket/x", "--shard", "1/2"])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "'--log-dir'" in errors[0] and "cannot be written" in errors[0], result.output
    assert not (tmp_path / "crashes").exists()

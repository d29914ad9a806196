"""Scan commands refuse nan/infinity and dates the model cannot hold, with one line naming the
option (cli/options.py), exit status 1, and nothing written."""
import pytest
from click.testing import CliRunner

from matchcore.cli.root import main
from matchcore.store.db import Store


@pytest.mark.parametrize("args, option", [
    (["--date", "9999-12-31"], "--date"),
    (["--date", "2026-01-01", "--full-time-hours", "nan"], "--full-time-hours"),
    (["--date", "2026-01-01", "--carved-hourly-cost", "inf"], "--carved-hourly-cost"),
])
def test_scan_new_refuses_what_the_model_cannot_hold(tmp_path, args, option):
    db = tmp_path / "m.db"
    Store.open(db).close()
    result = CliRunner().invoke(main, ["--db", str(db), "scan", "new", "s-x", "--employer", "e", *args])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and option in result.output and "Traceback" not in result.output
    assert Store.open(db).ids("scan") == []

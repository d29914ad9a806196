"""Optimistic concurrency (issue 10, point 2): every editable record carries a revision; edits
save only the fields changed, against the revision read; a concurrent edit of the same record is
a conflict naming who changed what, never a silent overwrite; concurrent additions both land.

"Two sessions" are two Store objects (two SQLite connections) on one file, as two coaches'
commands or the web app and a command would be.
"""
from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

from matchcore.cli import scan_prompts
from matchcore.cli.root import main
from matchcore.errors import EditConflict, ValidationFailed
from matchcore.model import parse_record
from matchcore.store.db import Store
from matchcore.store.io import export_store, import_paths

from .carving_data import port_employer, port_scan

SCAN = "haven-test"


@pytest.fixture
def path(tmp_path):
    store = Store.open(tmp_path / "rev.db")
    store.upsert([port_employer(), port_scan()])
    store.close()
    return tmp_path / "rev.db"


@pytest.fixture
def two(path):
    """Two sessions on one database file."""
    a, b = Store.open(path), Store.open(path)
    yield a, b
    a.close()
    b.close()


def _task(store, task_id, scan_id=SCAN):
    return next(t for t in store.scan(scan_id).tasks if t.id == task_id)


# --- the store ------------------------------------------------------------------------------

def test_records_carry_a_revision_counted_on_each_save_that_changes_them(two):
    a, _ = two
    scan = a.scan(SCAN)
    assert scan.revision == 1 and scan.last_change.by == "cli"
    assert {t.revision for t in scan.tasks} == {1} and {r.revision for r in scan.roles} == {1}
    assert a.employer("haven-test").revision == 1
    a.upsert([port_employer(), port_scan()])  # the same data again: nothing changed, no count
    assert a.scan(SCAN).revision == 1 and _task(a, "t01").revision == 1
    changed = port_scan().model_copy(update={"consultant": "Els Claes"})
    a.upsert([changed], by="an")
    scan = a.scan(SCAN)
    assert scan.revision == 2 and scan.last_change.by == "an"
    assert scan.last_change.fields == ("consultant",)
    assert _task(a, "t01").revision == 1  # the tasks did not change


def test_the_revision_is_not_part_of_the_record_export_round_trips(two, tmp_path):
    a, _ = two
    t = _task(a, "t01")
    a.save_task(SCAN, t.model_copy(update={"complexity": 2}), expected_revision=t.revision,
                fields=["complexity"], by="an")
    scan = a.scan(SCAN)
    assert "revision" not in scan.model_dump() and "revision" not in scan.tasks[0].model_dump()
    assert scan == parse_record({**scan.model_dump(mode="json"), "kind": "scan"})[0]
    export_store(a, tmp_path / "out")
    text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.yaml"))
    assert "revision" not in text and "last_change" not in text
    copy = Store.open(tmp_path / "copy.db")
    import_paths(copy, [tmp_path / "out"])
    assert copy.docs("scan") == a.docs("scan") and copy.docs("employer") == a.docs("employer")
    copy.close()


def test_two_sessions_editing_one_task_the_second_is_a_conflict_not_an_overwrite(two):
    a, b = two
    seen_a, seen_b = _task(a, "t01"), _task(b, "t01")  # both read revision 1
    a.save_task(SCAN, seen_a.model_copy(update={"minutes": 30}), expected_revision=seen_a.revision,
                fields=["minutes"], by="an.peeters")
    with pytest.raises(EditConflict) as err:
        b.save_task(SCAN, seen_b.model_copy(update={"minutes": 40, "complexity": 3}),
                    expected_revision=seen_b.revision, fields=["minutes", "complexity"], by="jan")
    message = str(err.value)
    assert message.startswith("task t01 of scan haven-test was changed by an.peeters at ")
    assert "minutes is now 30 (yours: 40)" in message and "\n" not in message
    kept = _task(a, "t01")
    assert (kept.minutes, kept.complexity, kept.revision) == (30, 1, 2)  # a's change, nothing of b's
    # b, having seen the conflict, saves against the new revision: now it is b's deliberate choice
    b.save_task(SCAN, kept.model_copy(update={"complexity": 3}), expected_revision=2,
                fields=["complexity"], by="jan")
    assert (_task(a, "t01").minutes, _task(a, "t01").complexity) == (30, 3)


def test_two_sessions_editing_different_tasks_both_land(two):
    a, b = two
    t1, t2 = _task(a, "t01"), _task(b, "t02")
    b_header = b.scan(SCAN)
    a.save_task(SCAN, t1.model_copy(update={"minutes": 30}), expected_revision=t1.revision,
                fields=["minutes"], by="an")
    b.save_task(SCAN, t2.model_copy(update={"hours_per_week": 9}), expected_revision=t2.revision,
                fields=["hours_per_week"], by="jan")
    b.save_record(b_header.model_copy(update={"consultant": "Jan"}),
                  expected_revision=b_header.revision, fields=["consultant"], by="jan")
    scan = a.scan(SCAN)
    assert (_task(a, "t01").minutes, _task(a, "t02").hours_per_week) == (30, 9)
    assert scan.consultant == "Jan" and len(scan.tasks) == 15  # b's header save kept a's task


def test_two_sessions_adding_tasks_at_once_both_land_with_their_own_ids(two):
    a, b = two
    assert len(a.scan(SCAN).tasks) == len(b.scan(SCAN).tasks) == 15  # both would pick t16
    new = {"description": "Folie sorteren", "role": "dokwerker", "hours_per_week": 2}
    x = a.save_task(SCAN, new, expected_revision=None, by="an")
    y = b.save_task(SCAN, {**new, "id": "t16", "description": "Kaai vegen"}, expected_revision=None,
                    auto_id=True, by="jan")
    assert (x.id, y.id) == ("t16", "t17") and x.revision == y.revision == 1
    assert [t.description for t in a.scan(SCAN).tasks[-2:]] == ["Folie sorteren", "Kaai vegen"]
    # an id given on purpose that another session took meanwhile is a conflict, not an overwrite
    with pytest.raises(EditConflict, match=r"task t16 of scan haven-test was added by an at "):
        b.save_task(SCAN, {**new, "id": "t16"}, expected_revision=None, by="jan")
    assert _task(a, "t16").description == "Folie sorteren"


def test_an_edit_keeps_what_the_editor_did_not_change(two):
    a, b = two
    seen = _task(b, "t03")
    doc = port_scan().model_dump(mode="json")
    doc["tasks"][2]["extra"] = {"bron": "tablet"}  # a field the web form does not show
    a.upsert([parse_record({**doc, "kind": "scan"})[0]], by="tablet")
    with pytest.raises(EditConflict, match="extra is now bron tablet"):
        b.save_task(SCAN, seen.model_copy(update={"minutes": 45}), expected_revision=seen.revision,
                    fields=["minutes"], by="jan")
    seen = _task(b, "t03")
    b.save_task(SCAN, seen.model_copy(update={"minutes": 45, "extra": {}}),
                expected_revision=seen.revision, fields=["minutes"], by="jan")
    assert _task(a, "t03").extra == {"bron": "tablet"} and _task(a, "t03").minutes == 45


def test_removed_and_changed_tasks_are_conflicts_for_whoever_still_holds_them(two):
    a, b = two
    seen_b = _task(b, "t05")
    a.remove_task(SCAN, "t05", expected_revision=_task(a, "t05").revision, by="an")
    with pytest.raises(EditConflict, match=r"task t05 of scan haven-test was removed by an at .*"
                                           r"after you read it; nothing of yours was saved"):
        b.save_task(SCAN, seen_b.model_copy(update={"hours_per_week": 3}),
                    expected_revision=seen_b.revision, fields=["hours_per_week"], by="jan")
    assert "t05" not in [t.id for t in a.scan(SCAN).tasks]
    seen_b = _task(b, "t06")
    t6 = _task(a, "t06")
    a.save_task(SCAN, t6.model_copy(update={"complexity": 4}), expected_revision=t6.revision,
                fields=["complexity"], by="an")
    with pytest.raises(EditConflict, match="complexity is now 4"):
        b.remove_task(SCAN, "t06", expected_revision=seen_b.revision, by="jan")
    assert _task(a, "t06").complexity == 4


def test_an_invalid_edit_writes_nothing(two):
    a, _ = two
    t = _task(a, "t02")  # hours_per_week 15
    with pytest.raises(ValidationFailed, match="task t02: give hours_per_week or frequency"):
        a.save_task(SCAN, {**t.model_dump(mode="json"), "minutes": 5}, expected_revision=t.revision,
                    fields=["minutes"], by="an")
    assert _task(a, "t02").revision == t.revision and _task(a, "t02").minutes is None


def test_employers_and_candidates_are_compare_and_swap_too(two):
    a, b = two
    ea, eb = a.employer("haven-test"), b.employer("haven-test")
    a.save_record(ea.model_copy(update={"name": "Haven Noord"}), expected_revision=ea.revision,
                  fields=["name"], by="an")
    with pytest.raises(EditConflict, match="employer haven-test was changed by an .*name is now "
                                           "'Haven Noord' \\(yours: 'Havenbedrijf Test'\\)"):
        b.save_record(eb.model_copy(update={"sector": "logistiek"}), expected_revision=eb.revision,
                      fields=["sector"], by="jan")
    assert (a.employer("haven-test").name, a.employer("haven-test").sector) == ("Haven Noord", "haven")
    cand, _ = parse_record({"kind": "candidate", "id": "K-0100", "home": {"postcode": "9000"}})
    a.create_record(cand, by="an")
    with pytest.raises(EditConflict, match="candidate K-0100 was added by an"):
        b.create_record(cand, by="jan")
    ca = a.candidate("K-0100")
    a.save_record(ca.model_copy(update={"max_commute_km": 12.0}), expected_revision=1, by="an")
    with pytest.raises(EditConflict, match="max_commute_km is now 12"):
        b.save_record(ca.model_copy(update={"max_commute_km": 30.0}), expected_revision=1, by="jan")


def test_contact_entries_carry_a_revision_and_corrections_are_checked(tmp_path):
    pytest.importorskip("starlette")
    from matchcore.web import contacts, schema  # noqa: F401  (registers the web tables)

    store = Store.open(tmp_path / "calls.db")
    store.upsert([port_employer()])
    other = Store.open(tmp_path / "calls.db")
    cid = contacts.record_call(store, user="an", employer_id="haven-test", function_id=None,
                               function_title="Dokwerker", candidate_id=None, outcome="no")
    (call,) = contacts.calls_for(other, "haven-test")
    assert call["revision"] == 1
    contacts.update_call(store, cid, {"outcome": "call_back", "outcome_date": "2026-03-09"},
                         expected_revision=1, user="an")
    with pytest.raises(EditConflict, match=r"call \d+ to employer haven-test was changed by an .*"
                                           r"outcome is now 'call_back' \(yours: 'appointment'\)"):
        contacts.update_call(other, cid, {"outcome": "appointment"}, expected_revision=1, user="jan")
    (call,) = contacts.calls_for(other, "haven-test")
    assert (call["outcome"], call["revision"]) == ("call_back", 2)
    store.close()
    other.close()


# --- the command line -----------------------------------------------------------------------

@pytest.fixture
def run(path, monkeypatch):
    from matchcore.carving import texts

    monkeypatch.setattr(texts, "vocabulary", lambda *a: (("afval sorteren",), frozenset()))

    def invoke(*args, input=None):
        return CliRunner().invoke(main, ["--db", str(path), *args], obj={}, input=input)
    return invoke


def _meanwhile(monkeypatch, path, change):
    """Run ``change(store)`` in another session while the command is prompting (after it read
    the scan, before it saves): the race the issue measured, made deterministic."""
    prompts = scan_prompts.task_fields

    def task_fields(*args, **kw):
        other = Store.open(path)
        try:
            change(other)
        finally:
            other.close()
        return prompts(*args, **kw)

    monkeypatch.setattr("matchcore.cli.scan.task_fields", task_fields)


def _edit(store, task_id, by, **changes):
    t = _task(store, task_id)
    store.save_task(SCAN, t.model_copy(update=changes), expected_revision=t.revision,
                    fields=list(changes), by=by)


ENTER = "\n"


def test_cli_edit_task_refuses_a_concurrent_edit_and_prints_what_was_typed(run, path, monkeypatch):
    _meanwhile(monkeypatch, path, lambda s: _edit(s, "t01", "tablet", complexity=4, zone="loods"))
    # interactive: Enter keeps every value, complexity 3 typed, notes typed
    answers = ENTER * 7 + "3\n" + ENTER * 6 + "nagekeken met ploegbaas\n"
    result = run("scan", "edit-task", SCAN, "t01", input=answers)
    assert result.exit_code == 1
    out = result.output
    assert ("error: task t01 of scan haven-test was changed by tablet at " in out
            and "complexity is now 4 (yours: 3)" in out and "zone is now 'loods' (yours: 'kaai')" in out)
    assert "Traceback" not in out
    t = _task(Store.open(path), "t01")
    assert (t.complexity, t.zone, t.notes) == (4, "loods", None)  # the tablet's change stays
    # what was typed is printed as a command; run as printed, it saves exactly that
    command = re.search(r"run: (matchcore scan edit-task .*)$", out, re.M).group(1)
    argv = shlex.split(command)[1:]
    # only what the coach changed: the zone was kept as it was read, so it is not put back
    assert argv == ["scan", "edit-task", SCAN, "t01", "--complexity", "3", "--notes",
                    "nagekeken met ploegbaas"]
    monkeypatch.setattr("matchcore.cli.scan.task_fields", scan_prompts.task_fields)  # no race now
    assert run(*argv).exit_code == 0
    t = _task(Store.open(path), "t01")
    assert (t.complexity, t.zone, t.notes) == (3, "loods", "nagekeken met ploegbaas")


def test_cli_edit_task_saves_only_its_fields_and_keeps_other_sessions_changes(run, path, monkeypatch):
    def elsewhere(s):
        _edit(s, "t02", "tablet", hours_per_week=20)
        s.save_task(SCAN, {"description": "Nieuwe taak", "role": "dokwerker", "hours_per_week": 1},
                    expected_revision=None, by="tablet")
    _meanwhile(monkeypatch, path, elsewhere)
    result = run("scan", "edit-task", SCAN, "t01", "--complexity", "2")
    assert result.exit_code == 0, result.output
    assert "changed complexity" in result.output
    scan = Store.open(path).scan(SCAN)
    assert _task(Store.open(path), "t01").complexity == 2
    assert _task(Store.open(path), "t02").hours_per_week == 20  # not reverted
    assert [t.id for t in scan.tasks][-1] == "t16"  # not lost


def test_cli_two_sessions_adding_tasks_both_land(run, path, monkeypatch):
    _meanwhile(monkeypatch, path, lambda s: s.save_task(
        SCAN, {"description": "Van de tablet", "role": "dokwerker", "hours_per_week": 1},
        expected_revision=None, by="tablet"))
    answers = "Stuwhout sorteren\ndokwerker\nh\n5\n\n\n\n\nkaai\n\n\n\nn\n"
    result = run("scan", "add-task", SCAN, input=answers)
    assert result.exit_code == 0, result.output
    assert "New task t16 for scan" in result.output
    assert "(t16 was taken meanwhile by another session)" in result.output
    assert "saved: task t17 (5.00 h/week)" in result.output
    tasks = {t.id: t.description for t in Store.open(path).scan(SCAN).tasks}
    assert (tasks["t16"], tasks["t17"]) == ("Van de tablet", "Stuwhout sorteren")


def test_cli_add_task_with_an_id_taken_meanwhile_keeps_the_task_typed(run, path, monkeypatch):
    _meanwhile(monkeypatch, path, lambda s: s.save_task(
        SCAN, {"id": "t40", "description": "Van de tablet", "role": "dokwerker", "hours_per_week": 1},
        expected_revision=None, by="tablet"))
    result = run("scan", "add-task", SCAN, "--id", "t40", "--description", "Pallets stapelen",
                 "--role", "dokwerker", "--hours-per-week", "3", "--zone", "loods")
    assert result.exit_code == 1
    assert "error: task t40 of scan haven-test was added by tablet at " in result.output
    line = re.search(r"run: (.*)$", result.output, re.M).group(1)
    assert "--id" not in line and "'Pallets stapelen'" in line and "--zone loods" in line
    assert _task(Store.open(path), "t40").description == "Van de tablet"


def test_cli_remove_task_refuses_when_the_task_changed_after_it_was_shown(run, path, monkeypatch):
    shown = {}

    def confirm(text, **kw):  # someone edits t03 while the coach reads the question
        shown["text"] = text
        other = Store.open(path)
        _edit(other, "t03", "tablet", minutes=50)
        other.close()
        return True

    monkeypatch.setattr("matchcore.cli.scan.ask_yes_no", confirm)  # the ja/nee question
    result = run("scan", "remove-task", SCAN, "t03")
    assert result.exit_code == 1 and "Remove t03" in shown["text"]
    assert "error: task t03 of scan haven-test was changed by tablet" in result.output
    assert "minutes is now 50" in result.output
    assert _task(Store.open(path), "t03").minutes == 50


def test_cli_add_role_does_not_revert_other_changes(run, path, monkeypatch):
    other = Store.open(path)
    result = run("scan", "add-role", SCAN, "--role", "kuiser:Kuiser:30")
    assert result.exit_code == 0, result.output
    _edit(other, "t01", "tablet", complexity=2)
    result = run("scan", "add-role", SCAN, "--role", "kuiser:Kuiser:30")
    assert result.exit_code == 1 and "role kuiser exists already" in result.output
    assert _task(other, "t01").complexity == 2 and "kuiser" in [r.id for r in other.scan(SCAN).roles]
    other.close()


# --- the web app: two coaches, two browsers ---------------------------------------------------

PASSWORD = "correct horse battery"


@pytest.fixture
def coaches(path):
    """Two signed-in clients (an.peeters and jan.desmet) on the same database."""
    pytest.importorskip("argon2")
    from starlette.testclient import TestClient

    from matchcore.web import accounts
    from matchcore.web.app import create_app

    from .test_web import csrf_of

    store = Store.open(path)
    accounts.add_user(store, "an.peeters", PASSWORD)
    accounts.add_user(store, "jan.desmet", PASSWORD)
    store.close()
    app = create_app(str(path))
    with TestClient(app, follow_redirects=False) as an, TestClient(app, follow_redirects=False) as jan:
        for client, name in ((an, "an.peeters"), (jan, "jan.desmet")):
            r = client.post("/login", data={"csrf_token": csrf_of(client, "/login"), "name": name,
                                            "password": PASSWORD})
            assert r.status_code == 303
        yield an, jan


def _form(html: str) -> dict:
    """The fields of the task form as a browser would send them (text inputs, textareas,
    checked radios and boxes, selected options)."""
    form = html[html.index('id="task-form"'):html.index("</form>", html.index('id="task-form"'))]
    data: dict = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        kind = (re.search(r'type="([^"]+)"', tag) or [None, "text"])[1]
        value = (re.search(r'value="([^"]*)"', tag) or [None, "on"])[1]
        if kind in ("radio", "checkbox") and "checked" not in tag:
            continue
        data.setdefault(name[1], []).append(value)
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = [body]
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        data[name] = [chosen[1] if chosen else re.search(r'<option value="([^"]*)"', body)[1]]
    return data


def test_web_two_coaches_editing_one_task_the_second_gets_409_with_what_they_typed(coaches, path):
    an, jan = coaches
    form_an = _form(an.get(f"/scans/{SCAN}/tasks/t01/edit").text)
    form_jan = _form(jan.get(f"/scans/{SCAN}/tasks/t01/edit").text)
    assert form_an["revision"] == form_jan["revision"] == ["1"]
    r = an.post(f"/scans/{SCAN}/tasks/t01", data={**form_an, "minutes": "30"})
    assert r.status_code == 303
    r = jan.post(f"/scans/{SCAN}/tasks/t01", data={**form_jan, "minutes": "40",
                                                   "notes": "met de ploegbaas bekeken"})
    assert r.status_code == 409
    html = r.text.replace("&#39;", "'")
    assert re.search(r'id="task-conflict" role="alert">Not saved: task t01 of scan haven-test was '
                     r"changed by an.peeters at .*minutes is now 30 \(yours: 40\)", html)
    assert 'id="err-minutes"' in html and "changed meanwhile by an.peeters; now: 30" in html
    again = _form(r.text)
    assert again["minutes"] == ["40"] and again["notes"] == ["met de ploegbaas bekeken"]
    assert again["revision"] == ["2"]  # saving again is now jan's informed choice
    assert _task(Store.open(path), "t01").minutes == 30  # an's save stands
    r = jan.post(f"/scans/{SCAN}/tasks/t01", data=again)
    assert r.status_code == 303
    t = _task(Store.open(path), "t01")
    assert (t.minutes, t.notes, t.last_change.by) == (40, "met de ploegbaas bekeken", "jan.desmet")


def test_web_two_coaches_adding_tasks_and_editing_different_ones_all_land(coaches, path):
    an, jan = coaches
    page_an, page_jan = an.get(f"/scans/{SCAN}").text, jan.get(f"/scans/{SCAN}").text
    new = {"description": "Folie sorteren", "role": "dokwerker", "volume": "hours",
           "hours_per_week": "2", "complexity": "1", "when": "continuous"}
    for client, page, text in ((an, page_an, "Folie sorteren"), (jan, page_jan, "Kaai vegen")):
        r = client.post(f"/scans/{SCAN}/tasks", headers={"HX-Request": "true"},
                        data={**new, "description": text, "csrf_token": _form(page)["csrf_token"]})
        assert r.status_code == 200 and "saved." in r.text
    e1, e2 = _form(an.get(f"/scans/{SCAN}/tasks/t02/edit").text), _form(jan.get(f"/scans/{SCAN}/tasks/t03/edit").text)
    assert an.post(f"/scans/{SCAN}/tasks/t02", data={**e1, "hours_per_week": "9"}).status_code == 303
    assert jan.post(f"/scans/{SCAN}/tasks/t03", data={**e2, "minutes": "45"}).status_code == 303
    tasks = {t.id: t for t in Store.open(path).scan(SCAN).tasks}
    assert (tasks["t16"].description, tasks["t17"].description) == ("Folie sorteren", "Kaai vegen")
    assert (tasks["t02"].hours_per_week, tasks["t03"].minutes) == (9, 45)
    assert tasks["t16"].last_change.by == "an.peeters" and tasks["t17"].last_change.by == "jan.desmet"


def test_web_an_htmx_add_with_an_id_taken_meanwhile_answers_409_inside_the_form(coaches, path,
                                                                               monkeypatch):
    from matchcore.web import forms

    an, jan = coaches
    page = jan.get(f"/scans/{SCAN}").text
    checked = forms.check_task

    def check_then_race(*args, **kw):  # another coach saves t50 just after jan's form was checked
        result = checked(*args, **kw)
        other = Store.open(path)
        other.save_task(SCAN, {"id": "t50", "description": "Van de tablet", "role": "dokwerker",
                               "hours_per_week": 1}, expected_revision=None, by="an.peeters")
        other.close()
        return result

    monkeypatch.setattr(forms, "check_task", check_then_race)
    r = jan.post(f"/scans/{SCAN}/tasks", headers={"HX-Request": "true"},
                 data={"description": "Mijn taak", "role": "dokwerker", "volume": "hours",
                       "hours_per_week": "2", "id": "t50", "csrf_token": _form(page)["csrf_token"]})
    assert r.status_code == 409 and r.text.lstrip().startswith('<div id="scan-work">')
    assert "was added by an.peeters" in r.text and "Van de tablet" in r.text  # the table as it is now
    assert _form(r.text)["description"] == ["Mijn taak"]


def test_web_removing_a_task_changed_since_the_page_was_shown_is_refused(coaches, path):
    an, jan = coaches
    page = jan.get(f"/scans/{SCAN}").text
    token = _form(page)["csrf_token"]
    revision = re.search(r'tasks/t04/delete"><input[^>]*><input type="hidden" name="revision" '
                         r'value="(\d+)"', page)[1]
    form_an = _form(an.get(f"/scans/{SCAN}/tasks/t04/edit").text)
    assert an.post(f"/scans/{SCAN}/tasks/t04", data={**form_an, "minutes": "55"}).status_code == 303
    r = jan.post(f"/scans/{SCAN}/tasks/t04/delete", data={"csrf_token": token, "revision": revision})
    assert r.status_code == 409
    assert "task t04 of scan haven-test was changed by an.peeters" in r.text
    assert "Task t04 was not removed" in r.text
    assert _task(Store.open(path), "t04").minutes == 55

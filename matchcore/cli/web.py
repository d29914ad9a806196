"""``matchcore serve`` and ``matchcore user``: the web app and its team accounts."""
from __future__ import annotations

import os
import sys

import click

from matchcore.cli.root import emit_json, get_store, table
from matchcore.errors import MatchcoreError
from matchcore.i18n import _

# start-up: `matchcore --help` imports this module to list its commands, so the store and the web
# modules are imported by the commands themselves (each such import is marked "start-up").

__all__ = ["serve", "user"]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback needs team accounts.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="A host name (or address) the app may be reached under, besides localhost, "
                   "127.0.0.1 and ::1; repeatable. Also MATCHCORE_ALLOWED_HOSTS (comma-separated).")
@click.option("--reload", is_flag=True, hidden=True)
@click.pass_context
def serve(ctx, host, port, allowed_hosts, reload):
    """Start the web app for jobhunters and consultants on the store (--db).

    On loopback (the default, 127.0.0.1) it runs without login for one user until the first team
    account exists; bound to any other address it refuses to start without accounts. It answers
    only to requests for the loopback names, the address given with --host and the names given
    with --allowed-host (others get 400: a page on another site cannot reach it by pointing its
    own name at this computer). Stop it with Ctrl+C.

    \b
    Example:
        matchcore --db matchcore-demo.db serve --port 8000
        # then open http://127.0.0.1:8000/
        matchcore serve --host 0.0.0.0 --allowed-host matchcore.team.lan
    """
    from matchcore.web.accounts import accounts_on  # start-up
    from matchcore.web.security import LOOPBACK_NAMES, host_name, is_loopback  # start-up

    # start-up: the web framework and every engine load only when the server starts, so that
    # `matchcore user ...` and `matchcore --help` stay quick
    from matchcore.web import serving  # start-up (see above)
    from matchcore.web.app import create_app  # start-up (see above)

    names = [*allowed_hosts, *(n for n in os.environ.get("MATCHCORE_ALLOWED_HOSTS", "")
                               .replace(",", " ").split())]
    hosts = []
    for given in names:
        name = host_name(given)
        if name is None:
            source = "--allowed-host" if given in allowed_hosts else "MATCHCORE_ALLOWED_HOSTS"
            raise MatchcoreError(_("{source}: {value!r} is not a host name or an IP address "
                                   "(e.g. 'matchcore.team.lan' or '192.168.1.20')").format(
                                       source=source, value=given))
        hosts.append(name)
    bound = host_name(host)
    if bound and bound not in ("0.0.0.0", "::"):  # a wildcard is no name a browser can use
        hosts.append(bound)
    store = get_store(ctx)
    if not is_loopback(host) and not accounts_on(store):
        raise MatchcoreError(_(
            "refusing to listen on {host}: this database has no team accounts, and candidates' "
            "data is personal; add one with 'matchcore user add NAME' (or serve on 127.0.0.1)").format(host=host))
    path = store.path
    mode = _("team accounts: login required") if accounts_on(store) else _("no accounts: single local user")
    answers = ", ".join(sorted(LOOPBACK_NAMES | set(hosts)))
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    click.echo(_("matchcore web on {url} ({path}; {mode}; answers to {names})").format(
        url=url, path=path, mode=mode, names=answers), err=True)
    serving.run(create_app(path, allowed_hosts=hosts), host=host, port=port)


@click.group()
def user():
    """Team accounts for the web app (passwords are stored as argon2 hashes).

    \b
    Example:
        matchcore user add an.peeters
        matchcore user list
    """


def _password(name: str, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt(_("Password for {name}").format(name=name), hide_input=True, confirmation_prompt=True)


@user.command("add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@click.pass_context
def user_add(ctx, name, password_stdin):
    """Add a team account NAME; asks for its password twice.

    \b
    Example:
        matchcore user add an.peeters
        printf '%s\\n' "$PW" | matchcore user add jan --password-stdin
    """
    from matchcore.web import audit  # start-up
    from matchcore.web.accounts import add_user  # start-up

    store = get_store(ctx)
    add_user(store, name, _password(name, password_stdin))
    with store.write(bump=False):
        audit.record(store, "cli", "user.add", f"user:{name}")
    click.echo(_("added user {name}; the web app now asks everyone to log in").format(name=name))


@user.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_context
def user_passwd(ctx, name, password_stdin):
    """Set a new password for NAME (logs NAME out everywhere).

    \b
    Example:
        matchcore user passwd an.peeters
    """
    from matchcore.web import audit  # start-up
    from matchcore.web.accounts import set_password  # start-up

    store = get_store(ctx)
    set_password(store, name, _password(name, password_stdin))
    with store.write(bump=False):
        audit.record(store, "cli", "user.passwd", f"user:{name}")
    click.echo(_("changed the password of {name}").format(name=name))


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def user_list(ctx, as_json):
    """List the team accounts (never the password hashes).

    \b
    Example:
        matchcore user list --json
    """
    from matchcore.web.accounts import list_users  # start-up

    rows = list_users(get_store(ctx))
    if as_json:
        emit_json(rows)
    else:
        table(rows, ["name", "created_at", "last_login_at"])


@user.command("remove")
@click.argument("name")
@click.pass_context
def user_remove(ctx, name):
    """Remove the account NAME and end its sessions.

    \b
    Example:
        matchcore user remove jan
    """
    from matchcore.web import audit  # start-up
    from matchcore.web.accounts import accounts_on, remove_user  # start-up

    store = get_store(ctx)
    remove_user(store, name)
    with store.write(bump=False):
        audit.record(store, "cli", "user.remove", f"user:{name}")
    left = "" if accounts_on(store) else " " + _("(no accounts left: the app runs without login on loopback only)")
    click.echo(_("removed user {name}").format(name=name) + left)

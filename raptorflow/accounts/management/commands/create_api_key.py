"""Create a workspace API key from the command line; the secret is printed once."""

from django.core.management.base import BaseCommand, CommandError

from raptorflow.accounts.models import Workspace
from raptorflow.accounts.services import ScopeError, apikey_create
from raptorflow.audit.actors import Actor


class Command(BaseCommand):
    help = "Create an API key, e.g. create_api_key --workspace demo --scopes runs:read,runs:write,agents:read"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--workspace", default="demo", help="workspace slug (default: demo)")
        parser.add_argument("--name", default="cli", help="a name to recognise the key by")
        parser.add_argument("--scopes", default="runs:read,runs:write,agents:read", help="comma-separated scopes")

    def handle(self, *args, **options) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace {options['workspace']!r}.")
        scopes = [scope.strip() for scope in options["scopes"].split(",") if scope.strip()]
        try:
            key, plaintext = apikey_create(
                workspace=workspace, name=options["name"], scopes=scopes, actor=Actor.system("create_api_key")
            )
        except ScopeError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(plaintext)
        # On stderr, so that `KEY=$(manage.py create_api_key ...)` still captures the key alone.
        self.stderr.write(f"Granted {', '.join(key.scopes)} in workspace {workspace.slug!r}; the key is shown once.")

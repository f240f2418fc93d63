"""Publish an agent version from the command line, through the same service and gate as the admin and the API."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from agents.models import AgentVersion
from agents.services import agentversion_publish
from raptorflow.audit.actors import Actor
from raptorflow.errors import ServiceError


class Command(BaseCommand):
    help = "Publish a draft, e.g. version_publish unit_economics 3; exits non-zero with the gate's error code."

    def add_arguments(self, parser) -> None:
        parser.add_argument("agent", help="agent slug")
        parser.add_argument("number", type=int, help="version number")
        parser.add_argument("--override-reason", default="", help="publish over the evaluation gate, because …")
        parser.add_argument("--as", dest="username", default="", help="the owner overriding (needs the permission)")

    def handle(self, *args, **options) -> None:
        version = AgentVersion.objects.select_related("agent").filter(
            agent__slug=options["agent"], number=options["number"]
        )
        found = version.first()
        if found is None:
            raise CommandError(f"No version {options['number']} of {options['agent']!r}.")
        actor = Actor.system("version_publish")
        if options["username"]:
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"No user named {options['username']!r}.")
            actor = Actor.for_user(user)
        try:
            published = agentversion_publish(version=found, actor=actor, override_reason=options["override_reason"])
        except ServiceError as refusal:
            raise CommandError(f"{refusal.code}: {refusal.message}") from None
        self.stdout.write(f"Published {found}." if published else f"{found} was already published.")

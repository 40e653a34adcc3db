"""Print a user's API token: made the first time, the same one after, a new one with
--rotate (the old one stops working at once)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from api.access import reads_the_api


class Command(BaseCommand):
    help = (
        "Print the API token of a committee's office user (or a superuser), making it the first "
        "time. --rotate replaces it: the old token stops working at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="the user whose token it is, e.g. vanphong-lao-cai")
        parser.add_argument(
            "--rotate", action="store_true", help="replace the token with a new one"
        )

    def handle(self, *args, username, rotate, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is named {username!r}.")
        if not reads_the_api(user):
            raise CommandError(
                f"{username} is not an active office user of a committee nor a superuser: the "
                "API would refuse the token (403)."
            )
        with transaction.atomic():
            if rotate:
                Token.objects.filter(user=user).delete()
            token, _made = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)

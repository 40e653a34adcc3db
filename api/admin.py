"""The API's tokens are not managed in the admin. A token is as good as its user's password
and is kept as it is typed: its page would show every office's key to whoever may open it. A
token is made, shown and replaced on the server, by whoever runs the installation, with
``manage.py api_token`` (api/management/commands/api_token.py); the admin that
rest_framework.authtoken brings is taken away."""

from django.contrib import admin
from rest_framework.authtoken.models import TokenProxy

admin.site.unregister(TokenProxy)

from accounts.management.commands.api_token import Command as ApiTokenCommand


class Command(ApiTokenCommand):
    """The older name of `api_token`, kept for the pipelines that call it."""

    help = "Alias of `api_token`. " + ApiTokenCommand.help

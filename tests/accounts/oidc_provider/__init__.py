"""A real OpenID Connect provider for the single sign-on tests: django-oidc-provider in a tiny
Django project of its own (SQLite in a temporary folder, its own port, RS256 keys made at
start). tests/accounts/conftest.py starts it; its users and their groups are set with
`idp_user`, the client this site is registered as with `idp_client`."""

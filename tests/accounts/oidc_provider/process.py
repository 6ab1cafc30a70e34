"""Start the example identity provider as its own process and talk to it."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = "tests.accounts.oidc_provider.settings"


class IdentityProvider:
    def __init__(self, folder, port, log):
        self.folder = folder
        self.url = f"http://127.0.0.1:{port}"
        self.issuer = f"{self.url}/openid"
        self.discovery_url = f"{self.issuer}/.well-known/openid-configuration"
        self.env = {**os.environ, "IDP_DIR": str(folder), "DJANGO_SETTINGS_MODULE": SETTINGS}
        for name in ("DATABASE_URL", "CELERY_BROKER_URL"):
            self.env.pop(name, None)
        self.log = log
        self.process = None

    def manage(self, *args):
        result = subprocess.run([sys.executable, "-m", "django", *args], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def start(self, port):
        self.manage("migrate", "--verbosity", "0")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the identity provider exited; see {self.log.name}")
            try:
                if httpx.get(self.discovery_url, timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the identity provider did not answer in 30 s; see {self.log.name}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def register(self, client_id, secret, site_url):
        """Register the site as a client: its callback (the redirect URI) and its login page
        (where the provider sends the browser after signing out)."""
        self.manage("idp_client", client_id, secret,
                    "--redirect-uri", f"{site_url}/accounts/sso/callback/",
                    "--post-logout-uri", f"{site_url}/accounts/login/")

    def user(self, username, password, email="", groups=(), first_name=""):
        self.manage("idp_user", username, "--password", password, "--email", email,
                    "--first-name", first_name, "--groups", ",".join(groups))

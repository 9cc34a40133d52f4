#!/usr/bin/env python3
"""A ProConnect-like OpenID Connect provider for Pacte's tests.

It is oidc-provider-mock (a real authlib authorisation server: discovery, authorisation form,
token endpoint, signed ID tokens, JWKS, userinfo, end of session) with what ProConnect adds and
the plain mock does not enforce:

- PKCE with S256 is required, and the verifier is checked at the token endpoint;
- a nonce is required;
- ProConnect's scopes (given_name, usual_name, siret, uid…) are accepted and their claims given;
- userinfo answers a JWT signed with the provider's key (Content-Type application/jwt), as
  ProConnect does, carrying iss and aud.

Usage: proconnect-test-provider.py --port 9400 [--user-claims '{"sub": "…", "email": "…"}' …]
The provider prints "ready" on standard output once it listens.
"""

import argparse
import json
import os
import signal
import sys
import time
import threading

import authlib.oauth2.rfc7636 as rfc7636
import flask
import werkzeug.serving
from authlib import jose
from authlib.integrations import flask_oauth2
from authlib.oauth2.rfc6749 import InvalidRequestError
from oidc_provider_mock import _app
from oidc_provider_mock._storage import Client, User

# code → (challenge, method): the mock's authorisation codes do not keep them.
_challenges: dict[str, tuple[str | None, str | None]] = {}
# access token → client id, for the userinfo JWT's audience.
_token_clients: dict[str, str] = {}
_lock = threading.Lock()


class RequiredCodeChallenge(rfc7636.CodeChallenge):
    """RFC 7636 with S256 required of every client, confidential ones included."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE (code_challenge with S256) is required")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant, result):
        if not grant.request.form.get("code_verifier"):
            raise InvalidRequestError("Missing 'code_verifier'")
        super().validate_code_verifier(grant, result)

    def get_authorization_code_challenge(self, authorization_code):
        with _lock:
            return _challenges.get(authorization_code.code, (None, None))[0]

    def get_authorization_code_challenge_method(self, authorization_code):
        with _lock:
            return _challenges.get(authorization_code.code, (None, None))[1]


_register_grant = flask_oauth2.AuthorizationServer.register_grant


def _register_grant_with_pkce(self, grant_cls, extensions=None):
    if grant_cls is _app.AuthorizationCodeGrant:
        extensions = [*(extensions or []), RequiredCodeChallenge()]
    return _register_grant(self, grant_cls, extensions)


flask_oauth2.AuthorizationServer.register_grant = _register_grant_with_pkce

_save_code = _app.AuthorizationCodeGrant.save_authorization_code


def _save_code_with_challenge(self, code, request):
    _save_code(self, code, request)
    data = request.payload.data
    with _lock:
        _challenges[code] = (data.get("code_challenge"), data.get("code_challenge_method"))


_app.AuthorizationCodeGrant.save_authorization_code = _save_code_with_challenge

# ProConnect asks one scope per claim.
_PROCONNECT_SCOPES = ("given_name", "usual_name", "siret", "uid", "idp_id", "belonging_population")
for claim in _PROCONNECT_SCOPES:
    _app._SCOPES_TO_CLAIMS.setdefault(claim, [claim])
Client.SCOPES_SUPPORTED = (*Client.SCOPES_SUPPORTED, *_PROCONNECT_SCOPES)


def _client_of_token_request(request: flask.Request) -> str | None:
    if request.authorization and request.authorization.username:
        return request.authorization.username
    return request.form.get("client_id")


def _after_request(response: flask.Response) -> flask.Response:
    request = flask.request
    if request.path == "/oauth2/token" and response.status_code == 200 and response.is_json:
        token = (response.get_json() or {}).get("access_token")
        client = _client_of_token_request(request)
        if token and client:
            with _lock:
                _token_clients[token] = client
    if request.path == "/userinfo" and response.status_code == 200 and response.is_json:
        claims = dict(response.get_json() or {})
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        with _lock:
            audience = _token_clients.get(bearer)
        claims["iss"] = request.host_url.rstrip("/")
        if audience:
            claims["aud"] = audience
        key = flask.g.oidc_provider_mock_storage.jwk
        header = {"alg": "RS256", "kid": key.as_dict()["kid"]}
        token = jose.jwt.encode(header, claims, key)
        response.set_data(token)
        response.mimetype = "application/jwt"
    return response


def _stop_with_parent(server) -> None:
    """A test killed half-way must not leave its provider running."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        server.shutdown()

    threading.Thread(target=watch, daemon=True).start()


def main() -> None:
    # Started from a thread that blocks signals (a Swift test's), the provider would inherit the
    # mask and ignore the SIGTERM that stops it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9400)
    parser.add_argument("--user-claims", action="append", default=[],
                        help='a predefined user as JSON, with "sub" (repeatable)')
    args = parser.parse_args()

    users = []
    for text in args.user_claims:
        claims = json.loads(text)
        sub = claims.pop("sub")
        users.append(User(sub=sub, claims=claims))

    app = _app.app(require_nonce=True, user_claims=users)
    app.after_request(_after_request)
    app.debug = False
    server = werkzeug.serving.make_server(args.host, args.port, app, threaded=True)
    _stop_with_parent(server)
    print("ready", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())

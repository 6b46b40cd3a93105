"""Health check of the web container: GET /healthz/ from the local gunicorn; exit 0 when it
answers 200 (the database answers too), 1 otherwise.

The request carries a Host header from DJANGO_ALLOWED_HOSTS, which Django would otherwise refuse
with 400, and X-Forwarded-Proto: https, as a TLS proxy would send, so that
DJANGO_SECURE_SSL_REDIRECT does not turn it into a redirect. Redirects are not followed.
"""

from __future__ import annotations

import http.client
import os
import sys


def host_header() -> str:
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main() -> int:
    port = int(os.environ.get("HEALTHCHECK_PORT", "8000"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            "GET", "/healthz/", headers={"Host": host_header(), "X-Forwarded-Proto": "https"}
        )
        response = connection.getresponse()
        body = response.read(200)
    except OSError as exc:
        print(f"healthcheck: {exc}")
        return 1
    finally:
        connection.close()
    print(f"healthcheck: {response.status} {body.decode('utf-8', 'replace')}")
    return 0 if response.status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())

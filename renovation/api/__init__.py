"""REST API infrastructure shared by every app: authentication, permissions, the one error
shape, pagination, CSV, throttling and the OpenAPI schema. Apps keep their endpoints in
`<app>/api/` and register them in `renovation/api/urls.py`."""

"""The OpenAPI schema and the docs page (Swagger UI served from this site's static files, under the CSP)."""

import re

from django.test import Client


def test_the_schema_is_published_and_names_every_resource(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.") and schema["info"]["version"] == "1"
    paths = set(schema["paths"])
    for expected in ["/api/v1/contacts", "/api/v1/contacts/{id}", "/api/v1/customers", "/api/v1/vendors/{id}",
                     "/api/v1/bank-accounts", "/api/v1/relations", "/api/v1/relations/{id}/drift",
                     "/api/v1/business-relation-codes", "/api/v1/changes", "/api/v1/contacts/{id}/merge",
                     "/api/v1/contacts/{id}/create-partner", "/api/v1/customers/{id}/create-contact",
                     "/api/v1/contacts/{id}/duplicates", "/api/v1/documents/{side}", "/api/v1/contacts/{id}/quotes",
                     "/api/v1/contacts/{id}/interactions", "/api/v1/customers/{id}/history", "/api/v1/jobs",
                     "/api/v1/jobs/{id}", "/api/v1/jobs/{id}/cancel", "/api/v1/jobs/{id}/resume",
                     "/api/v1/jobs/{id}/report"]:
        assert expected in paths, expected
    assert schema["components"]["securitySchemes"] == {
        "KeyAuth": {"type": "http", "scheme": "bearer"},
        "Session": {"type": "apiKey", "in": "cookie", "name": "sessionid"}}


def test_the_docs_page_needs_login_and_loads_nothing_from_another_site(client, sales_user):
    assert client.get("/api/v1/docs").status_code == 302
    client.force_login(sales_user)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in sources and "/static/ninja/swagger-ui-init.js" in sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/json" id="swagger-settings"']  # data, not code: CSP lets it be

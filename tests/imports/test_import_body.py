"""An import body that is JSON but neither a list of records nor a form is a
400 naming the field to send, never a 500 (found by the fuzzer)."""

import pytest


@pytest.mark.parametrize("path", ["documents/import/", "documents/import/preview/"])
@pytest.mark.parametrize("body", [b"-1062288", b'"text"', b"true"])
def test_a_json_scalar_body_is_refused(project, client_for, api, path, body):
    response = client_for("olga").post(
        api(f"{path}?annotations=prediction"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "file" in response.json()["errors"]

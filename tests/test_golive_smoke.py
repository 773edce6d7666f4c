"""The live smoke test's decisions on a stubbed GitHub: a stage that never finishes fails with
its name and where to look, and the test learner's registration is withdrawn all the same."""

from __future__ import annotations

from typing import Any

from glow.cohort.golive.smoke import smoke_test
from glow.cohort.setup.decide import Names


class Response:
    def __init__(self, body: Any) -> None:
        self.body = body

    def json(self) -> Any:
        return self.body


class Stub:
    """Just enough of `glow.github.Repo`: the issue's labels as the bots left them."""

    def __init__(self, labels: list[str]) -> None:
        self.labels = labels
        self.calls: list[tuple[str, str, Any]] = []

    def login(self) -> str:
        return "smoke"

    def url(self, *parts: object) -> str:
        return "repos/acme/workshop/" + "/".join(str(p) for p in parts)

    def get_json(self, url: str) -> Any:
        if url.endswith("issues/7"):
            return {"labels": [{"name": n} for n in self.labels]}
        return None  # no room, no invitation

    def request(self, method: str, url: str, **kw: Any) -> Response:
        self.calls.append((method, url, kw.get("json")))
        if method == "PATCH":
            self.labels = [*self.labels, "withdrawn"]
        return Response({"number": 7})


def test_a_room_that_never_comes_fails_naming_the_stage_and_is_torn_down() -> None:
    stub = Stub(["registration", "enrolled"])
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    check = smoke_test(
        stub,  # type: ignore[arg-type]
        stub,  # type: ignore[arg-type]
        Names(org="acme"),
        "2027-01",
        "https://github.com",
        timeout=60,
        clock=lambda: now[0],
        sleep=sleep,
    )
    assert check.status == "fail"
    assert check.detail.startswith("no Learning Room was made and shared within 60 s")
    assert check.fix == (
        "look at the Registration and Provisioning runs at https://github.com/acme/workshop/actions"
    )
    assert ("PATCH", "repos/acme/workshop/issues/7", {"state": "closed"}) in stub.calls


def test_a_registration_never_enrolled_fails_at_that_stage() -> None:
    stub = Stub(["registration", "waitlisted"])
    now = [0.0]
    check = smoke_test(
        stub,  # type: ignore[arg-type]
        stub,  # type: ignore[arg-type]
        Names(org="acme"),
        "2027-01",
        "https://github.com",
        timeout=30,
        clock=lambda: now[0],
        sleep=lambda s: now.__setitem__(0, now[0] + s),
    )
    assert check.status == "fail"
    assert check.detail.startswith("the registration was not enrolled within 30 s")

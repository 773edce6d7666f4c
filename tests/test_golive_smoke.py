"""The live smoke test's decisions on a stubbed GitHub: a stage that never finishes fails with
its name and where to look, and the test learner's registration is withdrawn all the same."""

from __future__ import annotations

from typing import Any

from glow.cohort.golive.decide import Check
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


def run(stub: Stub, timeout: float) -> Check:
    """The smoke test on ``stub``, its clock moved by its own sleeps."""
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    return smoke_test(
        stub,  # type: ignore[arg-type]
        stub,  # type: ignore[arg-type]
        Names(org="acme"),
        "2027-01",
        "https://github.com",
        timeout=timeout,
        clock=lambda: now[0],
        sleep=sleep,
    )


def test_a_room_that_never_comes_fails_naming_the_stage_and_is_torn_down() -> None:
    stub = Stub(["registration", "enrolled"])
    check = run(stub, timeout=60)
    assert check.status == "fail"
    assert check.detail.startswith("no Learning Room was made and shared within 60 s")
    assert check.fix == (
        "look at the Registration and Provisioning runs at https://github.com/acme/workshop/actions"
    )
    assert ("PATCH", "repos/acme/workshop/issues/7", {"state": "closed"}) in stub.calls


def test_a_registration_never_enrolled_fails_at_that_stage() -> None:
    check = run(Stub(["registration", "waitlisted"]), timeout=30)
    assert check.status == "fail"
    assert check.detail.startswith("the registration was not enrolled within 30 s")

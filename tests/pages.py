"""What every page with a form must show, for the tests of each app's pages."""

import re


def assert_titled_and_labelled(page) -> None:
    """The page answered, has a non-empty heading, and labels every field of its form."""
    assert page.status_code == 200
    html = page.content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert heading and heading.group(1).strip()
    for field in page.context["form"]:
        assert f'<label for="{field.auto_id}"' in html, field.name

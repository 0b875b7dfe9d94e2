"""What a CSM and a CS leader do every day, in a real browser."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from tests.browser.conftest import shot, sign_in


def test_portfolio_then_filter_accounts_then_open_one(browser: Any, server: str) -> None:
    page = sign_in(browser, server, "admin")
    page.wait_for_selector("text=MRR bridge, last 12 months", timeout=60_000)
    assert page.locator(".kpi .label", has_text="ARR at risk").count() == 1
    assert page.locator("svg.chart").count() >= 7
    shot(page, "portfolio")

    page.click("nav.side >> text=Accounts")
    page.wait_for_selector("#table table")
    page.select_option("select[name=band]", "yellow")
    page.wait_for_url(re.compile(r"band=yellow"))
    page.wait_for_load_state("networkidle")
    bands = page.locator("#table tbody .band").all_inner_texts()
    assert bands
    assert set(bands) <= {"yellow"}
    shot(page, "accounts")

    page.locator("#table tbody tr a").first.click()
    page.wait_for_selector("h2:text('Health breakdown')")
    rows = page.locator("table.contrib tbody tr")
    assert rows.count() > 10
    assert page.locator("text=What changed").count() == 1
    page.wait_for_selector("text=MRR at each month end", timeout=30_000)
    shot(page, "account-360")
    page.close()


def test_csv_export_downloads_the_filtered_list(browser: Any, server: str) -> None:
    page = sign_in(browser, server, "maria")
    page.goto(server + "/accounts/?band=green&sort=-mrr")
    with page.expect_download() as download:
        page.click("text=Export CSV")
    content = download.value.path().read_text()
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][0] == "external_id"
    assert len(rows) > 1
    assert {r[5] for r in rows[1:]} == {"green"}
    mrr = [float(r[9]) for r in rows[1:]]
    assert mrr == sorted(mrr, reverse=True)
    page.close()


def test_a_csm_completes_a_task(browser: Any, server: str) -> None:
    page = sign_in(browser, server, "maya")
    page.goto(server + "/tasks/")
    form = page.locator("form[action^='/tasks/']").first
    action = form.get_attribute("action")
    assert action
    row_id = "task-" + action.split("/")[2]
    title = page.locator(f"#{row_id} td").nth(2).inner_text().splitlines()[0]
    form.locator("input[name=outcome]").fill("Sponsor agreed to a QBR")
    form.locator("button").click()
    page.wait_for_selector(f"tr.done#{row_id}")  # htmx swapped in the completed row
    assert "Sponsor agreed to a QBR" in page.locator(f"#{row_id}").inner_text()
    page.reload()
    done = page.locator("section:has(h2:text('Recently done'))").inner_text()
    assert title in done
    assert "Sponsor agreed to a QBR" in done
    shot(page, "my-tasks")
    page.close()


def test_screenshots_of_every_main_page(browser: Any, server: str) -> None:
    page = sign_in(browser, server, "admin")
    pages = {
        "at-risk": ("/at-risk/", "At risk"),
        "expansion": ("/expansion/", "Expansion candidates"),
        "advocates": ("/advocates/", "Advocates"),
        "cohorts": ("/cohorts/", "Logo retention"),
        "surveys": ("/surveys/", "Verbatims"),
        "settings-scorecard": ("/settings/scorecard/", "Health scorecard"),
        "settings-tokens": ("/settings/tokens/", "API tokens"),
        "settings-users": ("/settings/users/", "Users and roles"),
    }
    for name, (path, expected) in pages.items():
        page.goto(server + path)
        page.wait_for_selector(f"text={expected}", timeout=60_000)
        page.wait_for_load_state("networkidle")
        assert shot(page, name).stat().st_size > 10_000
    page.close()


def test_tablet_width_keeps_the_navigation_and_tables_usable(browser: Any, server: str) -> None:
    page = sign_in(browser, server, "admin")
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(server + "/accounts/")
    nav = page.locator("nav.side").bounding_box()
    table = page.locator("#table").bounding_box()
    assert nav is not None
    assert table is not None
    assert nav["y"] < table["y"]  # the navigation folds above the page
    assert table["width"] <= 820
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Skip to content" in focused
    shot(page, "accounts-tablet")
    page.close()

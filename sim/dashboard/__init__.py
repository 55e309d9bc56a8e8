"""The interactive dashboard (`ceasefire dashboard`): explore a scenario live in the browser.

``levers`` and ``panels`` are plain Python (tested without a browser); ``app`` is the Solara
page and needs the optional ``dashboard`` extra; ``server`` starts it.
"""

SCENARIO_ENV = "CEASEFIRE_DASHBOARD_SCENARIO"  # the scenario `ceasefire dashboard` opens with

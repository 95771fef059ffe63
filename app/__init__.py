"""The workshop dashboard: the Solara page (`app.app`), its views and the offline asset set-up."""

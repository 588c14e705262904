"""The Streamlit app (installed as the package planner_app): a thin layer over the planner library.
Run it with `planner app`; the entry script is app.py."""

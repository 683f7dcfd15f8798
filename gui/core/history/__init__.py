"""Runs kept across restarts: ``run_record`` turns a finished run into plain JSON and back;
``store`` keeps one record a run in a SQLite file, written in one transaction when the run ends.
"""

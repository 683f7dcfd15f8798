"""The four ways to fetch. Each module reads like the textbook version of its technique; the
clients they call (``gui.core.clients``) hold the instrumentation."""

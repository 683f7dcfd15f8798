"""The Qt window. Views read the core's model (``gui.core.session.lab``) and send it commands; they never
talk HTTP, compute statistics, or get called from a worker thread."""

"""The lessons: each a module with one ``LESSON``, listed in ``gui.core.registry.LESSONS``."""

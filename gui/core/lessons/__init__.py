"""The lessons: each a module with one ``LESSON``, listed in ``gui.core.lessons.catalogue.LESSONS``."""

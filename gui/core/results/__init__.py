"""What a run that is over measured: ``finished_run.FinishedRun`` (made once a run ends, or given
back by the history), its ``stats``, and runs side by side (``comparison`` plans the same workload
in several modes; ``comparison_table`` lays out their numbers and how each cell reads).
"""

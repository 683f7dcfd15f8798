"""The small programs lessons run on each answer, on memory their workers share (or do not).

Each module holds the textbook functions the code panel shows, and the step that runs them for a
job and traces what they did; ``gui.core.workload.programs.table`` says which step each setting names.
"""

"""The cells app's models, one module a concern: cells (the party cells and their secretaries),
cell_years (a cell's year and its rating), tasks (tasks and their progress notes) and shares (a
cell's share of a ward target). The rest of the code imports them from here."""

from .cell_years import (
    LEVEL_FIELDS,
    LEVEL_SHORT_NAMES,
    MAX_MEMBERS,
    CellYear,
    Level,
    MemberCounts,
    RatingStep,
    RatingTotals,
    freeze_cell_names,
    open_cell_years,
)
from .cells import Cell, CellSecretary
from .shares import SHARE_AMOUNTS, SHARED_KINDS, Share, ShareTotals, StaleShare
from .tasks import PENDING_STATUSES, Task, TaskNote, TaskStatus

__all__ = [
    "LEVEL_FIELDS",
    "LEVEL_SHORT_NAMES",
    "MAX_MEMBERS",
    "PENDING_STATUSES",
    "SHARED_KINDS",
    "SHARE_AMOUNTS",
    "Cell",
    "CellSecretary",
    "CellYear",
    "Level",
    "MemberCounts",
    "RatingStep",
    "RatingTotals",
    "Share",
    "ShareTotals",
    "StaleShare",
    "Task",
    "TaskNote",
    "TaskStatus",
    "freeze_cell_names",
    "open_cell_years",
]

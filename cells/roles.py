"""The two roles, as Django groups with permissions; kept in step after every migrate."""

from django.contrib.auth.models import Group, Permission

WARD_STAFF = "Văn phòng Đảng ủy"
CELL_SECRETARIES = "Bí thư chi bộ"

ROLE_PERMISSIONS = {
    # The ward secretary and the committee's office: see everything, edit targets, figures,
    # tasks and ratings. view_cell is what lets a user see every cell.
    WARD_STAFF: [
        "targets.view_area",
        "targets.view_target",
        "targets.add_target",
        "targets.change_target",
        "targets.view_year",
        "targets.add_year",
        "targets.change_year",
        "targets.export_report",
        "targets.view_reporttext",
        "targets.add_reporttext",
        "targets.change_reporttext",
        "targets.close_year",
        "targets.view_yearevent",
        "targets.view_figure",
        "targets.add_figure",
        "targets.change_figure",
        "targets.view_evidence",
        "targets.add_evidence",
        "targets.view_figurechange",
        "targets.view_import",
        "cells.view_cell",
        "cells.change_cell",
        "cells.view_cellyear",
        "cells.add_cellyear",
        "cells.change_cellyear",
        "cells.view_task",
        "cells.add_task",
        "cells.change_task",
        "cells.delete_task",
        "cells.view_tasknote",
        "cells.add_tasknote",
        "cells.view_share",
        "cells.add_share",
        "cells.change_share",
        "cells.view_ratingstep",
        "cells.add_ratingstep",
        "cells.change_ratingstep",
        "cells.view_cellsecretary",
        # The committee's own users, in the admin (committees/admin.py).
        "committees.view_committee",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
    ],
    # None: what a cell secretary may see and report is their own cell's, which comes from
    # CellSecretary, not from a permission. A user without cells.view_cell is a cell
    # secretary (targets.access.is_cell_secretary, the one place that says so).
    CELL_SECRETARIES: [],
}


def sync_roles(**kwargs):
    """Give each role its permissions; those whose model is not migrated yet (a partial
    migrate) are left for the migrate that creates them."""
    for name, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = {tuple(code.split(".")) for code in codes}
        permissions = [
            permission
            for permission in Permission.objects.filter(
                codename__in=[codename for _app, codename in wanted]
            ).select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        group.permissions.set(permissions)

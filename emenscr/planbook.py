"""eMENSCR columns of the plan workbook (registered with projects.planbook.columns)."""


def register_columns(columns):
    pass

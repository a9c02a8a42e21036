from pathlib import Path

HERE = Path(__file__).parent
FIELD_SERVICE = "aftersales_field_service"


def names(filename):
    return tuple(line.strip() for line in (HERE / filename).read_text().splitlines() if line.strip())


def migrate(cr, version):
    """Field service moved to its own addon (docs/README.md, the addons): a database that had it in
    aftersales_service gets aftersales_field_service installed in the same update, and keeps every record. The
    external ids, constraints and tables of relations that the new addon declares become its own before it loads,
    so that neither addon's update deletes what the other declares."""
    if not version:
        return
    cr.execute("SELECT id FROM ir_module_module WHERE name = 'aftersales_service'")
    [base_id] = cr.fetchone()
    cr.execute("SELECT id, state FROM ir_module_module WHERE name = %s", [FIELD_SERVICE])
    row = cr.fetchone()
    if not row:
        raise RuntimeError(f"{FIELD_SERVICE} is not in the addons path: it holds the field service of this database.")
    field_service_id, state = row
    if state in ("uninstalled", "to remove"):
        cr.execute("UPDATE ir_module_module SET state = 'to install' WHERE id = %s", [field_service_id])
    cr.execute(
        "UPDATE ir_model_data SET module = %s WHERE module = 'aftersales_service' AND name IN %s",
        [FIELD_SERVICE, names("field_service_xmlids.txt")],
    )
    for table in ("ir_model_constraint", "ir_model_relation"):
        cr.execute(
            f"UPDATE {table} SET module = %s WHERE module = %s AND name IN %s",  # pylint: disable=sql-injection
            [field_service_id, base_id, names("field_service_constraints.txt")],
        )

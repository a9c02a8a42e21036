from odoo import fields, models
from odoo.tools import SQL


class AftersalesRecall(models.Model):
    _inherit = "aftersales.recall"
    _manager_fields = ("component_lot_ids",)
    _locked_fields = {"can_edit_scope": ("component_lot_ids",)}

    # Fields -----------------------------------------------------------------------------------

    component_lot_ids = fields.Many2many(
        "stock.lot", "aftersales_recall_component_lot_rel", "recall_id", "lot_id", string="Component Lots",
        check_company=True,
        help="Lots of components found faulty: the finished serials and lots manufactured with them are recalled.",
    )

    # Business rules ---------------------------------------------------------------------------

    def _named_lot_conditions(self, lot):
        """The finished lots whose manufacturing orders consumed one of the component lots (docs/recalls.md §2)."""
        conditions = super()._named_lot_conditions(lot)
        if self.component_lot_ids:
            conditions.append(SQL("""
                %(lot)s.id IN (
                    SELECT finished_line.lot_id
                      FROM stock_move_line component_line
                      JOIN stock_move component ON component.id = component_line.move_id
                       AND component.raw_material_production_id IS NOT NULL
                      JOIN stock_move finished ON finished.production_id = component.raw_material_production_id
                       AND finished.state = 'done'
                      JOIN stock_move_line finished_line ON finished_line.move_id = finished.id
                       AND finished_line.lot_id IS NOT NULL
                     WHERE component_line.lot_id IN %(components)s AND component.state = 'done'
                )
            """, lot=lot, components=tuple(self.component_lot_ids.ids)))
        return conditions
